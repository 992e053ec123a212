"""API keys: how external systems reach the API, each limited to what its scopes allow."""

from __future__ import annotations

import enum
from datetime import datetime

from attrs import define

from leadsmanager.domain.actor import Actor
from leadsmanager.domain.roles import Role


class Scope(enum.StrEnum):
    LEADS_READ = "leads:read"
    LEADS_WRITE = "leads:write"


@define(slots=False)
class ApiKey:
    name: str
    prefix: str  # shown in lists and logs so a key can be recognised without revealing it
    key_hash: str
    scopes: frozenset[Scope]
    created_at: datetime
    revoked_at: datetime | None = None
    id: int | None = None

    @property
    def active(self) -> bool:
        return self.revoked_at is None

    def allows(self, scope: Scope) -> bool:
        return self.active and scope in self.scopes

    def as_actor(self) -> Actor:
        """An integration sees and works every lead, within its scopes, and is recorded as the system."""
        return Actor(user_id=None, role=Role.MANAGER, name=f"API key {self.name}")

    def revoke(self, at: datetime) -> None:
        if self.revoked_at is None:
            self.revoked_at = at
