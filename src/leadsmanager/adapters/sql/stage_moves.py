"""Leads moved out of stages a newly applied pipeline lacks, set by set. Read and saved one at a time,
100,000 took two minutes (bench/README.md); here a batch of ids costs a few statements per (stage,
furthest stage) pair it holds: the status history rows inserted from the leads' rows, then the rows
updated. All in the caller's transaction, so that the pipeline and its leads change together or not at
all: a failed apply leaves nothing half-moved, and running it again starts over."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, Select, String, and_, false, insert, literal, null, select, update
from sqlalchemy.orm import Session

from leadsmanager.adapters.sql.errors import run
from leadsmanager.adapters.sql.tables import lead_history, leads
from leadsmanager.domain.lead import HistoryField
from leadsmanager.domain.pipeline import Pipeline, Stage

_HISTORY = ("lead_id", "field", "old", "new", "actor_id", "at", "reason", "actor_deleted")
_CONTACT_TAKEN = "another open lead already has this contact's email or phone"


def lead_ids_in(session: Session, statuses: Sequence[str], *, after_id: int, limit: int) -> list[int]:
    c = leads.c
    statement = select(c.id).where(c.status.in_(list(statuses)), c.id > after_id).order_by(c.id).limit(limit)
    return [int(i) for i in run(session, statement).scalars()]


def move_leads(session: Session, moves: Mapping[str, str], pipeline: Pipeline, *, at: datetime, batch: int) -> int:
    """Moves the leads as `Lead.restage` moves each, leaving the report counts to be made again (the
    caller does, once, after the stages change kind too). The number moved."""
    c = leads.c
    statuses, moved, after = sorted(moves), 0, 0
    while ids := lead_ids_in(session, statuses, after_id=after, limit=batch):
        # The same leads `ids` holds: the first `batch` ids of these stages, the range's others being elsewhere.
        within = and_(c.id.between(ids[0], ids[-1]), c.status.in_(statuses))
        for status, reached in run(session, select(c.status, c.stage_reached).where(within).distinct()).all():
            target = moves[status]
            pair = and_(within, c.status == status, c.stage_reached == reached)
            run(session, insert(lead_history).from_select(_HISTORY, _history(pair, status, target, at)))
            values = _moved(pipeline, target, pipeline.reached_entering(moves.get(reached, reached), target), at)
            moved += run(session, update(leads).where(pair).values(values), on_duplicate=_CONTACT_TAKEN).rowcount
        after = ids[-1]
    return moved


def _history(pair: ColumnElement[bool], status: str, target: str, at: datetime) -> Select[Any]:
    """A status entry per lead, as the system's (no person), as `Lead.restage` records it."""
    return select(
        leads.c.id,
        literal(HistoryField.STATUS.value, String),
        literal(status, String),
        literal(target, String),
        null(),
        literal(at, lead_history.c.at.type),
        null(),
        false(),
    ).where(pair)


def _moved(pipeline: Pipeline, target: str, reached: str, at: datetime) -> dict[str, Any]:
    """A moved row's new values: its contacts count as open ones again only in an open stage."""
    stage = pipeline.stage(target)
    return {
        "status": target,
        "status_kind": stage.kind.value,
        "stage_reached": reached,
        "version": leads.c.version + 1,
        "updated_at": at,
        **open_contacts(stage),
    }


def open_contacts(stage: Stage) -> dict[str, Any]:
    """The open_email and open_phone of a lead in `stage`: its contacts in an open stage, none in a closed
    one (only open leads hold a contact against another open lead's)."""
    c = leads.c
    return (
        {"open_email": c.email, "open_phone": c.phone}
        if stage.is_open
        else {"open_email": null(), "open_phone": null()}
    )
