"""The transaction helper: a fresh unit of work per attempt, committed, run again only after a collision."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from leadsmanager.application.ports import UnitOfWork
from leadsmanager.application.transactions import in_transaction
from leadsmanager.domain.errors import Conflict, TransientConflict
from leadsmanager.domain.roles import Role
from leadsmanager.domain.user import User
from tests.conftest import UowFactory

AT = datetime(2025, 1, 1, tzinfo=UTC)


def _user(email: str) -> User:
    return User(email, "Some One", Role.EMPLOYEE, "hash", AT)


def _emails(uow_factory: UowFactory) -> list[str]:
    with uow_factory() as uow:
        return [u.email for u in uow.users.list()]


def test_the_change_is_committed_and_its_result_returned(memory_uow: UowFactory) -> None:
    def add(uow: UnitOfWork) -> str:
        uow.users.add(_user("a@example.com"))
        return "added"

    assert in_transaction(memory_uow, add) == "added"
    assert _emails(memory_uow) == ["a@example.com"]


def test_a_collision_runs_the_change_again_in_a_fresh_unit_of_work(memory_uow: UowFactory) -> None:
    seen: list[UnitOfWork] = []

    def add(uow: UnitOfWork) -> None:
        seen.append(uow)
        uow.users.add(_user(f"{len(seen)}@example.com"))
        if len(seen) < 3:
            raise TransientConflict("collided")

    in_transaction(memory_uow, add)
    assert len({id(uow) for uow in seen}) == 3
    assert _emails(memory_uow) == ["3@example.com"]  # the failed attempts left nothing behind


def test_a_collision_on_every_attempt_is_reported(memory_uow: UowFactory) -> None:
    attempts: list[int] = []

    def collide(uow: UnitOfWork) -> None:
        attempts.append(1)
        raise TransientConflict("collided")

    with pytest.raises(TransientConflict):
        in_transaction(memory_uow, collide, attempts=4)
    assert len(attempts) == 4


def test_any_other_error_is_final_and_nothing_is_kept(memory_uow: UowFactory) -> None:
    attempts: list[int] = []

    def refuse(uow: UnitOfWork) -> None:
        attempts.append(1)
        uow.users.add(_user("a@example.com"))
        raise Conflict("stale")

    with pytest.raises(Conflict):
        in_transaction(memory_uow, refuse)
    assert (len(attempts), _emails(memory_uow)) == (1, [])
