"""`serve --demo` (or LEADSMANAGER_DEMO=1): the whole product in memory, with an admin to sign in as."""

from __future__ import annotations

import secrets

from leadsmanager.application.users import NewUser
from leadsmanager.domain.actor import Actor
from leadsmanager.domain.roles import Role
from leadsmanager.entrypoints.bootstrap.container import Container

DEMO_ADMIN = "demo@example.com"


def demo_admin(built: Container) -> str:
    """Creates the demo's admin with a password made for this run, and returns that password."""
    password = secrets.token_urlsafe(12)
    built.user_admin().create(NewUser(DEMO_ADMIN, "Demo Admin", Role.ADMIN, password), by=Actor.system())
    return password
