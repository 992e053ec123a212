"""Per-request helpers: who is signed in, flash messages, and rendering a page."""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.templating import Jinja2Templates

from leadsmanager.application.sessions import SignedIn
from leadsmanager.domain.actor import Actor
from leadsmanager.domain.errors import PermissionDenied
from leadsmanager.domain.roles import Permission
from leadsmanager.entrypoints.http.bodies import posted_form
from leadsmanager.entrypoints.http.context import container, signed_in
from leadsmanager.entrypoints.web.i18n.choice import staff_language
from leadsmanager.entrypoints.web.security import ANONYMOUS_CSRF_COOKIE, CSRF_FIELD, Signer, check_csrf, new_token

FLASH_COOKIE = "lm_flash"


class NotSignedIn(Exception):
    """Raised by pages that need a user; the app answers with a redirect to the login page."""


def signed_in_if_known(request: Request) -> SignedIn | None:
    """Who is signed in, for an error page: nobody when finding out fails too (the database is down),
    so the page itself never depends on the session."""
    try:
        return signed_in(request)
    except Exception:  # the page reports the first failure; this one would only hide it
        request.scope["signed_in"] = None
        return None


def render_error(request: Request, status: int, message: str) -> Response:
    signed_in_if_known(request)
    return render(request, "error.html", status_code=status, status=status, message=message)


def require(request: Request, permission: Permission | None = None) -> Actor:
    current = signed_in(request)
    if current is None:
        raise NotSignedIn
    actor = current.user.as_actor()
    if permission is not None and not actor.can(permission):
        raise PermissionDenied("your role does not allow this page")
    return actor


def csrf_token(request: Request) -> str:
    current = signed_in(request)
    if current is not None:
        return current.session.csrf_token
    if "anonymous_csrf" not in request.scope:
        request.scope["anonymous_csrf"] = request.cookies.get(ANONYMOUS_CSRF_COOKIE) or new_token()
    token: str = request.scope["anonymous_csrf"]
    return token


def verified_form(request: Request) -> dict[str, str]:
    """The posted form, after its CSRF token and origin were checked (from a plain `def` route)."""
    form = posted_form(request)
    values = {k: v for k, v in form.items() if isinstance(v, str)}
    current = signed_in(request)
    expected = current.session.csrf_token if current else request.cookies.get(ANONYMOUS_CSRF_COOKIE)
    check_csrf(request, values.get(CSRF_FIELD), expected)
    return values


def flash_signer(request: Request) -> Signer:
    signer: Signer = request.app.state.flash_signer
    return signer


def redirect(request: Request, url: str, message: str = "", kind: str = "success") -> RedirectResponse:
    response = RedirectResponse(url, status_code=303)
    if message:
        secure = container(request).settings().secure_cookies
        value = flash_signer(request).sign([kind, message])
        response.set_cookie(FLASH_COOKIE, value, httponly=True, samesite="lax", secure=secure, max_age=60)
    return response


def render(
    request: Request, template: str, status_code: int = 200, *, language: str | None = None, **context: Any
) -> Response:
    """The page in `language`, else in the signed-in person's (or the deployment's) language."""
    chosen = language or staff_language(request)
    templates: Jinja2Templates = request.app.state.templates[chosen]
    current = signed_in(request)
    flash = None
    if raw := request.cookies.get(FLASH_COOKIE):
        flash = flash_signer(request).unsign(raw)
    page = {
        "user": current.user if current else None,
        "actor": current.user.as_actor() if current else None,
        "csrf_token": csrf_token(request),
        "flash": flash,
        "Permission": Permission,
        **context,
    }
    response = templates.TemplateResponse(request, template, page, status_code=status_code)
    if flash is not None:
        response.delete_cookie(FLASH_COOKIE)
    if current is None and ANONYMOUS_CSRF_COOKIE not in request.cookies:
        secure = container(request).settings().secure_cookies
        response.set_cookie(ANONYMOUS_CSRF_COOKIE, csrf_token(request), httponly=True, samesite="lax", secure=secure)
    return response
