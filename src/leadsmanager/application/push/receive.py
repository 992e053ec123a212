"""A submission a form plugin pushed, made a lead once, through the same per-form mapping the sync uses.

A push is the same submission again when it carries the same plugin id (the site's id key: its lead
has the external id `{site}/{form}/{id}` that the sync gives it too, so a sync and a push of one entry
meet), or, without one, when the same fields reach the same form within ten minutes. A push that
cannot become a lead (unreadable, an unknown form, no email and no phone) is kept whole in the
failed-submissions inbox with its reason, to be replayed once the site's mapping is fixed.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Mapping
from datetime import datetime, timedelta

from attrs import evolve, frozen

from leadsmanager.application.failed_submissions import FailedSubmissions, check_reachable
from leadsmanager.application.failed_submissions.inbox import NO_ID
from leadsmanager.application.intake import Idempotency, SubmitLead, SubmitResult
from leadsmanager.application.intake.form_mapping import SyncedForm
from leadsmanager.application.ports import Clock
from leadsmanager.application.sync_types import RemoteSubmission
from leadsmanager.domain.errors import ValidationError

WINDOW = timedelta(minutes=10)
# A plugin's id for a submission, kept in an external id `{site}/{form}/{id}` (see sync_types).
SUBMISSION_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,39}")


@frozen
class PushTarget:
    """Where a push goes: a site's form, its mapping (None when the site does not list the form), and
    the field that holds the plugin's id of a submission (empty: none)."""

    site: str
    form_id: str
    form: SyncedForm | None = None
    id_key: str = ""


@frozen
class Pushed:
    """What arrived: the body as posted, and its fields (None when it could not be read, and why)."""

    body: str
    fields: Mapping[str, str] | None
    unreadable: str = ""


class PushRefused(ValidationError):
    """A push that cannot become a lead; the reason says what to fix."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason, {"body": reason})


@frozen
class PushReceived:
    """A lead (new, joined, or the one this push already made), or the push kept in the failed-submissions
    inbox with the reason it is not a lead (`kept_as` None: the inbox held that submission already)."""

    result: SubmitResult | None = None
    refused: str = ""
    kept_as: int | None = None


class ReceivePush:
    def __init__(self, submit: SubmitLead, inbox: FailedSubmissions, clock: Clock) -> None:
        self._submit = submit
        self._inbox = inbox
        self._clock = clock

    def __call__(self, target: PushTarget, pushed: Pushed) -> PushReceived:
        fields = None if pushed.fields is None else dict(pushed.fields)
        submission_id = ""
        try:
            if fields is None:
                raise PushRefused(pushed.unreadable or "the body could not be read")
            submission_id = _submission_id(target.id_key, fields)
            fields.pop(target.id_key, None)  # it is the external id now, not an extra
            return PushReceived(self._lead(target, fields, submission_id))
        except ValidationError as e:  # kept whole, to be replayed once the mapping is fixed
            kept = self._inbox.record(
                target.site,
                target.form_id,
                str(e),
                body=pushed.body,
                fields=fields,
                submission_id=submission_id or None,
            )
            return PushReceived(refused=str(e), kept_as=None if kept is None else kept.id)

    def _lead(self, target: PushTarget, fields: dict[str, str], submission_id: str) -> SubmitResult:
        if target.form is None:
            raise PushRefused(f"site {target.site!r} has no form {target.form_id!r}: list it in the site's _FORMS")
        now = self._clock.now()
        form = target.form.lead_form(RemoteSubmission(submission_id or NO_ID, now, fields))
        if not submission_id:
            form = evolve(form, external_id="")
        check_reachable(form, fields)
        once = None if submission_id else _same_content(target, fields, now)
        return self._submit(form, idempotency=once)


def _submission_id(id_key: str, fields: Mapping[str, str]) -> str:
    """The plugin's id; none when the site names no id key or the push lacks it."""
    raw = fields.get(id_key, "").strip() if id_key else ""
    if not raw:
        return ""
    if not SUBMISSION_ID.fullmatch(raw):
        raise PushRefused(f"the id key {id_key!r} holds {raw[:60]!r}, not an id of 1-40 letters, digits, '.', '_', '-'")
    return str(int(raw)) if raw.isdigit() else raw  # '07' and 7 are one submission, as in the sync


def _same_content(target: PushTarget, fields: Mapping[str, str], now: datetime) -> Idempotency:
    """The same fields to the same form are one submission within WINDOW: keyed by content and window,
    the window before it looked up too."""
    canonical = json.dumps([target.site, target.form_id, sorted(fields.items())], ensure_ascii=False)
    digest = hashlib.sha256(canonical.encode()).hexdigest()
    window = int(now.timestamp() // WINDOW.total_seconds())
    return Idempotency(
        f"push:{target.site}", f"{window}:{digest}", digest, earlier=(f"{window - 1}:{digest}",), since=now - WINDOW
    )
