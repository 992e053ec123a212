"""Test doubles and builders shared by the suites."""

from __future__ import annotations

import itertools
from datetime import UTC, datetime, timedelta

from leadsmanager.application.intake import LeadForm, SubmitLead
from leadsmanager.application.ports import Clock, PasswordHasher, UnitOfWorkFactory
from leadsmanager.domain.actor import Actor
from leadsmanager.domain.lead import Channel, Lead, Submission
from leadsmanager.domain.roles import Role
from leadsmanager.domain.user import User

START = datetime(2026, 3, 1, 9, 0, tzinfo=UTC)
_user_numbers = itertools.count(1)


class FakeClock(Clock):
    """Moves one second on every reading, so every event has its own time."""

    def __init__(self, start: datetime = START, step: timedelta = timedelta(seconds=1)) -> None:
        self.current = start
        self.step = step

    def now(self) -> datetime:
        self.current += self.step
        return self.current


class PlainHasher(PasswordHasher):
    """A fast, transparent stand-in for argon2 in use-case tests; `scheme` lets a test force a rehash."""

    def __init__(self, scheme: str = "v1") -> None:
        self.scheme = scheme

    def hash(self, password: str) -> str:
        return f"{self.scheme}${password[::-1]}"

    def verify(self, password_hash: str, password: str) -> bool:
        return password_hash.split("$", 1)[1] == password[::-1]

    def needs_rehash(self, password_hash: str) -> bool:
        return not password_hash.startswith(self.scheme + "$")


def submission(n: int = 1, **changes: object) -> Submission:
    values: dict[str, object] = {
        "channel": Channel.WEB_FORM,
        "contact_name": f"Person {n}",
        "email": f"person{n}@example.com",
        "phone": f"+1202555{n:04d}",
        "company": f"Company {n}",
        "service": "consulting",
        "message": "please call me",
    }
    values.update(changes)
    return Submission(**values)  # type: ignore[arg-type]


def new_lead(n: int = 1, *, at: datetime = START, **changes: object) -> Lead:
    return Lead.from_submission(submission(n, **changes), at=at)


def store(uow_factory: UnitOfWorkFactory, *leads: Lead) -> list[int]:
    """The leads added in one unit of work; their ids."""
    with uow_factory() as uow:
        for lead in leads:
            uow.leads.add(lead)
        uow.commit()
    return [lead.id for lead in leads if lead.id is not None]


def make_user(uow_factory: UnitOfWorkFactory, role: Role, name: str = "", *, active: bool = True) -> User:
    name = name or f"{role.value} {next(_user_numbers)}"
    email = name.lower().replace(" ", ".") + "@staff.example.com"
    user = User(email=email, full_name=name, role=role, password_hash="x", created_at=START, active=active)
    with uow_factory() as uow:
        uow.users.add(user)
        uow.commit()
    return user


def actor(user: User) -> Actor:
    return user.as_actor()


def submit(uow_factory: UnitOfWorkFactory, clock: FakeClock, n: int = 1) -> int:
    form = LeadForm(Channel.WEB_FORM, name=f"Person {n}", email=f"person{n}@example.com", phone=f"+1 202 555 {n:04d}")
    return SubmitLead(uow_factory, clock, phone_region="US")(form).lead_id
