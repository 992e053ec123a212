"""A dry run's verdicts: what intake would make of each row, read from what is stored, writing nothing.

It follows the intake rule (application/intake/rule.py): a row whose external id is stored, or came
earlier in the file, is a duplicate; one whose email or phone an open lead has, or a row counted as a
new lead earlier in the file, would join it; any other would be a new lead.
"""

from __future__ import annotations

from collections.abc import Sequence

from leadsmanager.application.intake import Outcome
from leadsmanager.application.ports import UnitOfWork
from leadsmanager.domain.lead import Channel, Submission


class DryRun:
    """The contacts and ids of the rows seen so far: one of each per row, not the rows."""

    def __init__(self) -> None:
        self._ids: set[str] = set()
        self._emails: set[str] = set()
        self._phones: set[str] = set()

    def outcomes(self, uow: UnitOfWork, submissions: Sequence[Submission]) -> list[Outcome]:
        ids = [s.external_id for s in submissions if s.external_id]
        stored = set(uow.leads.find_by_external_ids(Channel.IMPORT, ids)) if ids else set()
        emails = {s.email for s in submissions if s.email}
        phones = {s.phone for s in submissions if s.phone}
        found = uow.leads.find_open_by_contacts(emails, phones) if emails or phones else []
        open_emails = {lead.email for lead in found if lead.email}
        open_phones = {lead.phone for lead in found if lead.phone}
        return [self._outcome(s, stored, open_emails, open_phones) for s in submissions]

    def _outcome(self, s: Submission, stored: set[str], emails: set[str], phones: set[str]) -> Outcome:
        if s.external_id and (s.external_id in stored or s.external_id in self._ids):
            return Outcome.DUPLICATE
        if s.external_id:
            self._ids.add(s.external_id)
        if (s.email and (s.email in emails or s.email in self._emails)) or (
            s.phone and (s.phone in phones or s.phone in self._phones)
        ):
            return Outcome.MERGED
        if s.email:
            self._emails.add(s.email)
        if s.phone:
            self._phones.add(s.phone)
        return Outcome.CREATED
