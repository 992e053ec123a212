"""An entry of the audit log of stage changes: who changed the pipeline, when, and how."""

from __future__ import annotations

from datetime import datetime

from attrs import frozen

CLI_ACTOR = "cli"


@frozen
class StageChange:
    """`actor` is who made it ("cli", or a user's email); `action` what kind of change ("apply"...);
    `detail` says what changed, in words an admin reads."""

    at: datetime
    actor: str
    action: str
    detail: str
