"""Staff users: who logs in, with which role, and whether they still may."""

from __future__ import annotations

from datetime import datetime

from attrs import define

from leadsmanager.domain.actor import Actor
from leadsmanager.domain.roles import Role


@define(slots=False)
class User:
    email: str
    full_name: str
    role: Role
    password_hash: str
    created_at: datetime
    phone: str | None = None
    active: bool = True
    # Bumped whenever existing sessions must end: deactivation, password reset, role change.
    session_version: int = 0
    id: int | None = None
    # The language their pages are in; None follows the deployment's (LEADSMANAGER_LANGUAGE).
    language: str | None = None

    def as_actor(self) -> Actor:
        return Actor(user_id=self.id, role=self.role, name=self.full_name)

    def change_role(self, role: Role) -> None:
        if role != self.role:
            self.role = role
            self.session_version += 1

    def deactivate(self) -> None:
        if self.active:
            self.active = False
            self.session_version += 1

    def reactivate(self) -> None:
        self.active = True

    def set_password_hash(self, password_hash: str, *, end_sessions: bool = True) -> None:
        self.password_hash = password_hash
        if end_sessions:
            self.session_version += 1
