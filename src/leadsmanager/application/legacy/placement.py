"""Where each converted legacy row goes: already imported, joined to an open lead, or a new lead."""

from __future__ import annotations

import enum
from collections.abc import Iterable, Sequence

from attrs import frozen

from leadsmanager.application.legacy.conversion import Converted
from leadsmanager.application.ports import LeadRepository
from leadsmanager.domain.actor import Actor
from leadsmanager.domain.lead import Channel, Lead
from leadsmanager.domain.pipeline import Pipeline

ALREADY_IMPORTED = "already imported"


class LeadOutcome(enum.StrEnum):
    CREATED = "created"
    MERGED = "merged"
    SKIPPED = "skipped"


@frozen
class Placed:
    outcome: LeadOutcome
    reason: str
    lead: Lead | None = None
    lead_id: int | None = None

    def plan(self) -> tuple[LeadOutcome, str, int | None]:
        return self.outcome, self.reason, self.lead.id if self.lead is not None else self.lead_id


class Placement:
    """What is known while rows are placed: stored external ids, open leads by contact, and what was
    placed here. A dry run keeps one for the whole run, so a later batch still meets an earlier one's leads."""

    def __init__(self, pipeline: Pipeline, open_leads: Iterable[Lead] = ()) -> None:
        self._pipeline = pipeline
        self._ids: dict[str, Lead | int] = {}
        self._by_email: dict[str, Lead] = {}
        self._by_phone: dict[str, Lead] = {}
        for lead in open_leads:
            self._hold(lead)
        self.new: list[Lead] = []
        self._joined: dict[int, Lead] = {}

    @property
    def joined(self) -> list[Lead]:
        return list(self._joined.values())

    def read(self, leads: LeadRepository, rows: Sequence[Converted]) -> None:
        self._ids |= leads.find_by_external_ids(Channel.WORDPRESS, [r.external_id for r in rows])
        emails = {r.submission.email for r in rows if r.submission.email}
        phones = {r.submission.phone for r in rows if r.submission.phone}
        for lead in leads.find_open_by_contacts(emails, phones):
            if not self._known(lead):
                self._hold(lead)

    def place_all(self, rows: Sequence[Converted]) -> list[Placed]:
        return [self._place(row) for row in rows]

    def _place(self, row: Converted) -> Placed:
        if (stored := self._ids.get(row.external_id)) is not None:
            lead = stored if isinstance(stored, Lead) else None
            return Placed(LeadOutcome.SKIPPED, ALREADY_IMPORTED, lead, stored if isinstance(stored, int) else None)
        existing, by = self._open_lead(row)
        if existing is not None:
            existing.record_resubmission(row.submission, at=row.at)
            if row.note:
                existing.add_note(row.note, by=Actor.system(), at=row.at)
            existing.collect_events()  # an import announces nothing
            if existing.id is not None:
                self._joined[existing.id] = existing
            self._ids[row.external_id] = existing
            return Placed(LeadOutcome.MERGED, f"same {by} as an open lead", existing)
        lead = Lead.imported(
            row.submission,
            status=row.status,
            history=row.history,
            pipeline=self._pipeline,
            at=row.at,
            assignee_id=row.assignee_id,
        )
        self.new.append(lead)
        self._ids[row.external_id] = lead
        if lead.is_open:
            self._hold(lead)
        return Placed(LeadOutcome.CREATED, "", lead)

    def _known(self, lead: Lead) -> bool:
        held = (self._by_email.get(lead.email or ""), self._by_phone.get(lead.phone or ""))
        return any(h is not None and h.id == lead.id for h in held)

    def _hold(self, lead: Lead) -> None:
        if lead.email:
            self._by_email[lead.email] = lead
        if lead.phone:
            self._by_phone[lead.phone] = lead

    def _open_lead(self, row: Converted) -> tuple[Lead | None, str]:
        email, phone = row.submission.email, row.submission.phone
        if email and (found := self._by_email.get(email)) is not None:
            return found, "email"
        if phone and (found := self._by_phone.get(phone)) is not None:
            return found, "phone"
        return None, ""
