"""A report's period and scope from textual parameters, shared by the page, its CSV files, the API and
the CLI (a plain mapping, as for the lead filters)."""

from __future__ import annotations

from datetime import date, datetime

from leadsmanager.application.parsing import calendar_day, whole_number
from leadsmanager.application.reports import ReportQuery
from leadsmanager.domain.errors import ValidationError
from leadsmanager.domain.period import Period, time_zone
from leadsmanager.entrypoints.http.lead_filters import Params, assignee_filter, one

REPORT_PARAMETERS = {"from", "to", "tz", "assignee", "campaign"}
RECENT_DAYS = 30


def report_query(params: Params, *, zone: str, now: datetime, recent_by_default: bool) -> ReportQuery:
    """From `from`/`to` (local dates, both included) in `tz` (default `zone`), for `assignee`, of `campaign`.

    With neither `from` nor `to` given at all, the period is the last 30 days up to today when
    `recent_by_default`, else all time; given but empty, that side is open.
    """
    tz = time_zone(one(params, "tz") or zone)
    assignee = assignee_filter(params)
    if assignee == "none":
        raise ValidationError("reports cover one rep or everyone, not unassigned leads", {"assignee": "a user id"})
    if recent_by_default and "from" not in params and "to" not in params:
        period = Period.last_days(RECENT_DAYS, now.astimezone(tz).date(), tz)
    else:
        period = Period.of(_date(one(params, "from"), "from"), _date(one(params, "to"), "to"), tz)
    campaign = one(params, "campaign").strip() or None
    return ReportQuery(period, whole_number(assignee, "assignee") if assignee else None, campaign)


def _date(value: str, name: str) -> date | None:
    if not value:
        return None
    day = calendar_day(value, name)
    if not 1900 <= day.year <= 9000:  # a day's midnight in any zone must exist as a UTC instant
        raise ValidationError(f"{name} must be a date between the years 1900 and 9000", {name: "out of range"})
    return day
