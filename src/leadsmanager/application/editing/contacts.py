"""A corrected email or phone must not be another open lead's: that person already has their lead."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime

from leadsmanager.application.intake import HANDLED_BY_THE_TEAM
from leadsmanager.application.ports import UnitOfWork
from leadsmanager.domain.actor import Actor
from leadsmanager.domain.errors import ContactTaken
from leadsmanager.domain.lead import DETAILS, HistoryField, Lead

_CONTACTS = (HistoryField.EMAIL, HistoryField.PHONE)


def correct_details(
    uow: UnitOfWork, lead: Lead, details: Mapping[HistoryField, str], *, by: Actor, at: datetime
) -> None:
    """Correct the lead's details; ContactTaken when an open lead would share its email or phone with
    another, naming that lead to whoever may see it (an employee is told only that the team has it)."""
    if lead.is_open:
        taken = _taken(uow, lead, details)
        if taken:
            raise _refusal(taken, by)
    lead.correct(details, by=by, at=at)


def _taken(uow: UnitOfWork, lead: Lead, details: Mapping[HistoryField, str]) -> dict[str, Lead]:
    wanted = {name: details[name] for name in _CONTACTS if details.get(name)}
    if not wanted:
        return {}
    emails = [wanted[HistoryField.EMAIL]] if HistoryField.EMAIL in wanted else []
    phones = [wanted[HistoryField.PHONE]] if HistoryField.PHONE in wanted else []
    others = [x for x in uow.leads.find_open_by_contacts(emails, phones) if x.id != lead.id]
    found = {
        name.value: other
        for name, value in wanted.items()
        for other in others
        if getattr(other, DETAILS[name]) == value
    }
    return found


def _refusal(taken: Mapping[str, Lead], by: Actor) -> ContactTaken:
    if not all(by.can_see(other.assignee_id) for other in taken.values()):
        return ContactTaken(HANDLED_BY_THE_TEAM, {field: HANDLED_BY_THE_TEAM for field in taken})
    fields = {field: f"{_named(other)} is open with this {field}" for field, other in taken.items()}
    others = {field: (other.id, other.contact_name) for field, other in taken.items() if other.id is not None}
    return ContactTaken("another open lead has this contact: " + "; ".join(fields.values()), fields, others)


def _named(lead: Lead) -> str:
    return f"lead {lead.id} ({lead.contact_name})" if lead.contact_name else f"lead {lead.id}"
