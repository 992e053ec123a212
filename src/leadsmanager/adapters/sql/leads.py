"""The lead aggregate's repository over SQLAlchemy Core. It never commits: the unit of work does."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from typing import Any, cast

from sqlalchemy import CursorResult, bindparam, or_, select, union_all, update
from sqlalchemy.orm import Session
from sqlalchemy.sql.elements import BindParameter

from leadsmanager.adapters.sql.bulk_insert import Writes
from leadsmanager.adapters.sql.column_types import storable
from leadsmanager.adapters.sql.errors import run
from leadsmanager.adapters.sql.jobs import write_events_of
from leadsmanager.adapters.sql.lead_rows import (
    LEAD,
    SUMMARY_COLUMNS,
    insert_history,
    insert_joined_ids,
    insert_leads,
    insert_terms,
    lead_values,
    lead_with_history,
    replace_terms,
    stored_lead,
    terms_changing,
    to_lead,
)
from leadsmanager.adapters.sql.tables import joined_external_ids, leads
from leadsmanager.adapters.sql.views.report_projection import ReportProjection
from leadsmanager.application.ports import LeadRepository
from leadsmanager.domain.errors import Conflict, TransientConflict
from leadsmanager.domain.lead import Channel, Lead

# The statements every intake and read makes, built once: SQLAlchemy then finds each in its compiled
# cache without rebuilding and hashing it per call, which cost about as much as PyMySQL's own work.
# Both unique contact columns in one statement; the database's own comparison says which matched.
# A contact given as None compares as NULL, which matches nothing. Only the id: most intakes find
# nothing, and PyMySQL decodes every column's description even for an empty result.
_BY_EMAIL = leads.c.open_email == bindparam("email")
_OPEN_BY_CONTACT = (
    select(leads.c.id, _BY_EMAIL.label("by_email"))
    .where(or_(_BY_EMAIL, leads.c.open_phone == bindparam("phone")))
    .limit(2)
)
# A page's look-ups: each list of values is one expanding parameter, so that a page's hundred values
# are not each made into a bound parameter and hashed into a cache key, as `in_(values)` does.
# A lead's own external id, or that of a submission that joined it: one round trip either way.
_WANTED_IDS: BindParameter[str] = bindparam("external_ids", expanding=True)
_BY_EXTERNAL_IDS = union_all(
    select(leads.c.external_id, leads.c.id).where(
        leads.c.source == bindparam("source"), leads.c.external_id.in_(_WANTED_IDS)
    ),
    select(joined_external_ids.c.external_id, joined_external_ids.c.lead_id).where(
        joined_external_ids.c.source == bindparam("source"), joined_external_ids.c.external_id.in_(_WANTED_IDS)
    ),
)
_EMAILS = leads.c.open_email.in_(bindparam("emails", expanding=True))
_PHONES = leads.c.open_phone.in_(bindparam("phones", expanding=True))
# Not locked: a page's contacts would lock the gaps around a hundred emails and phones, blocking other
# intake. A page that joins a lead changed since is refused at its UPDATE (TransientConflict) instead.
_OPEN_BY_CONTACTS = {  # by whether emails, phones are given
    (True, False): select(*SUMMARY_COLUMNS).where(_EMAILS),
    (False, True): select(*SUMMARY_COLUMNS).where(_PHONES),
    (True, True): select(*SUMMARY_COLUMNS).where(or_(_EMAILS, _PHONES)),
}
# A single re-submission locks the lead it joins, by its primary key (FOR UPDATE; SQLite has one writer
# and no such clause): it reads the latest version, and another joining it at once waits for this one.
_LOCKED_LEAD = LEAD.with_for_update()
# The SET clause comes from the values given with each execution.
_SAVE = update(leads).where(leads.c.id == bindparam("saved_id"), leads.c.version == bindparam("read_version"))
# A re-submission: the lead's time, its count of re-submissions and the score they move.
# Checked against the version read, and a new version written: two re-submissions joining one lead at
# once, or a staff change saved from a read before one, would otherwise write over the other's count.
_TOUCH = (
    update(leads)
    .where(leads.c.id == bindparam("touched_id"), leads.c.version == bindparam("read_version"))
    .values(
        updated_at=bindparam("at"),
        resubmissions=bindparam("resubmissions"),
        score=bindparam("score"),
        version=bindparam("new_version"),
    )
)
_ADDED_MEANWHILE = "this lead was stored by another request at the same moment"
_TOUCHED_MEANWHILE = "a lead this re-submission joins was changed at the same moment; store it again"


class SqlLeadRepository(LeadRepository):
    def __init__(self, session: Session, projection: ReportProjection) -> None:
        self._session = session
        self._projection = projection  # told every lead read and written here

    def add(self, lead: Lead) -> None:
        # The page's plain multi-row INSERTs with one row each: less CPU than the same statements through
        # SQLAlchemy Core (figures: bench/README.md; test_lead_rows holds the two to the same rows).
        self._add_all([lead], duplicate=_ADDED_MEANWHILE)

    def store(self, new: Sequence[Lead], joined: Sequence[Lead] = ()) -> Lead | None:
        if len(new) == 1 and not joined:
            return self._add_or_find_open(new[0])
        if new:
            self._add_all(new, duplicate="one of these leads was stored by another request at the same moment")
        if joined:
            self._touch(joined)
            with Writes(self._session) as writes:
                self._write_changes(writes, joined)
        return None

    def _add_or_find_open(self, lead: Lead) -> Lead | None:
        """Inserts first, and looks for the open lead only when the open-contact unique keys refuse the row:
        a new person, the usual case, costs no SELECT. A refused INSERT undoes only itself, on both
        databases, and a lead that conflicts on something else is reported as `add` reports it."""
        if not (lead.is_open and (lead.email or lead.phone)):
            self.add(lead)
            return None
        try:
            self._insert_leads([lead], duplicate=_ADDED_MEANWHILE)
        except TransientConflict:
            found = self._open_by_contact(lead.email, lead.phone)
            if found is None:
                raise
            return found
        self._write_new([lead])
        return None

    def get(self, lead_id: int, *, with_history: bool = False) -> Lead | None:
        if not storable(lead_id):
            return None
        lead = lead_with_history(self._session, lead_id) if with_history else stored_lead(self._session, lead_id)
        return None if lead is None else self._read(lead)

    def save(self, lead: Lead) -> None:
        assert lead.id is not None
        self._projection.saving(lead.id)
        values = {**lead_values(lead), "version": lead.version + 1, "saved_id": lead.id, "read_version": lead.version}
        duplicate = "another open lead already has this contact's email or phone"
        result = cast(CursorResult[Any], run(self._session, _SAVE, values, on_duplicate=duplicate))
        if result.rowcount != 1:
            raise Conflict(f"lead {lead.id} was changed by someone else; reload it and try again")
        lead.version += 1
        searched_again = terms_changing(lead)
        with Writes(self._session) as writes:
            self._write_changes(writes, [lead])
            if searched_again:
                replace_terms(writes, lead)
            self._projection.saved(writes, lead)

    @staticmethod
    def _write_changes(writes: Writes, many: Sequence[Lead]) -> None:
        """The leads' history entries not stored yet, the events they recorded and the external ids of
        the submissions that joined them."""
        insert_history(writes, many)
        write_events_of(writes, many)
        insert_joined_ids(writes, many)

    def _touch(self, many: Sequence[Lead]) -> None:
        result = cast(CursorResult[Any], run(self._session, _TOUCH, [_touched(lead) for lead in many]))
        if result.rowcount != len(many):
            raise TransientConflict(_TOUCHED_MEANWHILE)
        for lead in many:
            lead.version += 1

    def _add_all(self, new: Sequence[Lead], *, duplicate: str) -> None:
        self._insert_leads(new, duplicate=duplicate)
        self._write_new(new)

    def _insert_leads(self, new: Sequence[Lead], *, duplicate: str) -> None:
        for lead in new:
            lead.version = 1
        insert_leads(self._session, new, on_duplicate=duplicate)

    def _write_new(self, new: Sequence[Lead]) -> None:
        """The rows a new lead needs its id for, after its own."""
        with Writes(self._session) as writes:
            self._write_changes(writes, new)
            insert_terms(writes, new)
            self._projection.added(writes, new)

    def _open_by_contact(self, email: str | None, phone: str | None) -> Lead | None:
        """The open lead with this email, else with this phone, locked so that joining it reads its latest version."""
        if not email and not phone:
            return None
        rows = run(self._session, _OPEN_BY_CONTACT, {"email": email or None, "phone": phone or None}).all()
        rows.sort(key=lambda r: not r.by_email)
        if not rows:
            return None
        row = run(self._session, _LOCKED_LEAD, {"lead_id": rows[0].id}).first()
        return None if row is None else self._read(to_lead(row))

    def find_by_external_ids(self, source: Channel, external_ids: Collection[str]) -> dict[str, int]:
        if not external_ids:
            return {}
        wanted = {"source": source.value, "external_ids": list(set(external_ids))}
        found: dict[str, int] = {}
        for external_id, lead_id in run(self._session, _BY_EXTERNAL_IDS, wanted):
            found.setdefault(external_id, lead_id)  # a lead's own id first, as the union lists it
        return found

    def find_open_by_contacts(self, emails: Collection[str], phones: Collection[str]) -> list[Lead]:
        if not emails and not phones:
            return []
        statement = _OPEN_BY_CONTACTS[bool(emails), bool(phones)]
        wanted = {"emails": list(set(emails)), "phones": list(set(phones))}
        return [self._read(to_lead(r)) for r in run(self._session, statement, wanted)]

    def _read(self, lead: Lead) -> Lead:
        self._projection.read(lead)
        return lead


def _touched(lead: Lead) -> dict[str, Any]:
    return {
        "touched_id": lead.id,
        "read_version": lead.version,
        "new_version": lead.version + 1,
        "at": lead.updated_at,
        "resubmissions": lead.resubmissions,
        "score": lead.score,
    }
