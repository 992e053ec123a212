"""People: user administration and signing in."""

from __future__ import annotations

import pytest

from leadsmanager.application.users import Authenticate, NewUser, UserAdmin
from leadsmanager.domain.actor import Actor
from leadsmanager.domain.errors import AuthenticationFailed, Conflict, PermissionDenied, ValidationError
from leadsmanager.domain.roles import Role
from tests.conftest import UowFactory
from tests.support import FakeClock, PlainHasher

SYSTEM = Actor.system()
PASSWORD = "correct horse battery"


@pytest.fixture
def hasher() -> PlainHasher:
    return PlainHasher()


@pytest.fixture
def admin(memory_uow: UowFactory, clock: FakeClock, hasher: PlainHasher) -> UserAdmin:
    return UserAdmin(memory_uow, clock, hasher, phone_region="US")


def create(admin: UserAdmin, email: str, role: Role = Role.EMPLOYEE, **changes: str) -> int:
    new = NewUser(
        email=email,
        full_name=changes.get("name", "Some One"),
        role=role,
        password=PASSWORD,
        phone=changes.get("phone", ""),
    )
    user = admin.create(new, by=SYSTEM)
    assert user.id is not None
    return user.id


def test_an_admin_creates_users_with_clean_details(admin: UserAdmin) -> None:
    create(admin, " Rita.Rep@Example.com ", name="  Rita   Rep ", phone="(202) 555-0143")
    [user] = admin.list(by=SYSTEM)
    assert (user.email, user.full_name, user.phone, user.role, user.active) == (
        "rita.rep@example.com",
        "Rita Rep",
        "+12025550143",
        Role.EMPLOYEE,
        True,
    )
    assert PASSWORD not in user.password_hash


def test_user_problems_are_reported_together(admin: UserAdmin) -> None:
    with pytest.raises(ValidationError) as caught:
        admin.create(NewUser(email="nope", full_name=" ", role=Role.EMPLOYEE, password="short", phone="1"), by=SYSTEM)
    assert set(caught.value.fields) == {"email", "full_name", "password", "phone"}
    assert admin.list(by=SYSTEM) == []


def test_emails_are_unique(admin: UserAdmin) -> None:
    create(admin, "rita@example.com")
    with pytest.raises(Conflict):
        create(admin, "RITA@example.com")


def test_only_admins_manage_users(admin: UserAdmin) -> None:
    for role in (Role.MANAGER, Role.EMPLOYEE):
        with pytest.raises(PermissionDenied):
            admin.list(by=Actor(user_id=5, role=role, name="x"))


def test_changing_role_or_deactivating_ends_sessions(admin: UserAdmin) -> None:
    create(admin, "boss@example.com", Role.ADMIN)
    rep = create(admin, "rita@example.com")
    promoted = admin.change_role(rep, Role.MANAGER, by=SYSTEM)
    assert (promoted.role, promoted.session_version) == (Role.MANAGER, 1)
    gone = admin.deactivate(rep, by=SYSTEM)
    assert (gone.active, gone.session_version) == (False, 2)


def test_the_last_active_admin_cannot_be_removed(admin: UserAdmin) -> None:
    boss = create(admin, "boss@example.com", Role.ADMIN)
    with pytest.raises(Conflict, match="last active admin"):
        admin.deactivate(boss, by=SYSTEM)
    with pytest.raises(Conflict, match="last active admin"):
        admin.change_role(boss, Role.MANAGER, by=SYSTEM)
    second = create(admin, "second@example.com", Role.ADMIN)
    admin.deactivate(boss, by=SYSTEM)
    assert admin.find("second@example.com", by=SYSTEM).id == second


def test_sign_in_fails_the_same_way_for_unknown_wrong_and_inactive(
    admin: UserAdmin, memory_uow: UowFactory, hasher: PlainHasher
) -> None:
    create(admin, "boss@example.com", Role.ADMIN)
    rep = create(admin, "rita@example.com")
    sign_in = Authenticate(memory_uow, hasher)
    assert sign_in(" RITA@example.com", PASSWORD).id == rep
    admin.deactivate(rep, by=SYSTEM)
    messages = set()
    for email, password in (
        ("nobody@example.com", PASSWORD),
        ("boss@example.com", "wrong"),
        ("rita@example.com", PASSWORD),
    ):
        with pytest.raises(AuthenticationFailed) as caught:
            sign_in(email, password)
        messages.add(str(caught.value))
    assert messages == {"email or password is incorrect"}


def test_an_old_hash_is_upgraded_at_sign_in_without_ending_sessions(
    admin: UserAdmin, memory_uow: UowFactory, hasher: PlainHasher
) -> None:
    rep = create(admin, "rita@example.com")
    hasher.scheme = "v2"
    user = Authenticate(memory_uow, hasher)("rita@example.com", PASSWORD)
    with memory_uow() as uow:
        stored = uow.users.get(rep)
    assert stored is not None and stored.password_hash.startswith("v2$")
    assert user.session_version == 0 and stored.session_version == 0


def test_a_new_password_ends_other_sessions_and_works(
    admin: UserAdmin, memory_uow: UowFactory, hasher: PlainHasher
) -> None:
    rep = create(admin, "rita@example.com")
    with pytest.raises(ValidationError):
        admin.set_password(rep, "short", by=SYSTEM)
    changed = admin.set_password(rep, "a much better password", by=SYSTEM)
    assert changed.session_version == 1
    assert Authenticate(memory_uow, hasher)("rita@example.com", "a much better password").id == rep


@pytest.mark.parametrize(
    "typed", ["\uff52ita@example.com", "ri\u200bta@example.com", " RITA@EXAMPLE.COM ", "rita@EXAMPLE.com\ufeff"]
)
def test_a_user_signs_in_and_is_found_under_any_spelling_of_their_one_address(
    admin: UserAdmin, memory_uow: UowFactory, hasher: PlainHasher, typed: str
) -> None:
    rita = create(admin, "rita@example.com")
    assert Authenticate(memory_uow, hasher)(typed, PASSWORD).id == rita
    assert admin.find(typed, by=SYSTEM).id == rita
    with pytest.raises(Conflict):
        create(admin, typed)


def test_accented_and_sharp_s_addresses_are_other_users(
    admin: UserAdmin, memory_uow: UowFactory, hasher: PlainHasher
) -> None:
    jose, strasse = create(admin, "jose@example.com"), create(admin, "strasse@example.com")
    jose_accented, strasse_sharp = create(admin, "jos\u00e9@example.com"), create(admin, "stra\u00dfe@example.com")
    sign_in = Authenticate(memory_uow, hasher)
    assert [sign_in(e, PASSWORD).id for e in ("jos\u00e9@example.com", "stra\u00dfe@example.com")] == [
        jose_accented,
        strasse_sharp,
    ]
    assert len({jose, strasse, jose_accented, strasse_sharp}) == 4
    with pytest.raises(AuthenticationFailed):
        sign_in("not an address", PASSWORD)
