"""One log line and one metrics sample per request, with a request id echoed back in `X-Request-ID`."""

from __future__ import annotations

import logging
import re
import time
import uuid
from typing import Any

from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from leadsmanager.entrypoints.observability.logs import REQUEST_ID
from leadsmanager.entrypoints.observability.metrics import REQUEST_SECONDS, REQUESTS

LOG = logging.getLogger("leadsmanager.request")
REQUEST_ID_HEADER = "X-Request-ID"
# An id from a proxy is kept only if it cannot forge a log line or smuggle a header.
SANE_REQUEST_ID = re.compile(r"[A-Za-z0-9._:-]{8,128}")
METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"})
# Probes and scrapes come every few seconds: counted, but logged only at debug level.
QUIET_ROUTES = frozenset({"/healthz", "/readyz", "/metrics"})
UNMATCHED = "unmatched"  # every unknown path shares one label, so scanners cannot grow the metrics


class RequestLog:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        request_id = _incoming_id(scope) or uuid.uuid4().hex
        token = REQUEST_ID.set(request_id)
        started = time.perf_counter()
        status = 500  # unless a response starts: an exception escaped and the server answers 500

        async def send_with_id(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                MutableHeaders(scope=message)[REQUEST_ID_HEADER] = request_id
            await send(message)

        try:
            await self.app(scope, receive, send_with_id)
        finally:
            _record(scope, status, time.perf_counter() - started)
            REQUEST_ID.reset(token)


def _incoming_id(scope: Scope) -> str | None:
    for name, value in scope["headers"]:
        if name == b"x-request-id":
            text = value.decode("latin-1")
            return text if SANE_REQUEST_ID.fullmatch(text) else None
    return None


def route_of(scope: Scope) -> str:
    """The route's template (`/leads/{lead_id:id}`), never the path with its ids or query."""
    return str(getattr(scope.get("route"), "path", None) or UNMATCHED)


def _record(scope: Scope, status: int, seconds: float) -> None:
    method = scope["method"] if scope["method"] in METHODS else "OTHER"
    route = route_of(scope)
    REQUESTS.labels(method=method, route=route, status=str(status)).inc()
    REQUEST_SECONDS.labels(method=method, route=route).observe(seconds)
    fields: dict[str, Any] = {
        "method": method,
        "route": route,
        "status": status,
        "latency_ms": round(seconds * 1000, 1),
        "user_id": _user_id(scope),
    }
    level = logging.ERROR if status >= 500 else logging.DEBUG if route in QUIET_ROUTES else logging.INFO
    LOG.log(level, "%s %s %s", method, route, status, extra={"fields": fields})


def _user_id(scope: Scope) -> int | None:
    signed_in = scope.get("signed_in")  # set by web.context.signed_in when the request looked for a user
    return None if signed_in is None else int(signed_in.user.id)
