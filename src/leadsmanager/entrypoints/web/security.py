"""What Django gave the original design and Starlette does not: body limits, headers, CSRF, signing."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import secrets
from typing import Any

from starlette.datastructures import MutableHeaders
from starlette.requests import Request
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from leadsmanager.application.parsing import json_document, whole_number
from leadsmanager.domain.errors import PermissionDenied, ValidationError
from leadsmanager.entrypoints.http.context import check_origin

CSRF_FIELD = "csrf_token"
ANONYMOUS_CSRF_COOKIE = "lm_csrf"


class BodyLimit:
    """Refuses request bodies over `max_bytes` with 413, whether announced or streamed; the paths in
    `larger` (an upload page) may take bodies up to their own limit instead. A form of one of `pages`
    sent too large is sent back to its page (`?refused=too-large`), which says so in the reader's
    language: a person sees why, not a problem document."""

    def __init__(
        self, app: ASGIApp, max_bytes: int, larger: dict[str, int] | None = None, pages: frozenset[str] = frozenset()
    ) -> None:
        self.app = app
        self.max_bytes = max_bytes
        self.larger = larger or {}
        self.pages = pages

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        limit = self.larger.get(scope["path"], self.max_bytes)
        declared = dict(scope["headers"]).get(b"content-length")
        if declared is not None:
            try:
                whole_number(declared.decode("latin-1"), "Content-Length", maximum=limit)
            except ValidationError as e:
                too_large = declared.isdigit()  # ASCII digits: a length over the limit; anything else: no length
                if too_large and scope["path"] in self.pages:
                    await _back_to_page(send, scope["path"])
                    return
                await _refuse(send, 413 if too_large else 400, TOO_LARGE if too_large else e)
                return
        seen = 0

        async def limited() -> Message:
            nonlocal seen
            message = await receive()
            seen += len(message.get("body", b""))
            if seen > limit:
                raise BodyTooLarge
            return message

        try:
            await self.app(scope, limited, send)
        except BodyTooLarge:
            if scope["path"] in self.pages:
                await _back_to_page(send, scope["path"])
                return
            await _refuse(send, 413, TOO_LARGE)


TOO_LARGE = ValidationError("the request body is larger than this server accepts")


class BodyTooLarge(Exception):
    pass


TOO_LARGE_QUERY = "refused=too-large"


async def _back_to_page(send: Send, path: str) -> None:
    headers = [(b"location", f"{path}?{TOO_LARGE_QUERY}".encode()), (b"content-length", b"0")]
    await send({"type": "http.response.start", "status": 303, "headers": headers})
    await send({"type": "http.response.body", "body": b""})


async def _refuse(send: Send, status: int, why: ValidationError) -> None:
    """A problem document (RFC 9457) written here: the app behind never saw the request."""
    problem: dict[str, Any] = {
        "type": "about:blank",
        "title": "Request body too large" if status == 413 else "Invalid request",
        "status": status,
        "detail": str(why),
    }
    if why.fields:
        problem["errors"] = [{"field": k, "message": v} for k, v in why.fields.items()]
    body = json.dumps(problem).encode()
    headers = [(b"content-type", b"application/problem+json"), (b"content-length", str(len(body)).encode())]
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body})


class SecurityHeaders:
    """CSP, nosniff and referrer policy on every response; only public forms may be framed."""

    def __init__(self, app: ASGIApp, *, form_frame_ancestors: str) -> None:
        self.app = app
        self.form_frame_ancestors = form_frame_ancestors

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        embeddable = scope["path"].startswith("/forms/")
        ancestors = self.form_frame_ancestors if embeddable else "'none'"

        async def with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                headers["Content-Security-Policy"] = (
                    f"default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
                    f"form-action 'self'; base-uri 'none'; object-src 'none'; frame-ancestors {ancestors}"
                )
                headers["X-Content-Type-Options"] = "nosniff"
                headers["Referrer-Policy"] = "same-origin"
                if not embeddable:
                    headers["X-Frame-Options"] = "DENY"
            await send(message)

        await self.app(scope, receive, with_headers)


def check_csrf(request: Request, submitted: str | None, expected: str | None) -> None:
    check_origin(request)
    if not submitted or not expected or not hmac.compare_digest(submitted, expected):
        raise PermissionDenied("the form has expired or did not come from this site; reload the page and try again")


def new_token() -> str:
    return secrets.token_urlsafe(32)


class Signer:
    """HMAC-signed, URL-safe values: flash messages and the public form's start time."""

    def __init__(self, secret: str, purpose: str) -> None:
        self._key = hashlib.sha256(f"{purpose}:{secret}".encode()).digest()

    def sign(self, value: Any) -> str:
        payload = base64.urlsafe_b64encode(json.dumps(value, separators=(",", ":")).encode()).decode()
        return f"{payload}.{self._mac(payload)}"

    def unsign(self, token: str) -> Any | None:
        payload, _, mac = token.rpartition(".")
        if not payload or not hmac.compare_digest(mac, self._mac(payload)):
            return None
        try:
            return json_document(base64.urlsafe_b64decode(payload.encode()))
        except (ValueError, ValidationError):  # binascii.Error is a ValueError
            return None

    def _mac(self, payload: str) -> str:
        return hmac.new(self._key, payload.encode(), hashlib.sha256).hexdigest()[:32]
