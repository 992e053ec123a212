"""A reporting period: whole local days in a time zone, each starting at local midnight."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from attrs import frozen

from leadsmanager.domain.errors import ValidationError


def time_zone(name: str) -> ZoneInfo:
    """The IANA zone called `name` (such as Europe/Madrid), or a ValidationError that says so."""
    try:
        return ZoneInfo(name.strip())
    except (ZoneInfoNotFoundError, ValueError):
        message = f"unknown time zone {name!r}; use an IANA name such as UTC or Europe/Madrid"
        raise ValidationError(message, {"tz": "unknown time zone"}) from None


@frozen
class Period:
    """From the first to the last day, both included; a missing day leaves that side open."""

    first: date | None
    last: date | None
    zone: ZoneInfo

    @classmethod
    def of(cls, first: date | None, last: date | None, zone: ZoneInfo) -> Period:
        if first is not None and last is not None and last < first:
            raise ValidationError("the period ends before it starts", {"to": "before from"})
        return cls(first, last, zone)

    @classmethod
    def last_days(cls, days: int, today: date, zone: ZoneInfo) -> Period:
        return cls(today - timedelta(days=days - 1), today, zone)

    @property
    def start(self) -> datetime | None:
        """The first day's local midnight, in UTC."""
        return None if self.first is None else self._midnight(self.first)

    @property
    def end(self) -> datetime | None:
        """The local midnight after the last day, in UTC: the first instant outside the period."""
        return None if self.last is None else self._midnight(self.last + timedelta(days=1))

    def _midnight(self, day: date) -> datetime:
        return datetime.combine(day, time(), tzinfo=self.zone).astimezone(UTC)
