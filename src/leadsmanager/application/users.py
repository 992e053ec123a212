"""People: creating users, changing roles, deactivating, passwords, signing in."""

from __future__ import annotations

from collections.abc import Callable

from attrs import frozen

from leadsmanager.application.intake.normalisation import (
    FieldErrors,
    normalise_email,
    normalise_name,
    normalise_phone,
    too_long,
)
from leadsmanager.application.ports import Clock, PasswordHasher, UnitOfWork, UnitOfWorkFactory
from leadsmanager.application.transactions import in_transaction
from leadsmanager.domain.actor import Actor
from leadsmanager.domain.errors import (
    AuthenticationFailed,
    Conflict,
    NotFound,
    PermissionDenied,
    ValidationError,
)
from leadsmanager.domain.roles import Permission, Role
from leadsmanager.domain.user import User

MIN_PASSWORD_LENGTH = 10
MAX_PASSWORD_LENGTH = 1024


@frozen
class NewUser:
    email: str
    full_name: str
    role: Role
    password: str
    phone: str = ""


def check_password(password: str) -> None:
    if len(password) < MIN_PASSWORD_LENGTH:
        message = f"a password needs at least {MIN_PASSWORD_LENGTH} characters"
        raise ValidationError(message, {"password": message})
    if len(password) > MAX_PASSWORD_LENGTH:
        raise ValidationError("that password is too long", {"password": too_long(MAX_PASSWORD_LENGTH)})


def _require_admin(actor: Actor) -> None:
    if not actor.can(Permission.MANAGE_USERS):
        raise PermissionDenied("only admins manage users")


def _load(uow: UnitOfWork, user_id: int) -> User:
    user = uow.users.get(user_id)
    if user is None:
        raise NotFound(f"user {user_id} was not found")
    return user


def _keep_an_admin(uow: UnitOfWork, user: User) -> None:
    """Never leave the product without an active admin: nobody could manage users again."""
    others = [u for u in uow.users.list() if u.active and u.role is Role.ADMIN and u.id != user.id]
    if user.role is Role.ADMIN and user.active and not others:
        raise Conflict("this is the last active admin; make another admin first")


def _email_or_blank(typed: str) -> str:
    """A typed address in the form users' addresses are stored in (normalise_email, as at creation), or ""
    (which no user has) when it is not an address at all."""
    try:
        return normalise_email(typed)
    except ValidationError:
        return ""


class UserAdmin:
    """The admin's user-management use cases; each is one transaction."""

    def __init__(self, uow: UnitOfWorkFactory, clock: Clock, hasher: PasswordHasher, *, phone_region: str) -> None:
        self._uow = uow
        self._clock = clock
        self._hasher = hasher
        self._region = phone_region

    def create(self, new: NewUser, *, by: Actor) -> User:
        _require_admin(by)
        check = FieldErrors()
        email = check.attempt("email", lambda: normalise_email(new.email), "")
        full_name = check.attempt("full_name", lambda: normalise_name(new.full_name), "")
        if not full_name:
            check.errors.setdefault("full_name", "enter a name")
        phone = check.attempt("phone", lambda: self._phone(new.phone), None)
        check.attempt("password", lambda: check_password(new.password), None)
        check.check("the user was not created")
        password_hash = self._hasher.hash(new.password)

        def add(uow: UnitOfWork) -> User:
            if uow.users.get_by_email(email) is not None:
                raise Conflict(f"a user with email {email} already exists")
            user = User(email, full_name, new.role, password_hash, created_at=self._clock.now(), phone=phone)
            uow.users.add(user)
            return user

        return in_transaction(self._uow, add)

    def _phone(self, raw: str) -> str | None:
        return normalise_phone(raw, region=self._region) if raw.strip() else None

    def directory(self, *, by: Actor) -> list[User]:
        """Who leads can go to: for the people who hand them out."""
        if not by.can(Permission.ASSIGN_LEADS):
            raise PermissionDenied("only managers and admins assign leads")
        with self._uow() as uow:
            return [u for u in uow.users.list() if u.active]

    def list(self, *, by: Actor) -> list[User]:
        _require_admin(by)
        with self._uow() as uow:
            return uow.users.list()

    def find(self, email: str, *, by: Actor) -> User:
        _require_admin(by)
        with self._uow() as uow:
            user = uow.users.get_by_email(_email_or_blank(email))
            if user is None:
                raise NotFound(f"no user has email {email.strip()!r}")
            return user

    def change_role(self, user_id: int, role: Role, *, by: Actor) -> User:
        _require_admin(by)

        def change(user: User, uow: UnitOfWork) -> None:
            if role is not Role.ADMIN:
                _keep_an_admin(uow, user)
            user.change_role(role)

        return self._change(user_id, change)

    def set_phone(self, user_id: int, phone: str, *, by: Actor) -> User:
        _require_admin(by)
        number = self._phone(phone)

        def change(user: User, _uow: UnitOfWork) -> None:
            user.phone = number

        return self._change(user_id, change)

    def deactivate(self, user_id: int, *, by: Actor) -> User:
        _require_admin(by)

        def change(user: User, uow: UnitOfWork) -> None:
            _keep_an_admin(uow, user)
            user.deactivate()
            uow.sessions.remove_for_user(user_id)

        return self._change(user_id, change)

    def reactivate(self, user_id: int, *, by: Actor) -> User:
        _require_admin(by)
        return self._change(user_id, lambda user, _uow: user.reactivate())

    def set_password(self, user_id: int, password: str, *, by: Actor) -> User:
        if by.user_id != user_id:
            _require_admin(by)
        check_password(password)
        password_hash = self._hasher.hash(password)
        return self._change(user_id, lambda user, _uow: user.set_password_hash(password_hash))

    def _change(self, user_id: int, change: Callable[[User, UnitOfWork], None]) -> User:
        """Load the user, `change` it (and anything else in that transaction), save it, commit."""

        def changed(uow: UnitOfWork) -> User:
            user = _load(uow, user_id)
            change(user, uow)
            uow.users.save(user)
            return user

        return in_transaction(self._uow, changed)


class Authenticate:
    """Same answer, and about the same time, for an unknown email and a wrong password."""

    FAILED = "email or password is incorrect"

    def __init__(self, uow: UnitOfWorkFactory, hasher: PasswordHasher) -> None:
        self._uow = uow
        self._hasher = hasher
        self._dummy_hash = hasher.hash("not a password anyone has: timing equaliser")

    def __call__(self, email: str, password: str) -> User:
        return self.check(self.find(email), password)

    def find(self, email: str) -> User | None:
        """The account a typed email names: looked up in the normalised form accounts are stored in."""
        with self._uow() as uow:
            return uow.users.get_by_email(_email_or_blank(email))

    def check(self, user: User | None, password: str) -> User:
        """`user` if `password` is theirs and they may sign in; else AuthenticationFailed."""
        if user is None:
            self._hasher.verify(self._dummy_hash, password)
            raise AuthenticationFailed(self.FAILED)
        if not self._hasher.verify(user.password_hash, password) or not user.active:
            raise AuthenticationFailed(self.FAILED)
        if self._hasher.needs_rehash(user.password_hash):
            self._rehash(user, password)
        return user

    def _rehash(self, user: User, password: str) -> None:
        assert user.id is not None
        user_id, checked, fresh = user.id, user.password_hash, self._hasher.hash(password)

        def rehash(uow: UnitOfWork) -> bool:
            stored = uow.users.get(user_id)
            # Only over the hash just checked: a password changed meanwhile must not be undone.
            if stored is None or stored.password_hash != checked:
                return False
            stored.set_password_hash(fresh, end_sessions=False)
            uow.users.save(stored)
            return True

        if in_transaction(self._uow, rehash):
            user.set_password_hash(fresh, end_sessions=False)
