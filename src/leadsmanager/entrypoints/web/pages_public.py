"""The public lead form, embeddable in any site, with bot checks and limits that never drop a lead."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from leadsmanager.application.intake import LeadForm
from leadsmanager.domain.errors import Conflict, NotFound, TransientConflict, ValidationError
from leadsmanager.domain.language import LANGUAGES
from leadsmanager.domain.lead import UTM_FIELDS, Channel
from leadsmanager.entrypoints.http.bodies import posted_form
from leadsmanager.entrypoints.http.client import client_address
from leadsmanager.entrypoints.http.context import check_origin, container
from leadsmanager.entrypoints.web.context import render
from leadsmanager.entrypoints.web.form_start import FormStart, FormStarts, embedding_site
from leadsmanager.entrypoints.web.i18n.choice import visitor_language
from leadsmanager.entrypoints.web.i18n.messages import N_, translate

HONEYPOT = "website"
MIN_FILL_SECONDS = 3
MAX_FORM_AGE_SECONDS = 24 * 3600
FORMS_PER_WINDOW = 10
_WINDOW = timedelta(minutes=10)  # per address: a person sends one or two, a bot hundreds
FIELDS = ("name", "email", "phone", "company", "service", "message")
HELD = N_(
    "We have your message. Many forms were sent from your address in the last few minutes, so a person "
    "will read it before anyone replies: there is no need to send it again. What you wrote is below."
)
ALREADY_SENT = N_("This form was already sent with other details. Check what you wrote below and send it again.")


def _slug(request: Request) -> str:
    slug: str = request.path_params["slug"]
    if slug not in container(request).settings().public_forms:
        raise NotFound(f"there is no form called {slug!r}")
    return slug


def _starts(request: Request) -> FormStarts:
    starts: FormStarts = request.app.state.form_starts
    return starts


def _now(request: Request) -> float:
    return container(request).clock().now().timestamp()


def form_page(request: Request) -> Response:
    slug = _slug(request)
    utm = {k: v[:200] for k, v in request.query_params.items() if k in UTM_FIELDS}
    started = _starts(request).issue(slug, embedding_site(request), _now(request))
    return render(
        request,
        "public_form.html",
        **_language(request),
        slug=slug,
        values={},
        errors={},
        utm=utm,
        started=started,
    )


def _language(request: Request) -> dict[str, Any]:
    """The visitor's language, and the one their address asked for, kept in the form's links."""
    asked = request.query_params.get("lang", "")
    form_language = container(request).settings().form_language(request.path_params["slug"])
    language = visitor_language(request, form_language)
    return {"language": language, "asked_language": asked if asked in LANGUAGES else ""}


def spam_reason(request: Request, form: dict[str, str], start: FormStart | None) -> str:
    """Why this looks like a bot, or '' for a person. Checked, never used to drop anything."""
    if form.get(HONEYPOT, "").strip():
        return "the hidden field was filled in"
    if start is None:
        return "the form's start token is missing or forged"
    age = _now(request) - start.at
    if age < MIN_FILL_SECONDS:
        return f"the form was sent {age:.1f} s after it was opened"
    if age > MAX_FORM_AGE_SECONDS:
        return "the form was opened more than a day before it was sent"
    return ""


def _within_limit(request: Request) -> bool:
    limiter, clock = container(request).rate_limiter(), container(request).clock()
    address = client_address(request)
    return limiter.hit(f"form:{address}", limit=FORMS_PER_WINDOW, window=_WINDOW, now=clock.now())


def submit_form(request: Request) -> Response:
    slug = _slug(request)
    check_origin(request)
    raw = posted_form(request)
    form = {k: v for k, v in raw.items() if isinstance(v, str)}
    start = _starts(request).verify(form.get("started", ""), slug)
    held = not _within_limit(request)
    limit_reason = f"more than {FORMS_PER_WINDOW} forms from one address in {_WINDOW.seconds // 60} minutes"
    lead = LeadForm.from_fields(
        Channel.WEB_FORM,
        form,
        site=start.site if start else "",  # signed when the form was opened: never what this request says
        form_id=slug,
        utm={k: v for k, v in form.items() if k in UTM_FIELDS},
        spam_reason=spam_reason(request, form, start) or (limit_reason if held else ""),
    )
    once = FormStarts.consume(start, form) if start else None
    try:
        container(request).submit_lead()(lead, idempotency=once)
    except ValidationError as e:
        return _form_again(request, slug, form, 400, errors=e.fields)
    except Conflict as e:
        if start is None or isinstance(e, TransientConflict):
            raise  # only a consumed start token refuses a form; a collision that outlived its retries is a 409
        return _form_again(request, slug, form, 409, notice=ALREADY_SENT, started=_starts(request).reissue(start))
    if held:
        response = _form_again(request, slug, form, 429, notice=HELD)
        response.headers["Retry-After"] = str(int(_WINDOW.total_seconds()))
        return response
    site = start.site if start else ""
    return render(request, "public_thanks.html", **_language(request), slug=slug, site=site)


def _form_again(
    request: Request,
    slug: str,
    form: dict[str, str],
    status: int,
    *,
    errors: dict[str, str] | None = None,
    notice: str = "",
    started: str | None = None,
) -> Response:
    """The form as the visitor sent it, in its own page: nothing they typed is lost."""
    return render(
        request,
        "public_form.html",
        status_code=status,
        **_language(request),
        slug=slug,
        values={k: form.get(k, "") for k in FIELDS},
        errors=errors or {},
        notice=translate(request, notice, language=_language(request)["language"]) if notice else "",
        utm={k: v for k, v in form.items() if k in UTM_FIELDS},
        started=form.get("started", "") if started is None else started,
    )


routes = [
    Route("/forms/{slug:str}", form_page, methods=["GET"]),
    Route("/forms/{slug:str}", submit_form, methods=["POST"]),
]
