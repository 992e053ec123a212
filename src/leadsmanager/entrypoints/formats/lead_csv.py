"""Leads as CSV rows, the same from the web page's export and from `leadsmanager leads export`."""

from __future__ import annotations

from leadsmanager.domain.lead import Channel, Lead
from leadsmanager.domain.status import LeadStatus
from leadsmanager.entrypoints.formats.spreadsheet import spreadsheet_cell

COLUMNS = (
    "id",
    "created_at",
    "status",
    "assignee_id",
    "source",
    "site",
    "form_id",
    "external_id",
    "contact_name",
    "email",
    "phone",
    "company",
    "service",
    "message",
    "campaign",
)


def lead_row(lead: Lead) -> list[str]:
    return [cell(getattr(lead, column)) for column in COLUMNS]


def cell(value: object) -> str:
    text = "" if value is None else str(value.value if isinstance(value, LeadStatus | Channel) else value)
    return spreadsheet_cell(text)
