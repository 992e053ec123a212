"""The port the legacy import reads through: the original system's database, read-only."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Protocol

from leadsmanager.application.legacy.records import LegacyCampaign, LegacyStatusChange, LegacySubmission, LegacyUser


class LegacySource(Protocol):
    def users(self) -> Iterator[LegacyUser]:
        """Every user, in id order."""
        ...

    def campaigns(self) -> Iterator[LegacyCampaign]:
        """Every campaign, in id order."""
        ...

    def submissions(self, *, after_id: int = 0) -> Iterator[LegacySubmission]:
        """The leads with a row id above `after_id`, in id order, read a batch at a time."""
        ...

    def history(self, *, after_id: int = 0) -> Iterator[LegacyStatusChange]:
        """The status changes of leads with a row id above `after_id`, by lead, then time, then row id."""
        ...
