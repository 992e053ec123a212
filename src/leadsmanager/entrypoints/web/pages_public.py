"""The public lead form, embeddable in any site, with bot checks that never drop a lead."""

from __future__ import annotations

from datetime import timedelta
from urllib.parse import urlsplit

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from leadsmanager.application.intake import LeadForm
from leadsmanager.domain.errors import NotFound, RateLimited, ValidationError
from leadsmanager.domain.lead import UTM_FIELDS, Channel
from leadsmanager.entrypoints.web.context import container, render
from leadsmanager.entrypoints.web.proxies import client_address
from leadsmanager.entrypoints.web.security import Signer, check_origin

HONEYPOT = "website"
MIN_FILL_SECONDS = 3
MAX_FORM_AGE_SECONDS = 24 * 3600
_WINDOW = timedelta(minutes=10)  # per address: a person sends one or two, a bot hundreds
FIELDS = ("name", "email", "phone", "company", "service", "message")


def _slug(request: Request) -> str:
    slug: str = request.path_params["slug"]
    if slug not in container(request).settings().public_forms:
        raise NotFound(f"there is no form called {slug!r}")
    return slug


def _signer(request: Request) -> Signer:
    signer: Signer = request.app.state.form_signer
    return signer


def _now(request: Request) -> float:
    return container(request).clock().now().timestamp()


def form_page(request: Request) -> Response:
    slug = _slug(request)
    utm = {k: v[:200] for k, v in request.query_params.items() if k in UTM_FIELDS}
    started = _signer(request).sign({"form": slug, "at": _now(request)})
    return render(request, "public_form.html", slug=slug, values={}, errors={}, utm=utm, started=started)


def spam_reason(request: Request, form: dict[str, str], slug: str) -> str:
    """Why this looks like a bot, or '' for a person. Checked, never used to drop anything."""
    if form.get(HONEYPOT, "").strip():
        return "the hidden field was filled in"
    started = _signer(request).unsign(form.get("started", ""))
    if not isinstance(started, dict) or started.get("form") != slug:
        return "the form's start token is missing or forged"
    age = _now(request) - float(started.get("at", 0))
    if age < MIN_FILL_SECONDS:
        return f"the form was sent {age:.1f} s after it was opened"
    if age > MAX_FORM_AGE_SECONDS:
        return "the form was opened more than a day before it was sent"
    return ""


async def submit_form(request: Request) -> Response:
    slug = _slug(request)
    check_origin(request)
    address = client_address(request)
    limiter, clock = container(request).rate_limiter(), container(request).clock()
    if not limiter.hit(f"form:{address}", limit=10, window=_WINDOW, now=clock.now()):
        raise RateLimited("too many forms sent from your address; please try again later", int(_WINDOW.total_seconds()))
    raw = await request.form()
    form = {k: v for k, v in raw.items() if isinstance(v, str)}
    lead = LeadForm.from_fields(
        Channel.WEB_FORM,
        form,
        site=urlsplit(request.headers.get("referer", "")).netloc[:200],
        form_id=slug,
        utm={k: v for k, v in form.items() if k in UTM_FIELDS},
        spam_reason=spam_reason(request, form, slug),
    )
    try:
        container(request).submit_lead()(lead)
    except ValidationError as e:
        values = {k: form.get(k, "") for k in FIELDS}
        utm = {k: v for k, v in form.items() if k in UTM_FIELDS}
        return render(
            request,
            "public_form.html",
            status_code=400,
            slug=slug,
            values=values,
            errors=e.fields,
            utm=utm,
            started=form.get("started", ""),
        )
    return render(request, "public_thanks.html", slug=slug)


routes = [
    Route("/forms/{slug:str}", form_page, methods=["GET"]),
    Route("/forms/{slug:str}", submit_form, methods=["POST"]),
]
