"""The port the legacy import reads through: the original system's database, read-only."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Protocol

from leadsmanager.application.legacy.records import LegacyUser


class LegacySource(Protocol):
    def users(self) -> Iterator[LegacyUser]:
        """Every user, in id order."""
        ...
