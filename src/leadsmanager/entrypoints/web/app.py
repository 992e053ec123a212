"""The web app: middleware, error pages and routes, built around the one container."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any
from urllib.parse import quote

from dependency_injector import providers
from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.middleware.trustedhost import TrustedHostMiddleware
from starlette.requests import Request
from starlette.responses import FileResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles

from leadsmanager.domain import errors
from leadsmanager.domain.period import time_zone
from leadsmanager.entrypoints.api import problems, push, webhooks
from leadsmanager.entrypoints.api import routes as api_routes
from leadsmanager.entrypoints.bootstrap.container import Container, build
from leadsmanager.entrypoints.http.status import status_for
from leadsmanager.entrypoints.web import (
    pages_auth,
    pages_imports,
    pages_jobs,
    pages_leads,
    pages_profile,
    pages_public,
    pages_reports,
    pages_sources,
    pages_stages,
    pages_users,
)
from leadsmanager.entrypoints.web.context import NotSignedIn, redirect, render_error
from leadsmanager.entrypoints.web.form_start import FormStarts
from leadsmanager.entrypoints.web.i18n.environments import templates_by_language
from leadsmanager.entrypoints.web.i18n.messages import N_, refusal, translate
from leadsmanager.entrypoints.web.pages_imports import UPLOAD_PATH
from leadsmanager.entrypoints.web.probes import Probes
from leadsmanager.entrypoints.web.proxies import TrustedProxies
from leadsmanager.entrypoints.web.request_log import RequestLog
from leadsmanager.entrypoints.web.security import BodyLimit, SecurityHeaders, Signer

HERE = Path(__file__).parent
LOG = logging.getLogger("leadsmanager.web")


def is_api(request: Request) -> bool:
    return request.url.path.startswith("/api/")


def product_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, errors.LeadsManagerError)
    if is_api(request):
        return problems.from_error(exc)
    status = status_for(exc)
    response = render_error(request, status, refusal(request, exc))
    if isinstance(exc, errors.RateLimited):
        response.headers["Retry-After"] = str(exc.retry_after)
    return response


def api_problem(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, problems.ApiProblem)
    return problems.problem(exc.status, exc.detail, field_errors=exc.fields)


def sign_in_first(request: Request, exc: Exception) -> Response:
    target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
    return redirect(request, f"/login?next={quote(target)}", translate(request, "Please sign in"), kind="info")


def http_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, HTTPException)
    if is_api(request):
        return problems.problem(exc.status_code, str(exc.detail))
    messages = {
        404: translate(request, "There is nothing at this address."),
        405: translate(request, "That action is not available here."),
    }
    message = messages.get(exc.status_code, str(exc.detail))
    return render_error(request, exc.status_code, message)


def server_error(request: Request, exc: Exception) -> Response:
    message = N_("Something went wrong on our side. It has been logged; please try again.")
    if is_api(request):
        return problems.problem(500, message)
    return render_error(request, 500, translate(request, message))


def favicon(request: Request) -> Response:
    """Where browsers look for it whatever the page says; a day in their cache."""
    headers = {"Cache-Control": "public, max-age=86400"}
    return FileResponse(HERE / "static" / "favicon.ico", media_type="image/x-icon", headers=headers)


def create_app(container: Container | None = None) -> Starlette:
    built = container or build()  # for the web app: without Redis, a task an admin retries runs in the request
    settings = built.settings()

    @asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        yield
        built.shutdown_resources()
        LOG.info("stopped; resources left open: %s", ", ".join(open_resources(built)) or "none")

    app = Starlette(
        routes=[
            *pages_auth.routes,
            *pages_leads.routes,
            *pages_reports.routes,
            *pages_users.routes,
            *pages_profile.routes,
            *pages_jobs.routes,
            *pages_sources.routes,
            *pages_stages.routes,
            *pages_imports.routes,
            *pages_public.routes,
            *api_routes.routes,
            *webhooks.routes,
            *push.routes,
            Route("/favicon.ico", favicon),
            Mount("/static", StaticFiles(directory=HERE / "static"), name="static"),
        ],
        middleware=[
            Middleware(TrustedProxies, networks=settings.trusted_proxies),
            Middleware(RequestLog),
            Middleware(Probes),
            Middleware(
                BodyLimit,
                max_bytes=settings.max_body_bytes,
                larger={UPLOAD_PATH: settings.import_max_bytes},
                pages=frozenset({UPLOAD_PATH}),
            ),
            Middleware(TrustedHostMiddleware, allowed_hosts=list(settings.allowed_hosts)),
            Middleware(SecurityHeaders, form_frame_ancestors=settings.form_frame_ancestors),
        ],
        exception_handlers=_handlers(),
        lifespan=lifespan,
        debug=settings.debug,
    )
    app.state.container = built
    app.state.templates = templates_by_language(time_zone(settings.time_zone))
    secret = settings.web_secret()
    app.state.flash_signer = Signer(secret, "flash")
    app.state.form_starts = FormStarts(Signer(secret, "public-form"))
    return app


def open_resources(built: Container) -> list[str]:
    """Database pools, Redis and HTTP clients still open: none once the app has stopped."""
    resources = built.traverse(types=[providers.Resource])
    return sorted(getattr(p.provides, "__name__", repr(p)).lstrip("_") for p in resources if p.initialized)


def _handlers() -> dict[Any, Any]:
    return {
        errors.LeadsManagerError: product_error,
        NotSignedIn: sign_in_first,
        problems.ApiProblem: api_problem,
        HTTPException: http_error,
        Exception: server_error,
    }
