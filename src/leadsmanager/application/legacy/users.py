"""The original system's users become ours: same email, name, role and active flag, and the same password
(its Django hash is checked at sign-in and replaced by argon2 then, see adapters/passwords/)."""

from __future__ import annotations

import enum
from collections.abc import Iterable

from attrs import frozen

from leadsmanager.application.intake.normalisation import normalise_email, normalise_name
from leadsmanager.application.legacy.records import LegacyUser
from leadsmanager.application.ports import Clock, UnitOfWork, UnitOfWorkFactory
from leadsmanager.application.transactions import in_transaction
from leadsmanager.domain.errors import ValidationError
from leadsmanager.domain.roles import Role
from leadsmanager.domain.user import User

DJANGO_HASH = "pbkdf2_sha256$"
# Django marks a user who may not sign in with a password by a hash starting with "!": ours never matches.
UNUSABLE = "!unusable: set a password with leadsmanager users set-password"


class UserOutcome(enum.StrEnum):
    CREATED = "created"
    EXISTING = "existing"  # an account with this email is here already: it is kept as it is
    SKIPPED = "skipped"


@frozen
class UserPlan:
    """What the import does, or did, with one legacy user, and why."""

    legacy_id: int
    email: str
    outcome: UserOutcome
    reason: str = ""
    user_id: int | None = None
    username: str = ""  # who a skipped user was, when it has no address to tell it by


class ImportLegacyUsers:
    """Each legacy user once: created, matched to the account already holding its email, or skipped with why."""

    def __init__(self, uow: UnitOfWorkFactory, clock: Clock) -> None:
        self._uow = uow
        self._clock = clock

    def __call__(self, users: Iterable[LegacyUser], *, dry_run: bool = False) -> list[UserPlan]:
        return [self._one(user, dry_run) for user in users]

    def _one(self, legacy: LegacyUser, dry_run: bool) -> UserPlan:
        try:
            email, name, role = _cleaned(legacy)
        except ValidationError as e:
            return UserPlan(legacy.id, legacy.address, UserOutcome.SKIPPED, str(e), username=legacy.username.strip())

        def add(uow: UnitOfWork) -> UserPlan:
            if (existing := uow.users.get_by_email(email)) is not None:
                return UserPlan(legacy.id, email, UserOutcome.EXISTING, "an account has this email", existing.id)
            password = legacy.password if legacy.password.startswith(DJANGO_HASH) else UNUSABLE
            user = User(email, name, role, password, created_at=legacy.date_joined or self._clock.now())
            if not legacy.is_active:
                user.deactivate()
            reason = "" if password == legacy.password else "no usable password: an admin sets one"
            if not dry_run:
                uow.users.add(user)
            return UserPlan(legacy.id, email, UserOutcome.CREATED, reason, user.id)

        if dry_run:
            with self._uow() as uow:
                return add(uow)
        return in_transaction(self._uow, add)


def _cleaned(legacy: LegacyUser) -> tuple[str, str, Role]:
    if not legacy.address:
        raise ValidationError("no email and no mail")
    try:
        role = Role(legacy.role.strip().lower())
    except ValueError:
        raise ValidationError(f"unknown role {legacy.role!r}") from None
    return normalise_email(legacy.address), normalise_name(legacy.full_name) or legacy.address, role
