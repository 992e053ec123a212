"""Reading list filters from a query string, and the small formatting helpers templates use."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta
from urllib.parse import urlencode

from jinja2 import Environment
from starlette.datastructures import QueryParams

from leadsmanager.application.parsing import calendar_day, whole_number
from leadsmanager.application.queries import DEFAULT_PAGE_SIZE, Cursor, LeadQuery
from leadsmanager.domain.errors import ValidationError
from leadsmanager.domain.lead import Channel, Lead
from leadsmanager.domain.status import LeadStatus, parse_status
from leadsmanager.entrypoints.formats.report_tables import duration

FILTER_KEYS = ("status", "assignee", "source", "site", "form", "service", "from", "to", "q", "sort")
# One class per status, coloured in app.css with at least 4.5:1 contrast for the tag's text (WCAG 1.4.3).
STATUS_CLASSES = {status.value: f"status-{status.value}" for status in LeadStatus}


def lead_query(params: QueryParams, *, limit: int = DEFAULT_PAGE_SIZE) -> LeadQuery:
    """Every filter the list page offers; a bad value names the field it came from."""
    assignee = assignee_filter(params)
    source = params.get("source", "")
    statuses = tuple(parse_status(s) for s in params.getlist("status") if s)
    try:
        return LeadQuery(
            statuses=statuses,
            hide_spam=not statuses,  # suspected spam is shown only when its status is chosen
            assignee_id=whole_number(assignee, "assignee") if assignee not in ("", "none") else None,
            unassigned=assignee == "none",
            source=Channel(source) if source else None,
            site=params.get("site") or None,
            form_id=params.get("form") or None,
            service=params.get("service") or None,
            created_from=day(params.get("from", ""), "from"),
            created_to=day(params.get("to", ""), "to", next_day=True),
            search=params.get("q", "")[:200],
            after=Cursor.decode(params["after"]) if params.get("after") else None,
            limit=limit,
            oldest_first=_sort(params) == "oldest",
            by_score=_sort(params) == "score",
        )
    except ValueError:
        raise ValidationError(f"unknown source {source!r}", {"source": "unknown source"}) from None


def assignee_filter(params: QueryParams) -> str:
    """A user id, 'none' for unassigned, or '' for anyone."""
    value = params.get("assignee", "")
    if value not in ("", "none"):
        try:
            whole_number(value, "assignee")
        except ValidationError:
            raise ValidationError("assignee must be a user id or 'none'", {"assignee": "not a user id"}) from None
    return value


def _sort(params: QueryParams) -> str:
    value = params.get("sort", "")
    if value not in ("", "newest", "oldest", "score"):
        raise ValidationError("sort is newest, oldest or score", {"sort": "newest, oldest or score"})
    return value


def day(value: str, field: str, *, next_day: bool = False) -> datetime | None:
    if not value:
        return None
    start = datetime.combine(calendar_day(value, field), time(), tzinfo=UTC)
    return start + timedelta(days=1) if next_day else start


def with_params(params: QueryParams, **changes: str | None) -> str:
    """The same filters with some changed; None removes a key."""
    kept = [(k, v) for k, v in params.multi_items() if k not in changes and k in (*FILTER_KEYS, "after")]
    kept += [(k, v) for k, v in changes.items() if v is not None]
    return urlencode(kept)


def waited(since: datetime, now: datetime | None = None) -> str:
    minutes = int(((now or datetime.now(UTC)) - since).total_seconds() // 60)
    if minutes < 60:
        return f"{max(minutes, 0)} min"
    hours = minutes // 60
    return f"{hours} h {minutes % 60} min" if hours < 48 else f"{hours // 24} days"


def first_response(lead: Lead, now: datetime, follow_up: timedelta) -> tuple[str, str]:
    """What the pages say about a lead's wait for a first response, and the CSS class to say it in."""
    answered = lead.response_time
    if answered is not None:
        return f"after {duration(answered)}", ""
    waiting = lead.waiting(now)
    if waiting is None:
        return "—", ""  # closed before anyone answered (spam, mostly)
    return f"waiting {duration(waiting)}", "overdue" if waiting > follow_up else ""


def register_filters(environment: Environment) -> None:
    environment.filters["waited"] = waited
    environment.filters["when"] = lambda at: at.strftime("%Y-%m-%d %H:%M") if at else ""
    environment.filters["status_colour"] = lambda status: STATUS_CLASSES.get(str(status), "w3-light-grey")
    environment.globals["with_params"] = with_params
    environment.globals["first_response"] = first_response
