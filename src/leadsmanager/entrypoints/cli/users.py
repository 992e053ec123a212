"""`leadsmanager users`: staff accounts and roles."""

from __future__ import annotations

import sys
from typing import Any

import click

from leadsmanager.application.users import MIN_PASSWORD_LENGTH, NewUser, check_password
from leadsmanager.domain import errors
from leadsmanager.domain.roles import parse_role
from leadsmanager.entrypoints.cli.context import OPERATOR, container, reports_errors
from leadsmanager.entrypoints.formats.terminal import tab_separated


@click.group()
def users() -> None:
    """Staff accounts and roles."""


def _read_password(from_stdin: bool) -> str:
    if from_stdin:
        return sys.stdin.readline().rstrip("\n")
    # The rule is in the prompt, and checked before the password is asked for a second time.
    prompt = f"Password (at least {MIN_PASSWORD_LENGTH} characters)"
    return str(click.prompt(prompt, hide_input=True, confirmation_prompt=True, value_proc=_acceptable_password))


def _acceptable_password(password: str) -> str:
    try:
        check_password(password)
    except errors.ValidationError as e:
        raise click.UsageError(str(e)) from None
    return password


@users.command("create")
@click.option("--email", required=True)
@click.option("--name", "full_name", required=True)
@click.option("--role", required=True, help="admin, manager or employee")
@click.option("--phone", default="")
@click.option("--password-stdin", is_flag=True, help="read the password from standard input")
@click.pass_context
@reports_errors
def users_create(ctx: click.Context, /, **options: Any) -> None:
    """Create a user (the password is asked for, never passed on the command line)."""
    role = parse_role(options["role"])
    password = _read_password(options["password_stdin"])
    new = NewUser(options["email"], options["full_name"], role, password, options["phone"])
    user = container(ctx).user_admin().create(new, by=OPERATOR)
    click.echo(f"created user {user.id} {user.email} ({user.role.value})")


@users.command("list")
@click.pass_context
@reports_errors
def users_list(ctx: click.Context) -> None:
    """List every user."""
    for user in container(ctx).user_admin().list(by=OPERATOR):
        state = "active" if user.active else "inactive"
        click.echo(tab_separated(str(user.id), user.email, user.full_name, user.role.value, state))


@users.command("set-role")
@click.argument("email")
@click.argument("role")
@click.pass_context
@reports_errors
def users_set_role(ctx: click.Context, email: str, role: str) -> None:
    """Change a user's role (their sessions end)."""
    parsed_role = parse_role(role)
    admin = container(ctx).user_admin()
    user = admin.change_role(_user_id(admin.find(email, by=OPERATOR).id), parsed_role, by=OPERATOR)
    click.echo(f"{user.email} is now {user.role.value}")


@users.command("deactivate")
@click.argument("email")
@click.pass_context
@reports_errors
def users_deactivate(ctx: click.Context, email: str) -> None:
    """Stop a user from signing in (their sessions end; their leads stay)."""
    admin = container(ctx).user_admin()
    user = admin.deactivate(_user_id(admin.find(email, by=OPERATOR).id), by=OPERATOR)
    click.echo(f"{user.email} is deactivated")


@users.command("set-password")
@click.argument("email")
@click.option("--password-stdin", is_flag=True, help="read the password from standard input")
@click.pass_context
@reports_errors
def users_set_password(ctx: click.Context, email: str, password_stdin: bool) -> None:
    """Set a user's password (their other sessions end)."""
    admin = container(ctx).user_admin()
    user_id = _user_id(admin.find(email, by=OPERATOR).id)
    user = admin.set_password(user_id, _read_password(password_stdin), by=OPERATOR)
    click.echo(f"password changed for {user.email}")


def _user_id(user_id: int | None) -> int:
    assert user_id is not None
    return user_id
