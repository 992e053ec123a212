"""Running a use case's change as one business transaction, again in a fresh one after a collision."""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from leadsmanager.application.ports import UnitOfWork, UnitOfWorkFactory
from leadsmanager.domain.errors import TransientConflict

T = TypeVar("T")

ATTEMPTS = 3  # runs of a use case before a collision is reported to its caller


def in_transaction(uow: UnitOfWorkFactory, change: Callable[[UnitOfWork], T], *, attempts: int = ATTEMPTS) -> T:
    """`change` in a fresh unit of work, committed; run again from the start, in another fresh unit of
    work, when it collides with another transaction (TransientConflict), up to `attempts` times. A stale
    version (Conflict) is final: the caller decides again on what is stored now.

    `change` reads what it needs inside: a retry must see what the colliding transaction wrote. Anything
    slow that does not depend on the database (hashing a password) is done before, once."""
    for attempt in range(attempts):
        try:
            with uow() as unit:
                result = change(unit)
                unit.commit()
                return result
        except TransientConflict:
            if attempt == attempts - 1:
                raise
    raise AssertionError("unreachable")
