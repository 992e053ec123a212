"""`/healthz`, `/readyz` and `/metrics`: for load balancers, orchestrators and Prometheus, not for people.

They are answered ahead of the host check and the other middleware, because probes call a container
by its address, not by the site's name. `/metrics` needs `Authorization: Bearer <LEADSMANAGER_METRICS_TOKEN>`
when that is set; without it, only clients on this machine's loopback may read it.
"""

from __future__ import annotations

import hmac
import ipaddress
import logging

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route, Router
from starlette.types import ASGIApp, Receive, Scope, Send

from leadsmanager.entrypoints.http.client import client_address
from leadsmanager.entrypoints.http.context import container
from leadsmanager.entrypoints.observability.metrics import CONTENT_TYPE, exposition

LOG = logging.getLogger("leadsmanager.readiness")


async def healthz(request: Request) -> Response:
    """The process is alive and serving; nothing else is asked. Answered on the event loop itself,
    without a thread: a quick answer says the loop is free."""
    return JSONResponse({"status": "ok"})


def readyz(request: Request) -> Response:
    """200 when the database (and Redis, if configured) answer; 503 naming the part that does not."""
    probes = container(request).readiness().check()
    failing = [p.name for p in probes if not p.ok]
    for probe in probes:
        if not probe.ok:
            LOG.warning("not ready: %s %s", probe.name, probe.detail)
    body = {
        "status": "unavailable" if failing else "ready",
        "failing": failing,
        "checks": {p.name: "ok" if p.ok else "unreachable" for p in probes},
    }
    return JSONResponse(body, status_code=503 if failing else 200, headers={"Cache-Control": "no-store"})


def metrics(request: Request) -> Response:
    token = container(request).settings().metrics_token
    if token:
        given = request.headers.get("authorization", "")
        if not hmac.compare_digest(given.encode(), f"Bearer {token}".encode()):
            return _refused(401, "send the metrics token as 'Authorization: Bearer <token>'")
    elif not _from_loopback(request):
        return _refused(403, "set LEADSMANAGER_METRICS_TOKEN to read the metrics from another machine")
    return Response(exposition(), media_type=CONTENT_TYPE, headers={"Cache-Control": "no-store"})


def _refused(status: int, detail: str) -> Response:
    headers = {"WWW-Authenticate": 'Bearer realm="metrics"'} if status == 401 else None
    return JSONResponse({"status": status, "detail": detail}, status_code=status, headers=headers)


def _from_loopback(request: Request) -> bool:
    try:
        return ipaddress.ip_address(client_address(request)).is_loopback
    except ValueError:
        return False


ROUTES = [Route("/healthz", healthz), Route("/readyz", readyz), Route("/metrics", metrics)]
PATHS = frozenset(route.path for route in ROUTES)


class Probes:
    """Sends the probe paths to their routes before the rest of the middleware sees them."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app
        self.router = Router(routes=ROUTES)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and scope["path"] in PATHS and scope["method"] in ("GET", "HEAD"):
            await self.router(scope, receive, send)
        else:
            await self.app(scope, receive, send)
