"""Signing in and out."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from leadsmanager.domain.errors import AuthenticationFailed, RateLimited
from leadsmanager.entrypoints.http.client import client_address
from leadsmanager.entrypoints.http.context import SESSION_COOKIE, container, signed_in
from leadsmanager.entrypoints.web.context import redirect, render, verified_form
from leadsmanager.entrypoints.web.i18n.messages import refusal, translate


def login_page(request: Request) -> Response:
    if signed_in(request) is not None:
        return redirect(request, "/")
    return render(request, "login.html", next=_safe_next(request.query_params.get("next", "/")))


def login(request: Request) -> Response:
    form = verified_form(request)
    email, target = form.get("email", ""), _safe_next(form.get("next", "/"))
    sessions = container(request).sessions()
    try:
        done = sessions.sign_in(email, form.get("password", ""), address=client_address(request))
    except (AuthenticationFailed, RateLimited) as e:
        status = 429 if isinstance(e, RateLimited) else 400
        incorrect = isinstance(e, AuthenticationFailed)
        error = translate(request, "email or password is incorrect") if incorrect else refusal(request, e)
        return render(request, "login.html", status_code=status, error=error, email=email, next=target)
    settings = container(request).settings()
    welcome = translate(request, "Welcome, %(name)s", language=done.user.language or settings.language)
    response = redirect(request, target, welcome % {"name": done.user.full_name})
    max_age = int(sessions.policy.absolute.total_seconds())
    response.set_cookie(
        SESSION_COOKIE, done.token, httponly=True, samesite="lax", secure=settings.secure_cookies, max_age=max_age
    )
    return response


def logout(request: Request) -> Response:
    verified_form(request)
    token = request.cookies.get(SESSION_COOKIE)
    if token:
        container(request).sessions().sign_out(token)
    response = redirect(request, "/login", translate(request, "You are signed out"))
    response.delete_cookie(SESSION_COOKIE)
    return response


def _safe_next(target: str) -> str:
    """Only paths on this site: a login link must not bounce people to someone else's page."""
    if not target.startswith("/") or target.startswith("//") or "\\" in target:
        return "/"
    return target


routes = [
    Route("/login", login_page, methods=["GET"]),
    Route("/login", login, methods=["POST"]),
    Route("/logout", logout, methods=["POST"]),
]
