"""Users admin: admins only."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from leadsmanager.application.users import NewUser
from leadsmanager.domain.errors import Conflict, NotFound, ValidationError
from leadsmanager.domain.roles import Permission, Role, parse_role
from leadsmanager.entrypoints.web.context import container, redirect, render, require, verified_form


def users_page(request: Request) -> Response:
    actor = require(request, Permission.MANAGE_USERS)
    users = container(request).user_admin().list(by=actor)
    return render(request, "users.html", users=users, roles=list(Role), values={}, errors={})


async def create_user(request: Request) -> Response:
    actor = require(request, Permission.MANAGE_USERS)
    form = await verified_form(request)
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
        errors = e.fields if isinstance(e, ValidationError) else {"email": str(e)}
        values = {k: v for k, v in form.items() if k != "password"}
        return render(
            request,
            "users.html",
            status_code=400,
            users=admin.list(by=actor),
            roles=list(Role),
            values=values,
            errors=errors,
        )
    return redirect(request, "/users", f"{user.full_name} can now sign in as {user.email}")


async def change_user(request: Request) -> Response:
    """One form per change: role, phone, deactivate, reactivate, password."""
    actor = require(request, Permission.MANAGE_USERS)
    form = await verified_form(request)
    admin, user_id, change = container(request).user_admin(), int(request.path_params["user_id"]), form.get("change")
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
    except (ValidationError, Conflict) as e:
        return redirect(request, "/users", str(e), kind="error")
    return redirect(request, "/users", f"Saved: {user.full_name} ({change})")


routes = [
    Route("/users", users_page, methods=["GET"]),
    Route("/users", create_user, methods=["POST"]),
    Route("/users/{user_id:int}", change_user, methods=["POST"]),
]
