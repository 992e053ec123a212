"""The small helpers templates use: links with changed filters, waits and first responses."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from functools import partial
from urllib.parse import urlencode

import phonenumbers
from jinja2 import Environment, pass_context
from jinja2.runtime import Context
from starlette.datastructures import QueryParams
from starlette.requests import Request

from leadsmanager.adapters.i18n.local_formats import LocalFormats
from leadsmanager.domain.lead import Lead
from leadsmanager.domain.pipeline import Pipeline, StageKind
from leadsmanager.domain.status import LeadStatus
from leadsmanager.entrypoints.http.context import container
from leadsmanager.entrypoints.http.lead_filters import FILTER_KEYS
from leadsmanager.entrypoints.web.i18n.durations import Durations

# One class per status, coloured in app.css with at least 4.5:1 contrast for the tag's text (WCAG 1.4.3).
STATUS_CLASSES = {status.value: f"status-{status.value}" for status in LeadStatus}
# Another pipeline's stages take the colour of their kind.
KIND_CLASSES = {
    StageKind.OPEN: "status-new",
    StageKind.WON: "status-won",
    StageKind.LOST: "status-lost",
    StageKind.EXCLUDED: "status-lost",
    StageKind.SPAM: "status-spam",
}


def with_params(params: QueryParams, **changes: str | None) -> str:
    """The same filters with some changed; None removes a key."""
    kept = [(k, v) for k, v in params.multi_items() if k not in changes and k in (*FILTER_KEYS, "after")]
    kept += [(k, v) for k, v in changes.items() if v is not None]
    return urlencode(kept)


def phone_text(e164: str) -> str:
    """A stored number as people write it, grouped and with its country code: +54 9 11 4567-8901."""
    try:
        number = phonenumbers.parse(e164)
    except phonenumbers.NumberParseException:
        return e164
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.INTERNATIONAL)


def waited(since: datetime, durations: Durations, now: datetime | None = None) -> str:
    minutes = int(((now or datetime.now(UTC)) - since).total_seconds() // 60)
    return durations.waited(minutes)


def first_response(lead: Lead, now: datetime, follow_up: timedelta, durations: Durations) -> tuple[str, str]:
    """What the pages say about a lead's wait for a first response, and the CSS class to say it in."""
    _ = durations.gettext
    answered = lead.response_time
    if answered is not None:
        return _("after %(time)s") % {"time": durations.span(answered)}, ""
    waiting = lead.waiting(now)
    if waiting is None:
        return "—", ""  # closed before anyone answered (spam, mostly)
    shown = _("waiting %(time)s") % {"time": durations.span(waiting)}
    return shown, "overdue" if waiting > follow_up else ""


def pipeline_of(request: Request) -> Pipeline:
    """The configured pipeline, read once per request however many leads a page shows."""
    if not hasattr(request.state, "pipeline"):
        request.state.pipeline = container(request).stages()()
    found: Pipeline = request.state.pipeline
    return found


@pass_context
def stage_label(context: Context, key: str, language: str | None = None) -> str:
    """What people read for stage `key` in `language`, by default the page's (English when the stage has no
    such label)."""
    return pipeline_of(context["request"]).label(str(key), language or context.get("language") or "en")


@pass_context
def status_colour(context: Context, key: str) -> str:
    """The CSS class of stage `key`'s tag: the default pipeline's own colours, else its kind's."""
    pipeline = pipeline_of(context["request"])
    return STATUS_CLASSES.get(str(key)) or KIND_CLASSES[pipeline.kind(str(key))]


def register_filters(environment: Environment, formats: LocalFormats, durations: Durations) -> None:
    """The helpers of one language's templates: times in the deployment's zone, in that language's words."""
    environment.filters["waited"] = partial(waited, durations=durations)
    environment.filters["when"] = formats.when
    environment.filters["day"] = formats.day
    environment.filters["number"] = formats.number
    environment.filters["percent"] = formats.percent
    environment.filters["span"] = durations.span
    environment.filters["status_colour"] = status_colour
    environment.filters["phone"] = phone_text
    environment.globals["with_params"] = with_params
    environment.globals["first_response"] = partial(first_response, durations=durations)
    environment.globals["stage_label"] = stage_label
