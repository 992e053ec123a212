"""Dates, times and numbers as the reader's language writes them, times in the deployment's zone."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

from attrs import frozen
from babel import Locale
from babel.dates import format_date, format_datetime
from babel.numbers import format_decimal, format_percent

# Babel locales: Argentine Spanish writes dd/mm/aaaa and a 24-hour clock.
LOCALES = {"en": "en_US", "es": "es_AR"}
# ISO dates in English, as the product has always shown them; day first in Spanish.
DATE_PATTERNS = {"en": "yyyy-MM-dd", "es": "dd/MM/yyyy"}


@frozen
class LocalFormats:
    language: str
    zone: ZoneInfo

    @property
    def locale(self) -> Locale:
        return Locale.parse(LOCALES.get(self.language, self.language))

    def when(self, at: datetime | None, seconds: bool = False) -> str:
        """A moment in the deployment's zone, labelled with it: never a bare UTC time."""
        if at is None:
            return ""
        local = at.astimezone(self.zone)
        clock = "HH:mm:ss" if seconds else "HH:mm"
        shown = format_datetime(local, f"{self._date_pattern} {clock}", tzinfo=self.zone, locale=self.locale)
        return f"{shown} {zone_label(local)}"

    def day(self, on: date | None) -> str:
        return "" if on is None else format_date(on, self._date_pattern, locale=self.locale)

    def number(self, value: float) -> str:
        return format_decimal(value, locale=self.locale)

    def percent(self, share: float) -> str:
        return format_percent(share, "#,##0.0%", locale=self.locale)

    @property
    def _date_pattern(self) -> str:
        return DATE_PATTERNS.get(self.language, "yyyy-MM-dd")


def zone_label(local: datetime) -> str:
    """The zone's abbreviation (UTC, CET), or its offset from UTC where it has none (UTC-03)."""
    name = local.tzname() or ""
    return f"UTC{name}" if name and name[0] in "+-" else name
