"""An entry of the audit log of stage changes: who changed the pipeline, when, and how."""

from __future__ import annotations

from datetime import datetime

from attrs import field, frozen

# What a change's `params` may hold: stage and reason keys, kinds, labels by language, counts.
Params = dict[str, object]

CLI_ACTOR = "cli"


@frozen
class StageChange:
    """`actor` is who made it ("cli", or a user's email); `action` what kind of change ("apply"...);
    `detail` says what changed, in English words (the CLI and the logs read them); `params` holds what
    `detail` was written from (keys, kinds, labels, counts), so a page says it again in its reader's
    language. Entries logged before `params` existed have none: their `detail` is all there is."""

    at: datetime
    actor: str
    action: str
    detail: str
    params: Params = field(factory=dict)
