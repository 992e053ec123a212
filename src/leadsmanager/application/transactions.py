"""Running a use case's change as one business transaction, again in a fresh one after a collision."""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from leadsmanager.application.ports import UnitOfWork, UnitOfWorkFactory
from leadsmanager.application.retry import ATTEMPTS, retrying

T = TypeVar("T")


def in_transaction(uow: UnitOfWorkFactory, change: Callable[[UnitOfWork], T], *, attempts: int = ATTEMPTS) -> T:
    """`change` in a fresh unit of work, committed; run again from the start, in another fresh unit of
    work, when it collides with another transaction (TransientConflict), up to `attempts` times.

    `change` reads what it needs inside: a retry must see what the colliding transaction wrote. Anything
    slow that does not depend on the database (hashing a password) is done before, once."""

    def once() -> T:
        with uow() as unit:
            result = change(unit)
            unit.commit()
            return result

    return retrying(once, attempts)
