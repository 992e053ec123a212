"""How a time range is cut into stored months and days and the raw hours around them."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from leadsmanager.adapters.sql.views.report_spans import Spans, spans


def at(month: int, day: int, hour: int = 0) -> datetime:
    return datetime(2026, month, day, hour, tzinfo=UTC)


def d(month: int, day: int) -> date:
    return date(2026, month, day)


NOW = at(6, 15, 12)


@pytest.mark.parametrize(
    ("start", "end", "expected"),
    [
        # UTC days in, UTC days out: whole months in the middle, whole days at the sides, no raw leads.
        (at(1, 10), at(4, 20), Spans((d(2, 1), d(4, 1)), ((d(1, 10), d(2, 1)), (d(4, 1), d(4, 20))), ())),
        # Madrid's midnights (23:00 UTC the day before in winter): an hour before, 23 hours after.
        (
            at(1, 9, 23),
            at(4, 19, 22),
            Spans(
                (d(2, 1), d(4, 1)),
                ((d(1, 10), d(2, 1)), (d(4, 1), d(4, 19))),
                ((at(1, 9, 23), at(1, 10)), (at(4, 19), at(4, 19, 22))),
            ),
        ),
        # Everything: every month row, whatever it holds.
        (None, None, Spans((None, None), (), ())),
        # An end after now is no end: the month holding now is read whole.
        (at(3, 1), at(6, 16), Spans((d(3, 1), None), (), ())),
        (None, at(3, 5), Spans((None, d(3, 1)), ((d(3, 1), d(3, 5)),), ())),
        # Inside one month: days only.
        (at(3, 5), at(3, 9), Spans(None, ((d(3, 5), d(3, 9)),), ())),
        # Inside one day, or less than one: the leads themselves.
        (at(3, 5, 3), at(3, 5, 20), Spans(None, (), ((at(3, 5, 3), at(3, 5, 20)),))),
        (at(3, 5, 3), at(3, 6, 20), Spans(None, (), ((at(3, 5, 3), at(3, 6, 20)),))),
        (at(3, 5, 3), at(3, 5, 3), Spans(None, (), ())),
        # Across a year's end.
        (datetime(2025, 12, 1, tzinfo=UTC), at(2, 1), Spans((date(2025, 12, 1), d(2, 1)), (), ())),
    ],
)
def test_a_range_is_read_from_the_fewest_rows(start: datetime | None, end: datetime | None, expected: Spans) -> None:
    assert spans(start, end, NOW) == expected


def test_without_a_clock_the_end_is_kept() -> None:
    assert spans(at(3, 1), at(6, 16)) == Spans((d(3, 1), d(6, 1)), ((d(6, 1), d(6, 16)),), ())
