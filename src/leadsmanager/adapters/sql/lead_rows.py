"""What a lead's rows hold (leads, lead_history, lead_search): the multi-row INSERTs that store a
page of them (`SqlLeadRepository.store` and `add` write through here), and the
reading of a `leads` row back into a Lead, shared by the writer and the views."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from attrs import evolve
from sqlalchemy import Row as ResultRow
from sqlalchemy import bindparam, delete, select
from sqlalchemy.orm import Session

from leadsmanager.adapters.event_records import stored_entry
from leadsmanager.adapters.sql.bulk_insert import BulkInsert, Row, Writes, stored_time
from leadsmanager.adapters.sql.errors import run
from leadsmanager.adapters.sql.tables import joined_external_ids, lead_history, lead_search, leads
from leadsmanager.domain.lead import Channel, HistoryEntry, HistoryField, Lead
from leadsmanager.domain.pipeline import StageKind
from leadsmanager.domain.search import lead_terms

# What reading a lead needs: every column but the open-contact keys, which only the database uses.
SUMMARY_COLUMNS = [c for c in leads.c if c.name not in ("open_email", "open_phone")]
_SUMMARY_WIDTH = len(SUMMARY_COLUMNS)
# A lead by id, built once: SQLAlchemy then finds it in its compiled cache without building it again.
LEAD = select(*SUMMARY_COLUMNS).where(leads.c.id == bindparam("lead_id"))
_HISTORY_COLUMNS = [c.label(f"history_{c.name}") for c in lead_history.c if c.name != "lead_id"]
# A lead with its history in one round trip: the lead's columns repeat on each of its (few) history rows,
# in time order (domain.lead.in_time_order), which an imported history need not be stored in.
_LEAD_WITH_HISTORY = (
    select(*SUMMARY_COLUMNS, *_HISTORY_COLUMNS)
    .select_from(leads.outerjoin(lead_history, lead_history.c.lead_id == leads.c.id))
    .where(leads.c.id == bindparam("lead_id"))
    .order_by(lead_history.c.at, lead_history.c.id)
)

LEAD_COLUMNS = (
    *("contact_name", "email", "phone", "company", "service", "message", "source", "site", "form_id"),
    *("external_id", "extras", "utm", "status", "assignee_id", "created_at", "updated_at", "version"),
    *("open_email", "open_phone", "first_response_at", "stage_reached", "resubmissions", "score"),
    *("status_kind", "campaign"),
)

_LEADS = BulkInsert(leads, LEAD_COLUMNS)
_HISTORY = BulkInsert(lead_history, ("lead_id", "field", "old", "new", "actor_id", "at", "reason", "actor_deleted"))
_TERMS = BulkInsert(lead_search, ("term", "lead_id", "created_at"))
_JOINED = BulkInsert(joined_external_ids, ("source", "external_id", "lead_id"))


def lead_values(lead: Lead) -> dict[str, Any]:
    return dict(zip(LEAD_COLUMNS, _lead_fields(lead), strict=True))


def insert_leads(session: Session, new: Sequence[Lead], *, on_duplicate: str) -> None:
    """Gives each lead its id."""
    rows = [_LEADS.stored(_lead_fields(lead)) for lead in new]
    for lead, lead_id in zip(new, _LEADS.returning_ids(session, rows, on_duplicate=on_duplicate), strict=True):
        lead.id = lead_id


def insert_history(writes: Writes, many: Sequence[Lead]) -> None:
    """Each lead's history entries not stored yet, in order; they get their ids once `writes` is sent."""
    pending = [(lead, [stored_entry(e) for e in lead.new_history()]) for lead in many]
    rows = [
        _HISTORY.stored((lead.id, e.field, e.old, e.new, e.actor_id, e.at, e.reason, e.actor_deleted))
        for lead, new in pending
        for e in new
    ]

    def saved(new_ids: list[int]) -> None:
        ids = iter(new_ids)
        for lead, new in pending:
            lead.mark_history_saved([evolve(e, id=next(ids)) for e in new])

    _HISTORY.queue(writes, rows, then=saved)


def insert_joined_ids(writes: Writes, many: Sequence[Lead]) -> None:
    """The external ids of the submissions that joined the leads; one already stored refuses the whole
    change, which is then stored again and finds it (a re-delivery at the same moment)."""
    rows = [
        (channel.value, external_id, lead.id) for lead in many for channel, external_id in lead.collect_joined_ids()
    ]
    _JOINED.queue(writes, rows)


def insert_terms(writes: Writes, new: Sequence[Lead]) -> None:
    """The search terms of leads that have none (just stored), each carrying its lead's creation time."""
    rows: list[Row] = []
    for lead in new:
        created_at = stored_time(lead.created_at)
        rows += [(term, lead.id, created_at) for term in _terms(lead)]
    _TERMS.queue(writes, rows)


# The details a lead's search terms are made of (domain/search.py's lead_terms).
_SEARCHED = frozenset({HistoryField.NAME, HistoryField.COMPANY, HistoryField.EMAIL, HistoryField.PHONE})
_DELETE_TERMS = delete(lead_search).where(lead_search.c.lead_id == bindparam("lead_id"))


def terms_changing(lead: Lead) -> bool:
    """Whether the lead's unsaved history corrects a detail it is searched by."""
    return any(entry.field in _SEARCHED for entry in lead.new_history())


def replace_terms(writes: Writes, lead: Lead) -> None:
    """The lead's search terms made again from its details: found by the corrected ones, not the old."""
    run(writes.session, _DELETE_TERMS, {"lead_id": lead.id})
    insert_terms(writes, [lead])


def _lead_fields(lead: Lead) -> tuple[Any, ...]:
    """The lead's columns, in LEAD_COLUMNS order."""
    open_email, open_phone = (lead.email, lead.phone) if lead.is_open else (None, None)
    return (
        *(lead.contact_name, lead.email, lead.phone, lead.company, lead.service, lead.message, lead.source.value),
        *(lead.site, lead.form_id, lead.external_id, lead.extras, lead.utm, lead.status, lead.assignee_id),
        *(lead.created_at, lead.updated_at, lead.version, open_email, open_phone, lead.first_response_at),
        *(lead.stage_reached, lead.resubmissions, lead.score, lead.status_kind.value, lead.campaign),
    )


def _terms(lead: Lead) -> list[str]:
    return sorted(lead_terms(lead.contact_name, lead.company, lead.email, lead.phone))


# Enum members by value: a dict lookup costs a fraction of calling the enum class, 50 times a page.
_CHANNELS = {c.value: c for c in Channel}
_KINDS = {k.value: k for k in StageKind}


def to_lead(row: Sequence[Any]) -> Lead:
    # By position: a row that starts with SUMMARY_COLUMNS, or a list page's SUMMARY unpacked, in this order
    # (the contract test test_a_lead_reads_back_the_same_by_id_by_list_and_by_search checks both).
    # Unpacking costs a fraction of 23 look-ups by name.
    (
        lead_id,
        contact_name,
        email,
        phone,
        company,
        service,
        message,
        source,
        site,
        form_id,
        external_id,
        extras,
        utm,
        status,
        assignee_id,
        created_at,
        updated_at,
        version,
        first_response_at,
        stage_reached,
        resubmissions,
        score,
        status_kind,
        campaign,
    ) = row[:_SUMMARY_WIDTH]
    return Lead(
        id=lead_id,
        contact_name=contact_name,
        email=email,
        phone=phone,
        company=company,
        service=service,
        message=message,
        source=_CHANNELS[source],
        site=site,
        form_id=form_id,
        external_id=external_id,
        extras=extras or {},  # a fresh dict from the JSON column: nothing else holds it
        utm=utm or {},
        status=status,
        assignee_id=assignee_id,
        created_at=created_at,
        updated_at=updated_at,
        version=version,
        first_response_at=first_response_at,
        stage_reached=stage_reached,
        resubmissions=resubmissions,
        score=score,
        status_kind=_KINDS.get(status_kind, StageKind.OPEN),
        campaign=campaign,
    )


def stored_lead(session: Session, lead_id: int) -> Lead | None:
    row = run(session, LEAD, {"lead_id": lead_id}).first()
    return None if row is None else to_lead(row)


def lead_with_history(session: Session, lead_id: int) -> Lead | None:
    """The lead read with its whole history, oldest entry first (of one moment, the first stored first)."""
    rows = run(session, _LEAD_WITH_HISTORY, {"lead_id": lead_id}).all()
    if not rows:
        return None
    lead = to_lead(rows[0])
    lead.history = [_to_entry(r) for r in rows if r.history_id is not None]
    return lead


def _to_entry(row: ResultRow[Any]) -> HistoryEntry:
    m = row._mapping
    return HistoryEntry(
        HistoryField(m["history_field"]),
        m["history_old"],
        m["history_new"],
        m["history_actor_id"],
        m["history_at"],
        id=m["history_id"],
        reason=m["history_reason"],
        actor_deleted=bool(m["history_actor_deleted"]),
    )
