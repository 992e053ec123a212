"""One row of the original system as a lead of ours: its contact details normalised as intake normalises
them, its estado mapped onto a stage, its status history with the original times and actors."""

from __future__ import annotations

import json
import unicodedata
from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

from attrs import evolve, frozen

from leadsmanager.application.intake.form import TEXT_LIMITS, LeadForm, to_submission
from leadsmanager.application.intake.form_mapping import SUBMITTED_AT
from leadsmanager.application.intake.normalisation import clean_message
from leadsmanager.application.legacy.records import LegacyStatusChange, LegacySubmission
from leadsmanager.domain.errors import ValidationError
from leadsmanager.domain.lead import Channel, HistoryEntry, HistoryField, Submission

# Fields of the `data` JSON kept as extras: short ones only, and not so many that intake refuses them.
DATA_VALUE_LIMIT = 200
DATA_FIELDS = 40
NOTE_LIMIT = 10_000
# The `data` fields that hold the person's email or phone on INTRALOG's forms 3, 4 and 5 (docs/form-sources.md)
# and as such forms often name them: read in lower case without accents, for a row whose `mail` or
# `telefono` column was left empty.
DATA_CONTACTS = {
    **dict.fromkeys(
        ("e-mail", "email", "mail", "correo", "correo electronico", "correo electronico empresarial"), "email"
    ),
    **dict.fromkeys(("telefono", "celular", "whatsapp", "phone"), "phone"),
}


@frozen
class Converted:
    """A legacy row ready to be placed: the submission, the stage it is in, its history, its owner."""

    row: LegacySubmission
    submission: Submission
    status: str
    history: list[HistoryEntry]
    assignee_id: int | None
    at: datetime
    note: str

    @property
    def external_id(self) -> str:
        return self.submission.external_id or ""


@frozen
class RowContext:
    """What converting a row needs beyond the row: the run's settings and what was imported before it."""

    site: str
    region: str
    statuses: Mapping[str, str]  # estado -> stage key
    users: Mapping[int, int]  # legacy user id -> our user id (users the import skipped are absent)
    campaigns: Mapping[int, str]
    departed: frozenset[int] = frozenset()  # our ids of the deactivated accounts among `users`
    open_stages: frozenset[str] = frozenset()  # the stages whose leads are still worked


def external_id(site: str, row: LegacySubmission) -> str:
    """What the intralog-legacy sync calls the same WordPress entry (SyncedForm.lead_form)."""
    return f"{site}/{row.form_id}/{row.submission_id}"


def convert(row: LegacySubmission, changes: Sequence[LegacyStatusChange], ctx: RowContext, now: datetime) -> Converted:
    """The row as a lead to place; ValidationError (its message the reason) when it cannot be one."""
    if row.form_id is None:  # nullable in the original schema: without it the WordPress entry has no name here
        raise ValidationError("no form_id")
    status = ctx.statuses.get(row.status)
    if status is None:
        raise ValidationError(f"estado {row.status!r} has no stage: pass --status {row.status or 'OLD'}=STAGE")
    at = row.created_at or now
    row = _with_data_contacts(row)
    submission = to_submission(_form(row, ctx, at), region=ctx.region)
    if submission.email is None and submission.phone is None:
        raise ValidationError("no email and no phone" + (" that could be read" if row.email or row.phone else ""))
    assignee = ctx.users.get(row.assigned_user_id) if row.assigned_user_id is not None else None
    note = clean_message(row.management_message, max_length=10**9)[:NOTE_LIMIT]
    history = _history(status, changes, ctx, at, assignee, note)
    if assignee in ctx.departed and status in ctx.open_stages:
        # Nobody works a lead whose owner left: it comes over unassigned, as `consistency --fix` would
        # leave it, its history naming who had it. A closed lead keeps its owner: who won or lost it.
        history.append(HistoryEntry(HistoryField.ASSIGNEE, str(assignee), None, None, now))
        assignee = None
    return Converted(row, submission, status, history, assignee, at, note)


def _form(row: LegacySubmission, ctx: RowContext, at: datetime) -> LeadForm:
    kept = {
        SUBMITTED_AT: at.isoformat(),
        "origen": row.origin,
        "sub_origen": row.sub_origin,
        "avance": row.progress,
    }
    mapped = {v.strip().lower() for v in (row.name, row.email, row.phone, row.company, row.service, row.message)}
    extras = {k: v for k, v in kept.items() if v} | _data_fields(row.data, mapped)
    return LeadForm(
        Channel.WORDPRESS,
        name=_fallback_name(row),
        email=row.email,
        phone=row.phone,
        company=row.company[:200],
        service=row.service[:120],
        message=row.message[:10_000],
        site=ctx.site,
        form_id=str(row.form_id),
        external_id=external_id(ctx.site, row),
        campaign=_campaign(row, ctx),
        extras=extras,
    )


def _with_data_contacts(row: LegacySubmission) -> LegacySubmission:
    """The row with its empty `mail` or `telefono` taken from the entry's `data`, where the form kept it:
    normalised later as any email or phone, so an unreadable one counts as today's do."""
    if row.email.strip() and row.phone.strip():
        return row
    found: dict[str, str] = {}
    for name, value in _data(row.data).items():
        kind = DATA_CONTACTS.get(_plain(str(name)))
        text = _text(value)
        if kind and text:
            found.setdefault(kind, text)
    return evolve(
        row,
        email=row.email if row.email.strip() else found.get("email", row.email),
        phone=row.phone if row.phone.strip() else found.get("phone", row.phone),
    )


def _plain(label: str) -> str:
    return " ".join(unicodedata.normalize("NFKD", label.lower()).encode("ascii", "ignore").decode().split())


def _campaign(row: LegacySubmission, ctx: RowContext) -> str:
    """The row's `formsapp_campaign`, as the lead's campaign: a name longer than a lead keeps is cut."""
    name = ctx.campaigns.get(row.campaign_id, "") if row.campaign_id is not None else ""
    return " ".join(name.split())[: TEXT_LIMITS["campaign"]]


def _fallback_name(row: LegacySubmission) -> str:
    """As the sync names a lead: its name, else its company, else its email."""
    return (row.name or row.company or row.email)[:200]


def _data_fields(data: str, mapped: set[str]) -> dict[str, str]:
    """The entry's other fields: short, not already a lead field, at most DATA_FIELDS of them."""
    kept: dict[str, str] = {}
    for name, value in _data(data).items():
        text = _text(value)
        if text and len(text) <= DATA_VALUE_LIMIT and text.lower() not in mapped and len(kept) < DATA_FIELDS:
            kept[str(name)[:100]] = text
    return kept


def _data(data: str) -> dict[Any, Any]:
    """The `data` JSON's fields; none when it is not an object."""
    try:
        fields = json.loads(data) if data else {}
    except ValueError:
        return {}
    return fields if isinstance(fields, dict) else {}


def _text(value: Any) -> str:
    if isinstance(value, list):
        return ", ".join(_text(v) for v in value if _text(v))
    if isinstance(value, dict) or value is None:
        return ""
    return str(value).strip()


def _history(  # noqa: PLR0917 (one row's parts, each named where it is called)
    status: str,
    changes: Sequence[LegacyStatusChange],
    ctx: RowContext,
    at: datetime,
    assignee: int | None,
    note: str,
) -> list[HistoryEntry]:
    """The row's history: where it started (its first change's own row when the system recorded one),
    each status change with its time and actor (a deleted or skipped user's marked deleted), its owner, the note."""

    def stage(estado: str) -> str | None:
        return ctx.statuses.get(estado, estado) if estado else None

    entries = [
        HistoryEntry(
            HistoryField.STATUS,
            stage(c.previous_status),
            stage(c.new_status),
            _actor(c, ctx),
            c.at or at,
            # a person's change all the same: whose user was deleted, or was not brought over (no address)
            actor_deleted=_actor(c, ctx) is None,
        )
        for c in changes
    ]
    if not changes or changes[0].previous_status:
        first = stage(changes[0].previous_status) if changes else status
        # Read back in time order, the start must not come after a move the original system dated earlier.
        started = min([at, *(e.at for e in entries)])
        entries.insert(0, HistoryEntry(HistoryField.STATUS, None, first, None, started))
    if entries[-1].new != status:  # the estado moved on without a history row: the history ends where the lead is
        entries.append(HistoryEntry(HistoryField.STATUS, entries[-1].new, status, None, entries[-1].at))
    if assignee is not None:
        entries.append(HistoryEntry(HistoryField.ASSIGNEE, None, str(assignee), None, at))
    if note:
        last = max(e.at for e in entries)
        entries.append(HistoryEntry(HistoryField.NOTE, None, note, None, last))
    return entries


def _actor(change: LegacyStatusChange, ctx: RowContext) -> int | None:
    return None if change.updated_by_id is None else ctx.users.get(change.updated_by_id)
