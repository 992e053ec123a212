"""Which running counts answer a time range: whole UTC months, whole UTC days, and the leads themselves.

A report's range starts and ends at local midnights, which fall inside UTC days unless the zone is
UTC. So a range [start, end) is cut into the whole UTC months it holds (month rows), the whole UTC
days around them (day rows), and at each end the hours before the first UTC midnight and after the
last (read from `leads`: at most a day's leads each).

An end after `now` is as good as none: no lead has arrived after now, so the month or day that holds
`now` counts whole. (Leads stamped by a clock running ahead of this one would count in early.)
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

from attrs import frozen

DAY = timedelta(days=1)
Range = tuple[datetime | None, datetime | None]


@frozen
class Spans:
    months: tuple[date | None, date | None] | None  # [first, after) month starts; None: no whole month
    days: tuple[tuple[date, date], ...]  # [first, after) day starts
    raw: tuple[Range, ...]  # ranges of created_at to read from leads

    @property
    def stored(self) -> bool:
        return self.months is not None or bool(self.days)


def spans(start: datetime | None, end: datetime | None, now: datetime | None = None) -> Spans:
    if end is not None and now is not None and end > now:
        end = None
    first_day = None if start is None else _day_ceil(start)
    after_day = None if end is None else _day_floor(end)
    if first_day is not None and after_day is not None and first_day >= after_day:
        return Spans(None, (), () if start is not None and end is not None and start >= end else ((start, end),))
    raw: list[Range] = []
    if start is not None and first_day is not None and _midnight(first_day) > start:
        raw.append((start, _midnight(first_day)))
    if end is not None and after_day is not None and _midnight(after_day) < end:
        raw.append((_midnight(after_day), end))
    first_month = None if first_day is None else _month_ceil(first_day)
    after_month = None if after_day is None else after_day.replace(day=1)
    if first_month is not None and after_month is not None and first_month >= after_month:
        assert first_day is not None and after_day is not None
        return Spans(None, ((first_day, after_day),), tuple(raw))
    days = []
    if first_day is not None and first_month is not None and first_day < first_month:
        days.append((first_day, first_month))
    if after_day is not None and after_month is not None and after_month < after_day:
        days.append((after_month, after_day))
    return Spans((first_month, after_month), tuple(days), tuple(raw))


def day_of(moment: datetime) -> date:
    return moment.astimezone(UTC).date()


def month_of(moment: datetime) -> date:
    return day_of(moment).replace(day=1)


def _midnight(day: date) -> datetime:
    return datetime.combine(day, time(), tzinfo=UTC)


def _day_floor(moment: datetime) -> date:
    return day_of(moment)


def _day_ceil(moment: datetime) -> date:
    day = day_of(moment)
    return day if _midnight(day) == moment else day + DAY


def _month_ceil(day: date) -> date:
    if day.day == 1:
        return day
    return date(day.year + day.month // 12, day.month % 12 + 1, 1)
