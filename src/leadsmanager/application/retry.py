"""Running a use case again after a collision that a fresh attempt resolves."""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from leadsmanager.domain.errors import TransientConflict

T = TypeVar("T")

ATTEMPTS = 3  # runs of a use case before a collision is reported to its caller


def retrying(work: Callable[[], T], attempts: int = ATTEMPTS) -> T:
    """Run a use case again after a collision on locks or snapshots; a stale version is final."""
    for attempt in range(attempts):
        try:
            return work()
        except TransientConflict:
            if attempt == attempts - 1:
                raise
    raise AssertionError("unreachable")
