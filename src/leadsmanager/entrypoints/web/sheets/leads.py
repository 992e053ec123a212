"""The leads list for a spreadsheet, in the reader's language: the columns named in it, the stage and the
source in its words, the owner by name, times in the deployment's zone as the CSV import reads them back,
and the separator the language's spreadsheets split on (a Spanish Excel splits on `;`). The data export
(`/leads/export.csv`, `leadsmanager leads export`) keeps keys, ids and UTC for other programs."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping

from attrs import frozen

from leadsmanager.adapters.i18n.local_formats import LocalFormats
from leadsmanager.application.queries import LeadPage
from leadsmanager.domain.lead import Lead
from leadsmanager.entrypoints.formats.spreadsheet import spreadsheet_cell
from leadsmanager.entrypoints.web.filters import phone_text

SEPARATORS = {"es": ";"}  # the list separator of the language's spreadsheets; "," otherwise


@frozen
class LeadSheet:
    formats: LocalFormats  # the reader's language and the deployment's zone
    gettext: Callable[[str], str]
    stage: Callable[[str], str]  # a stage key's label in the language
    sources: Mapping[str, str]  # a channel's name in the language

    @property
    def separator(self) -> str:
        return SEPARATORS.get(self.formats.language, ",")

    def header(self) -> list[str]:
        _ = self.gettext
        arrived = _("Arrived (%(zone)s)") % {"zone": self.formats.zone.key}
        named = (_("Status"), _("Assignee"), _("Source"), _("Site"), _("Form"), _("Name"), _("Email"), _("Phone"))
        return ["#", arrived, *named, _("Company"), _("Service"), _("Message"), _("Campaign"), _("Score")]

    def rows(self, pages: Iterable[LeadPage]) -> Iterator[list[list[str]]]:
        """One batch of rows per page of leads."""
        nobody = self.gettext("nobody")
        for page in pages:
            yield [self._row(lead, page.owners, nobody) for lead in page.leads]

    def _row(self, lead: Lead, owners: dict[int, str], nobody: str) -> list[str]:
        local = lead.created_at.astimezone(self.formats.zone)
        arrived = f"{self.formats.day(local.date())} {local:%H:%M}"
        owner = owners.get(lead.assignee_id, f"#{lead.assignee_id}") if lead.assignee_id is not None else nobody
        # Grouped, a phone is text to a spreadsheet: bare E.164 would be read as a number and lose its +.
        phone = phone_text(lead.phone) if lead.phone else ""
        cells = (
            *(str(lead.id), arrived, self.stage(lead.status), owner, self.sources.get(lead.source, lead.source.value)),
            *(lead.site or "", lead.form_id or "", lead.contact_name, lead.email or "", phone),
            *(lead.company, lead.service, lead.message, lead.campaign or "", str(lead.score)),
        )
        return [spreadsheet_cell(c) for c in cells]
