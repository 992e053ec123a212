"""Reporting periods: local days, their UTC bounds across daylight saving, and bad input."""

from __future__ import annotations

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import pytest

from leadsmanager.domain.errors import ValidationError
from leadsmanager.domain.period import Period, time_zone

MADRID = ZoneInfo("Europe/Madrid")


def test_the_day_clocks_go_forward_has_23_hours() -> None:
    day = Period.of(date(2026, 3, 29), date(2026, 3, 29), MADRID)
    assert day.start == datetime(2026, 3, 28, 23, tzinfo=UTC)
    assert day.end == datetime(2026, 3, 29, 22, tzinfo=UTC)


def test_the_day_clocks_go_back_has_25_hours() -> None:
    day = Period.of(date(2026, 10, 25), date(2026, 10, 25), MADRID)
    assert day.end is not None and day.start is not None
    assert (day.end - day.start).total_seconds() == 25 * 3600


def test_an_open_side_has_no_bound() -> None:
    since = Period.of(date(2026, 1, 1), None, ZoneInfo("UTC"))
    assert (since.start, since.end) == (datetime(2026, 1, 1, tzinfo=UTC), None)


def test_the_last_30_days_end_today() -> None:
    period = Period.last_days(30, date(2026, 3, 31), MADRID)
    assert (period.first, period.last) == (date(2026, 3, 2), date(2026, 3, 31))


def test_a_period_cannot_end_before_it_starts() -> None:
    with pytest.raises(ValidationError, match="ends before it starts"):
        Period.of(date(2026, 3, 2), date(2026, 3, 1), MADRID)


@pytest.mark.parametrize("name", ["Mars/Olympus", "", "../etc/passwd", "Europe/"])
def test_an_unknown_time_zone_is_named_in_the_error(name: str) -> None:
    with pytest.raises(ValidationError, match="unknown time zone"):
        time_zone(name)


def test_a_known_time_zone_is_found() -> None:
    assert time_zone(" Europe/Madrid ") == MADRID
