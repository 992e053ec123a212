"""Form plugins' webhooks posting a submission the moment it is made, with the site's push token.

- `POST /api/v1/intake/webhook/{site}/{form_id}`: any JSON object (or a PHP-style form), for the
  Gravity Forms Webhooks add-on, CF7 to Webhook and Formidable's Send API Data. The token comes as
  `Authorization: Bearer`, `X-LeadsManager-Token`, or HTTP Basic with the token as user name.
- `POST /api/v1/intake/elementor/{site}?token=...`: Elementor Pro's Webhook action, which sends no
  headers of its own. The request log records route templates only, never a query string.

Both answer 200 with the lead's id: some plugins count any other success code as a failure. A push
that cannot become a lead is kept in the failed-submissions inbox: the webhook answers 202 (a success
to the plugins it serves, and a different code in their logs), Elementor 200 (anything else shows the
visitor an error). See docs/form-sources.md.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
from collections.abc import Callable

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from leadsmanager.adapters.form_sources.site import WordPressSite
from leadsmanager.application.push import (
    Pushed,
    PushReceived,
    UnreadablePush,
    elementor_submission,
    form_fields,
    json_fields,
)
from leadsmanager.domain.errors import AuthenticationFailed, NotFound
from leadsmanager.entrypoints.http.bodies import posted_body
from leadsmanager.entrypoints.http.context import container

TOKEN_HEADER = "x-leadsmanager-token"  # noqa: S105  (a header's name)
HOOK_TEST_HEADER = "x-hook-test"  # Formidable's "Test Connection" button
FORM_MEDIA = "application/x-www-form-urlencoded"
KEPT = "kept"  # not a lead: kept in the failed-submissions inbox
HOW_TO_AUTHENTICATE = (
    "send the site's push token: 'Authorization: Bearer <token>', 'X-LeadsManager-Token: <token>', "
    "or HTTP Basic with the token as user name"
)


def webhook(request: Request) -> Response:
    site = _authenticated(request, _header_token(request))
    form_id = request.path_params["form_id"]
    if request.headers.get(HOOK_TEST_HEADER, "").lower() == "true":
        return _hook_test(site, form_id)
    body = posted_body(request)
    # JSON whatever the label (CF7 to Webhook may say text/plain), unless it is declared a form.
    pushed = _read(body, form_fields if _media_type(request) == FORM_MEDIA else json_fields)
    return _answer(container(request).receive_push()(site.push_target(form_id), pushed), kept_status=202)


def elementor(request: Request) -> Response:
    site = _authenticated(request, request.query_params.get("token", ""))
    body = posted_body(request)
    try:
        submission = elementor_submission(body)
    except UnreadablePush as e:
        target, pushed = site.push_target(""), Pushed(_kept(body), None, str(e))
    else:
        target = site.push_target(submission.form_id)
        pushed = Pushed(_kept(body), submission.keyed_for(target.form.fields if target.form else ()))
    # Elementor shows the visitor an error for anything but 200: the submission is kept either way.
    return _answer(container(request).receive_push()(target, pushed), kept_status=200)


def _answer(received: PushReceived, *, kept_status: int) -> Response:
    if received.result is not None:
        return JSONResponse({"outcome": received.result.outcome.value, "lead_id": received.result.lead_id})
    body = {"outcome": KEPT, "failed_submission_id": received.kept_as, "detail": received.refused}
    return JSONResponse(body, kept_status)


def _hook_test(site: WordPressSite, form_id: str) -> Response:
    """The token is right; nothing is stored. Formidable shows "Good to go!" and the message."""
    mapped = "is listed" if form_id in site.forms else "is not listed in the site's _FORMS yet"
    message = f"LeadsManager takes pushes for site {site.name!r}; form {form_id[:100]!r} {mapped}"
    return JSONResponse({"success": True, "message": message})


def _read(body: bytes, parse: Callable[[bytes], dict[str, str]]) -> Pushed:
    try:
        return Pushed(_kept(body), parse(body))
    except UnreadablePush as e:
        return Pushed(_kept(body), None, str(e))


def _kept(body: bytes) -> str:
    """The body as text for a person to read; bytes that are not UTF-8 are shown escaped, never lost."""
    return body.decode("utf-8", errors="backslashreplace")


def _media_type(request: Request) -> str:
    return request.headers.get("content-type", "").split(";")[0].strip().lower()


def _header_token(request: Request) -> str:
    header = request.headers.get("authorization", "")
    scheme, _, credentials = header.partition(" ")
    if scheme.lower() == "bearer":
        return credentials.strip()
    if scheme.lower() == "basic":
        return _basic_user(credentials.strip())
    return request.headers.get(TOKEN_HEADER, "").strip()


def _basic_user(credentials: str) -> str:
    try:
        decoded = base64.b64decode(credentials, validate=True).decode("utf-8")
    except (binascii.Error, UnicodeDecodeError):
        return ""
    return decoded.partition(":")[0]


def _authenticated(request: Request, presented: str) -> WordPressSite:
    name = request.path_params["site"]
    site = next((s for s in container(request).settings().wordpress_sites if s.name == name and s.push_token), None)
    if site is None:
        raise NotFound(f"no site {name[:40]!r} takes pushes from form plugins")
    if not presented:
        raise AuthenticationFailed(HOW_TO_AUTHENTICATE)
    # Digests of equal length, compared in constant time: neither the token nor its length leaks.
    given, expected = (hashlib.sha256(t.encode()).digest() for t in (presented, site.push_token))
    if not hmac.compare_digest(given, expected):
        raise AuthenticationFailed("the token is not this site's push token")
    return site


routes = [
    Route("/api/v1/intake/webhook/{site:str}/{form_id:str}", webhook, methods=["POST"]),
    Route("/api/v1/intake/elementor/{site:str}", elementor, methods=["POST"]),
]
