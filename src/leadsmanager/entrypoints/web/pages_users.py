"""Users admin: admins only."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Protocol, TypeVar

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

import leadsmanager.entrypoints.http.ids  # noqa: F401  (registers the {name:id} path parameter)
from leadsmanager.application.api_keys import parse_scopes
from leadsmanager.application.users import MIN_PASSWORD_LENGTH, NewUser
from leadsmanager.domain.api_key import Scope
from leadsmanager.domain.errors import Conflict, NotFound, ValidationError
from leadsmanager.domain.roles import Permission, Role, parse_role
from leadsmanager.entrypoints.http.bodies import posted_form
from leadsmanager.entrypoints.http.context import container
from leadsmanager.entrypoints.web.context import redirect, render, require, verified_form
from leadsmanager.entrypoints.web.i18n.messages import refusal, translate


class _Identified(Protocol):
    @property
    def id(self) -> int | None: ...


T = TypeVar("T", bound=_Identified)
# Told next to every password field, before anyone types one (a browser also checks the length).
PASSWORD_RULE = {"min_password": MIN_PASSWORD_LENGTH}


def users_page(request: Request, status_code: int = 200, **context: Any) -> Response:
    actor = require(request, Permission.MANAGE_USERS)
    built = container(request)
    page = {"values": {}, "errors": {}, "new_key": None, "typed": {}, **PASSWORD_RULE, **context}
    if token := request.query_params.get("new_key"):
        page["new_key"] = built.key_notices().take(token, by=actor)
        page["new_key_gone"] = page["new_key"] is None
    response = render(
        request,
        "users.html",
        status_code=status_code,
        users=built.user_admin().list(by=actor),
        roles=list(Role),
        api_keys=built.api_keys().list(by=actor),
        scopes=list(Scope),
        **page,
    )
    if page["new_key"] is not None:
        response.headers["Cache-Control"] = "no-store"  # the key is in this page, and must stay nowhere else
    return response


def create_user(request: Request) -> Response:
    actor = require(request, Permission.MANAGE_USERS)
    form = verified_form(request)
    admin = container(request).user_admin()
    try:
        new = NewUser(
            form.get("email", ""),
            form.get("full_name", ""),
            parse_role(form.get("role", "")),
            form.get("password", ""),
            form.get("phone", ""),
        )
        user = admin.create(new, by=actor)
    except (ValidationError, Conflict) as e:
        errors = e.fields if isinstance(e, ValidationError) else {"email": refusal(request, e)}
        values = {k: v for k, v in form.items() if k != "password"}
        return users_page(request, status_code=400, values=values, errors=errors)
    done = translate(request, "%(name)s can now sign in as %(email)s")
    return redirect(request, "/users", done % {"name": user.full_name, "email": user.email})


def change_user(request: Request) -> Response:
    """One form per change: role, phone, deactivate, reactivate, password."""
    actor = require(request, Permission.MANAGE_USERS)
    form = verified_form(request)
    admin, user_id, change = container(request).user_admin(), int(request.path_params["user_id"]), form.get("change")
    if change == "deactivate" and not confirmed(form):
        user = _listed(admin.list(by=actor), user_id, "user")
        said = {"name": user.full_name, "email": user.email}
        title = translate(request, "Deactivate %(name)s?") % said
        message = translate(
            request, "%(name)s (%(email)s) is signed out at once and can no longer sign in; their leads stay."
        )
        button = translate(request, "Deactivate")
        return confirm(request, title, message % said, button, {"change": "deactivate"})
    try:
        if change == "role":
            user = admin.change_role(user_id, parse_role(form.get("role", "")), by=actor)
        elif change == "phone":
            user = admin.set_phone(user_id, form.get("phone", ""), by=actor)
        elif change == "deactivate":
            user = admin.deactivate(user_id, by=actor)
        elif change == "reactivate":
            user = admin.reactivate(user_id, by=actor)
        elif change == "password":
            user = admin.set_password(user_id, form.get("password", ""), by=actor)
        else:
            raise NotFound("there is no such change")
    except (ValidationError, Conflict) as e:  # the page again, with what was typed still in its form
        typed = {k: v for k, v in form.items() if k in ("change", "role", "phone")} | {"user_id": str(user_id)}
        status = 409 if isinstance(e, Conflict) else 400
        return users_page(request, status_code=status, change_error=refusal(request, e), typed=typed)
    saved = translate(request, "Saved: %(name)s (%(change)s)")
    return redirect(
        request, "/users", saved % {"name": user.full_name, "change": _change_words(request).get(change, change)}
    )


def create_api_key(request: Request) -> Response:
    """POST, redirect, GET: the page the browser is sent to shows the new key once (reloading it sends
    nothing again); the address holds only a one-time pad, the server only the key masked with it."""
    actor = require(request, Permission.MANAGE_USERS)
    form = posted_form(request)
    verified_form(request)
    scopes = [str(v) for v in form.getlist("scopes")]
    try:
        key, secret = container(request).api_keys().create(str(form.get("name", "")), parse_scopes(scopes), by=actor)
    except ValidationError as e:
        return users_page(request, status_code=400, key_errors=e.fields)
    token = container(request).key_notices().keep(key.name, secret, by=actor)
    return redirect(request, f"/users?new_key={token}#new-key")


def revoke_api_key(request: Request) -> Response:
    actor = require(request, Permission.MANAGE_USERS)
    form = verified_form(request)
    keys, key_id = container(request).api_keys(), int(request.path_params["key_id"])
    if not confirmed(form):
        shown = _listed(keys.list(by=actor), key_id, "API key")
        said = {"name": shown.name, "prefix": shown.prefix}
        title = translate(request, "Revoke the API key %(name)s?") % said
        message = translate(
            request, "Whatever uses %(name)s (%(prefix)s) is refused from then on; this cannot be undone."
        )
        return confirm(request, title, message % said, translate(request, "Revoke"), {})
    key = keys.revoke(key_id, by=actor)
    revoked = translate(request, "API key %(name)s (%(prefix)s) is revoked")
    return redirect(request, "/users", revoked % {"name": key.name, "prefix": key.prefix})


def _change_words(request: Request) -> dict[str | None, str]:
    return {
        "role": translate(request, "role"),
        "phone": translate(request, "phone"),
        "deactivate": translate(request, "deactivate"),
        "reactivate": translate(request, "reactivate"),
        "password": translate(request, "password"),
    }


def confirmed(form: dict[str, str]) -> bool:
    """A second step, for what one stray click should not do: the form is sent again with confirmed=yes."""
    return form.get("confirmed") == "yes"


def confirm(request: Request, title: str, message: str, button: str, fields: dict[str, str]) -> Response:
    """The page that asks; its form posts to the same address, without script (the CSP allows none)."""
    context: dict[str, Any] = {"title": title, "message": message, "button": button, "fields": fields, "back": "/users"}
    return render(request, "confirm.html", action=request.url.path, **context)


def _listed(found: Sequence[T], ident: int, what: str) -> T:
    thing = next((t for t in found if t.id == ident), None)
    if thing is None:
        raise NotFound(f"{what} {ident} was not found")
    return thing


def back_to_users(request: Request) -> Response:
    """A user's address, where a confirmation or a refused change was shown, opened again: the users page."""
    return RedirectResponse("/users", status_code=303)


routes = [
    Route("/users/api-keys", create_api_key, methods=["POST"]),
    Route("/users/api-keys/{key_id:id}/revoke", revoke_api_key, methods=["POST"]),
    Route("/users", users_page, methods=["GET"]),
    Route("/users", create_user, methods=["POST"]),
    Route("/users/{user_id:id}", change_user, methods=["POST"]),
    Route("/users/{user_id:id}", back_to_users, methods=["GET"]),
]
