"""Spreadsheet dates: every way a moment may be written reads back as that moment; anything else is refused."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from leadsmanager.application.imports.dates import parse_date
from leadsmanager.domain.errors import ValidationError

ZONE = ZoneInfo("America/Argentina/Buenos_Aires")
moments = st.datetimes(min_value=datetime(1901, 1, 1), max_value=datetime(9998, 12, 31)).map(
    lambda d: d.replace(microsecond=0)
)


@given(moments)
def test_day_first_iso_and_excel_serials_of_one_moment_agree(moment: datetime) -> None:
    expected = moment.replace(tzinfo=ZONE).astimezone(UTC)
    day_first = moment.strftime("%d/%m/%Y %H:%M:%S")
    iso = moment.strftime("%Y-%m-%d %H:%M:%S")
    serial = (moment - datetime(1899, 12, 30)) / timedelta(days=1)
    assert parse_date(day_first, zone=ZONE) == expected
    assert parse_date(iso, zone=ZONE) == expected
    assert abs(parse_date(f"{serial:.10f}", zone=ZONE) - expected) <= timedelta(seconds=1)


@given(moments)
def test_a_date_alone_is_the_local_midnight_of_that_day(moment: datetime) -> None:
    midnight = datetime(moment.year, moment.month, moment.day, tzinfo=ZONE).astimezone(UTC)
    assert parse_date(moment.strftime("%d.%m.%Y"), zone=ZONE) == midnight
    assert parse_date(moment.strftime("%Y/%m/%d"), zone=ZONE) == midnight


@given(st.text(max_size=30))
def test_any_text_is_a_moment_or_a_validation_error(text: str) -> None:
    try:
        result = parse_date(text, zone=ZONE)
    except ValidationError as e:
        assert "created_at" in e.fields
    else:
        assert result.tzinfo is UTC


@pytest.mark.parametrize("text", ["31/02/2024", "2024-13-01", "0", "60", "3000000", "15/01/2024 25:00", "ayer"])
def test_impossible_dates_are_refused(text: str) -> None:
    with pytest.raises(ValidationError, match="is not a date"):
        parse_date(text, zone=ZONE)


def test_an_offset_is_honoured_and_z_is_utc() -> None:
    assert parse_date("2024-01-15T13:45:00Z", zone=ZONE) == datetime(2024, 1, 15, 13, 45, tzinfo=UTC)
    assert parse_date("2024-01-15 13:45:00-03:00", zone=UTC) == datetime(2024, 1, 15, 16, 45, tzinfo=UTC)
