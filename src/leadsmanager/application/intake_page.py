"""Many public submissions in one transaction, each with the outcome it would get if submitted alone, in order.

A page reads what it needs in two queries (the stored external ids, the open leads with any of its
contacts), decides every submission in memory, then writes the new leads in a few multi-row statements.
Submissions earlier in the page count as stored for later ones: a person writing twice in one page
gets one lead, and the second submission joins it.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime

from leadsmanager.application.ports import UnitOfWork
from leadsmanager.domain.lead import Channel, Lead, Submission

Placed = tuple[Lead | int, str]  # the lead (or a stored lead's id) and the outcome's name
ExternalKey = tuple[Channel, str]


class PageOfSubmissions:
    """What one page knows while it is stored: stored leads and those it creates, by external id and contact."""

    def __init__(self, known: dict[ExternalKey, int], open_leads: list[Lead]) -> None:
        self._known = known
        self._created: dict[ExternalKey, Lead] = {}  # leads this page created or joined, by external id
        self._by_email = {lead.email: lead for lead in open_leads if lead.email}
        self._by_phone = {lead.phone: lead for lead in open_leads if lead.phone}
        self.new: list[Lead] = []
        self.joined: dict[int, Lead] = {}  # stored leads that got a re-submission, by id

    @classmethod
    def read(cls, uow: UnitOfWork, submissions: Sequence[Submission]) -> PageOfSubmissions:
        known: dict[ExternalKey, int] = {}
        for channel in {s.channel for s in submissions if s.external_id}:
            wanted = [s.external_id for s in submissions if s.channel == channel and s.external_id]
            known |= {(channel, e): i for e, i in uow.leads.find_by_external_ids(channel, wanted).items()}
        emails = {s.email for s in submissions if s.email}
        phones = {s.phone for s in submissions if s.phone}
        return cls(known, uow.leads.find_open_by_contacts(emails, phones) if emails or phones else [])

    def place(self, submission: Submission, now: Callable[[], datetime]) -> Placed:
        """Decide as SubmitLead does for one submission: a known external id, then an open contact, else new."""
        key = (submission.channel, submission.external_id) if submission.external_id else None
        if key is not None and (stored := self._known.get(key) or self._created.get(key)) is not None:
            return stored, "duplicate"
        at = now()
        existing = self._open_lead(submission)
        if existing is not None:
            existing.record_resubmission(submission, at=at)
            if existing.id is not None:
                self.joined[existing.id] = existing
            if key is not None:
                self._created[key] = existing  # a second delivery later in the page is a duplicate
            return existing, "merged"
        lead = Lead.from_submission(submission, at=at)
        self.new.append(lead)
        if key is not None:
            self._created[key] = lead
        if lead.email:
            self._by_email[lead.email] = lead
        if lead.phone:
            self._by_phone[lead.phone] = lead
        return lead, "created"

    def write(self, uow: UnitOfWork) -> None:
        """New leads first, with the history of any re-submission they got; then the stored leads joined."""
        uow.leads.add_many(self.new)
        uow.leads.append_history_of(list(self.joined.values()))

    def _open_lead(self, submission: Submission) -> Lead | None:
        by_email = self._by_email.get(submission.email) if submission.email else None
        if by_email is not None:
            return by_email
        return self._by_phone.get(submission.phone) if submission.phone else None
