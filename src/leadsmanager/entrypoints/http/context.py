"""What a route of the pages or the API reads from its request: the container, who is signed in, and
whether a browser sent it from this site."""

from __future__ import annotations

from starlette.requests import Request

from leadsmanager.application.sessions import SignedIn
from leadsmanager.domain.errors import PermissionDenied
from leadsmanager.entrypoints.bootstrap.container import Container

SESSION_COOKIE = "lm_session"


def container(request: Request) -> Container:
    built: Container = request.app.state.container
    return built


def signed_in(request: Request) -> SignedIn | None:
    if "signed_in" not in request.scope:
        token = request.cookies.get(SESSION_COOKIE)
        request.scope["signed_in"] = container(request).sessions().resolve(token) if token else None
    found: SignedIn | None = request.scope["signed_in"]
    return found


def check_origin(request: Request) -> None:
    """A browser always names the page a cross-site POST came from; it must be us."""
    origin = request.headers.get("origin")
    if origin in (None, "null"):
        return
    host = request.headers.get("host", "")
    if origin.split("://", 1)[-1] != host:
        raise PermissionDenied("this form was sent from another site")
