"""Dates as spreadsheets write them: day first (dd/mm/yyyy), ISO (yyyy-mm-dd), either with a time, or
Excel's serial numbers (days since 1899-12-30, the fraction being the time of day).

A date without an offset is a local time in the deployment's zone; the result is always UTC.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta, tzinfo

from leadsmanager.domain.errors import ValidationError

_TIME = r"(?:[ T](?P<hour>\d{1,2}):(?P<minute>\d{2})(?::(?P<second>\d{2})(?:[.,]\d+)?)?)?"
_OFFSET = r"\s*(?P<offset>Z|[+-]\d{2}:?\d{2})?"
_DAY_FIRST = re.compile(r"(?P<day>\d{1,2})([/.-])(?P<month>\d{1,2})\2(?P<year>\d{4}|\d{2})" + _TIME)
_YEAR_FIRST = re.compile(r"(?P<year>\d{4})([/.-])(?P<month>\d{1,2})\2(?P<day>\d{1,2})" + _TIME + _OFFSET)
_SERIAL = re.compile(r"\d{1,7}(?:[.,]\d+)?")
_EXCEL_EPOCH = datetime(1899, 12, 30)
_LAST_SERIAL = 2_958_465  # 9999-12-31
_FIRST_SERIAL = 61  # 1900-03-01: Excel counts a 29 February 1900 that never was, so earlier serials are off by one
ACCEPTED = "dd/mm/yyyy, yyyy-mm-dd (either with hh:mm), or an Excel date number"


def parse_date(text: str, *, zone: tzinfo) -> datetime:
    """The moment `text` names, in UTC; a ValidationError naming the accepted forms otherwise."""
    value = text.strip()
    match = _YEAR_FIRST.fullmatch(value) or _DAY_FIRST.fullmatch(value)
    try:
        if match is not None:
            return _from_parts(match, zone)
        if _SERIAL.fullmatch(value):
            return _from_serial(float(value.replace(",", ".")), zone)
    except ValueError:
        pass
    raise ValidationError(
        f"{value!r} is not a date ({ACCEPTED})", {"created_at": f"{value!r} is not a date ({ACCEPTED})"}
    )


def _from_parts(match: re.Match[str], zone: tzinfo) -> datetime:
    parts = match.groupdict()
    year = int(parts["year"])
    if len(parts["year"]) == 2:
        year += 2000 if year < 70 else 1900
    moment = datetime(
        year,
        int(parts["month"]),
        int(parts["day"]),
        int(parts["hour"] or 0),
        int(parts["minute"] or 0),
        int(parts["second"] or 0),
    )
    offset = parts.get("offset")
    if offset:
        return datetime.fromisoformat(moment.isoformat() + ("+00:00" if offset == "Z" else offset)).astimezone(UTC)
    return moment.replace(tzinfo=zone).astimezone(UTC)


def _from_serial(serial: float, zone: tzinfo) -> datetime:
    if not _FIRST_SERIAL <= serial < _LAST_SERIAL + 1:
        raise ValueError("out of Excel's range")
    moment = _EXCEL_EPOCH + timedelta(days=serial)
    # A serial is stored to the millisecond at best: round off the float's noise to the second.
    seconds = round(moment.second + moment.microsecond / 1_000_000)
    moment = moment.replace(microsecond=0) + timedelta(seconds=seconds - moment.second)
    return moment.replace(tzinfo=zone).astimezone(UTC)
