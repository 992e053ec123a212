"""WordPress pushing a submission the moment it is made: signed with the site's secret, replay-proof."""

from __future__ import annotations

import hashlib
import hmac

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from leadsmanager.adapters.form_sources.plugin_payload import parse_pushed
from leadsmanager.adapters.form_sources.site import WordPressSite
from leadsmanager.application.intake import Outcome
from leadsmanager.application.parsing import whole_number
from leadsmanager.domain.errors import AuthenticationFailed, NotFound, ValidationError
from leadsmanager.entrypoints.api.schemas import require_json
from leadsmanager.entrypoints.http.bodies import posted_body
from leadsmanager.entrypoints.http.context import container

REPLAY_WINDOW_SECONDS = 300
TIMESTAMP_HEADER = "x-leadsmanager-timestamp"
SIGNATURE_HEADER = "x-leadsmanager-signature"


def signature(secret: str, timestamp: str, body: bytes) -> str:
    """What the plugin sends: sha256=HMAC-SHA256(secret, "<unix seconds>." + raw body), in hex."""
    return "sha256=" + hmac.new(secret.encode(), timestamp.encode() + b"." + body, hashlib.sha256).hexdigest()


def _site(request: Request) -> WordPressSite:
    name = request.path_params["site"]
    for site in container(request).settings().wordpress_sites:
        if site.name == name and site.webhook_secret:
            return site
    raise NotFound(f"no site {name!r} takes pushed submissions")


def _verify(request: Request, site: WordPressSite, body: bytes) -> None:
    stamp = request.headers.get(TIMESTAMP_HEADER, "")
    given = request.headers.get(SIGNATURE_HEADER, "")
    if not stamp or not given:
        raise AuthenticationFailed(f"send {TIMESTAMP_HEADER} and {SIGNATURE_HEADER}")
    now = container(request).clock().now().timestamp()
    if abs(now - whole_number(stamp, TIMESTAMP_HEADER)) > REPLAY_WINDOW_SECONDS:
        raise AuthenticationFailed("the signature's timestamp is outside the 5-minute window")
    if not hmac.compare_digest(given, signature(site.webhook_secret, stamp, body)):
        raise AuthenticationFailed("the signature does not match this site's secret")


def push(request: Request) -> Response:
    site = _site(request)
    require_json(request)
    body = posted_body(request)
    _verify(request, site, body)
    form_id, submission = parse_pushed(body)
    if form_id not in site.forms:
        raise ValidationError(f"site {site.name!r} has no form {form_id!r} configured", {"form_id": "unknown form"})
    result = container(request).submit_lead()(site.lead_form(form_id, submission))
    status = 201 if result.outcome is Outcome.CREATED else 200
    return JSONResponse({"outcome": result.outcome.value, "lead_id": result.lead_id}, status)


routes = [Route("/api/v1/intake/wordpress/{site:str}", push, methods=["POST"])]
