"""The lead list's filters, from the page's query string, the API's, or the CLI's options.

Parameters come as a plain mapping, a name to its value or to its values when it may repeat
(`status`), so that the CLI passes its options through the same parser, without Starlette.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

from leadsmanager.application.parsing import calendar_day, whole_number
from leadsmanager.application.queries import DEFAULT_PAGE_SIZE, Cursor, LeadQuery
from leadsmanager.domain.errors import ValidationError
from leadsmanager.domain.lead import Channel

Params = Mapping[str, str | Sequence[str]]
FILTER_KEYS = ("status", "assignee", "source", "site", "form", "service", "campaign", "from", "to", "q", "sort")


def params_from(pairs: Iterable[tuple[str, str]]) -> dict[str, list[str]]:
    """A query string's (name, value) pairs, keeping every value of a name given more than once."""
    params: dict[str, list[str]] = {}
    for name, value in pairs:
        params.setdefault(name, []).append(value)
    return params


def one(params: Params, name: str, default: str = "") -> str:
    """The value of `name`; given more than once, the last one (as a query string is read)."""
    value = params.get(name, default)
    if isinstance(value, str):
        return value
    return value[-1] if value else default


def every(params: Params, name: str) -> list[str]:
    value = params.get(name, ())
    return [value] if isinstance(value, str) else list(value)


def lead_query(params: Params, *, zone: ZoneInfo, limit: int = DEFAULT_PAGE_SIZE) -> LeadQuery:
    """Every filter the list offers; a bad value names the field it came from. `from`/`to` are days in
    `zone`, the deployment's, as the pages show the leads' times and the reports count their days."""
    assignee, source = assignee_filter(params), one(params, "source")
    statuses = tuple(s.strip() for s in every(params, "status") if s.strip())  # ListLeads checks them
    try:
        return LeadQuery(
            statuses=statuses,
            hide_spam=not statuses,  # suspected spam is shown only when its status is chosen
            assignee_id=whole_number(assignee, "assignee") if assignee not in ("", "none") else None,
            unassigned=assignee == "none",
            source=Channel(source) if source else None,
            site=one(params, "site") or None,
            form_id=one(params, "form") or None,
            service=one(params, "service") or None,
            campaign=one(params, "campaign").strip() or None,
            created_from=day(one(params, "from"), "from", zone),
            created_to=day(one(params, "to"), "to", zone, next_day=True),
            search=one(params, "q")[:200],
            after=Cursor.decode(one(params, "after")) if one(params, "after") else None,
            limit=limit,
            oldest_first=_sort(params) == "oldest",
            by_score=_sort(params) == "score",
        )
    except ValueError:
        raise ValidationError(f"unknown source {source!r}", {"source": "unknown source"}) from None


def assignee_filter(params: Params) -> str:
    """A user id, 'none' for unassigned, or '' for anyone."""
    value = one(params, "assignee")
    if value not in ("", "none"):
        try:
            whole_number(value, "assignee")
        except ValidationError:
            raise ValidationError("assignee must be a user id or 'none'", {"assignee": "not a user id"}) from None
    return value


def _sort(params: Params) -> str:
    value = one(params, "sort")
    if value not in ("", "newest", "oldest", "score"):
        raise ValidationError("sort is newest, oldest or score", {"sort": "newest, oldest or score"})
    return value


def day(value: str, field: str, zone: ZoneInfo, *, next_day: bool = False) -> datetime | None:
    """The midnight that starts the day `value` in `zone` (or the next day's), in UTC."""
    if not value:
        return None
    chosen = calendar_day(value, field)
    try:
        return datetime.combine(chosen + timedelta(days=1) if next_day else chosen, time(), tzinfo=zone).astimezone(UTC)
    except OverflowError:  # a first day's midnight east of UTC in year 1 is before what UTC can write: no limit
        return (datetime.max if next_day else datetime.min).replace(tzinfo=UTC)
