"""The original system's users come over with their roles, their active flag and their passwords."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import sqlalchemy as sa

from leadsmanager.adapters.legacy_django import DjangoLegacySource
from leadsmanager.adapters.system import Argon2Hasher
from leadsmanager.application.legacy import ImportLegacyUsers, UserOutcome
from leadsmanager.application.users import Authenticate
from leadsmanager.domain.errors import AuthenticationFailed, ExternalServiceError
from leadsmanager.domain.roles import Role
from tests.conftest import MYSQL_URL, UowFactory
from tests.integration.legacy_db import insert_users, legacy_database, user_row
from tests.support import FakeClock

pytestmark = pytest.mark.mariadb


@pytest.fixture
def legacy(mysql_engine: sa.Engine) -> Iterator[tuple[str, sa.Engine]]:
    with legacy_database(MYSQL_URL) as built:
        insert_users(
            built[1],
            user_row(1, role="admin", username="jefa", first_name="Ana", last_name="Jefa"),
            user_row(2, role="manager", email=" Marcos@Intralog.Example "),
            user_row(3, email="", mail="solo.mail@intralog.example"),  # the address only in `mail`
            user_row(4, is_active=False),
            user_row(5, password="!Xq9unusable"),  # Django's unusable password
            user_row(6, email="", mail=None),  # nowhere to sign in with
            user_row(7, role="supervisor"),  # a role this product does not have
        )
        yield built


def test_each_user_comes_over_once_with_role_name_and_active_flag(
    legacy: tuple[str, sa.Engine], memory_uow: UowFactory
) -> None:
    url, _ = legacy
    run = ImportLegacyUsers(memory_uow, FakeClock())
    plans = run(DjangoLegacySource.from_url(url).users())
    outcome = {p.legacy_id: (p.outcome, p.email, p.reason) for p in plans}
    assert outcome[1] == (UserOutcome.CREATED, "user1@intralog.example", "")
    assert outcome[2][1] == "marcos@intralog.example"
    assert outcome[3][:2] == (UserOutcome.CREATED, "solo.mail@intralog.example")
    assert outcome[5] == (UserOutcome.CREATED, "user5@intralog.example", "no usable password: an admin sets one")
    assert outcome[6] == (UserOutcome.SKIPPED, "", "no email and no mail")
    assert outcome[7] == (UserOutcome.SKIPPED, "user7@intralog.example", "unknown role 'supervisor'")
    with memory_uow() as uow:
        users = {u.email: u for u in uow.users.list()}
    assert (users["user1@intralog.example"].full_name, users["user1@intralog.example"].role) == ("Ana Jefa", Role.ADMIN)
    assert users["marcos@intralog.example"].role is Role.MANAGER
    assert users["user4@intralog.example"].active is False
    assert len(users) == 5

    again = run(DjangoLegacySource.from_url(url).users())  # a second run changes nothing
    assert {p.legacy_id: p.outcome for p in again if p.outcome is not UserOutcome.SKIPPED} == dict.fromkeys(
        (1, 2, 3, 4, 5), UserOutcome.EXISTING
    )
    assert [p.user_id for p in again if p.legacy_id == 1] == [users["user1@intralog.example"].id]
    with memory_uow() as uow:
        assert len(uow.users.list()) == 5


def test_a_dry_run_says_what_would_happen_and_creates_nobody(
    legacy: tuple[str, sa.Engine], memory_uow: UowFactory
) -> None:
    plans = ImportLegacyUsers(memory_uow, FakeClock())(DjangoLegacySource.from_url(legacy[0]).users(), dry_run=True)
    assert [p.outcome for p in plans].count(UserOutcome.CREATED) == 5
    with memory_uow() as uow:
        assert uow.users.list() == []


def test_imported_users_sign_in_with_their_old_password_which_then_becomes_argon2(
    legacy: tuple[str, sa.Engine], memory_uow: UowFactory
) -> None:
    ImportLegacyUsers(memory_uow, FakeClock())(DjangoLegacySource.from_url(legacy[0]).users())
    sign_in = Authenticate(memory_uow, Argon2Hasher())
    with pytest.raises(AuthenticationFailed):
        sign_in("user4@intralog.example", "lètmein")  # inactive there, inactive here
    with pytest.raises(AuthenticationFailed):
        sign_in("user5@intralog.example", "!Xq9unusable")
    user = sign_in("solo.mail@intralog.example", "lètmein")
    with memory_uow() as uow:
        stored = uow.users.get(user.id or 0)
    assert stored is not None and stored.password_hash.startswith("$argon2")


def test_an_unreachable_legacy_database_is_a_clear_error() -> None:
    source = DjangoLegacySource.from_url("mysql+pymysql://nobody@127.0.0.1:9/gone")
    with pytest.raises(ExternalServiceError, match="reading the legacy database failed"):
        list(source.users())
