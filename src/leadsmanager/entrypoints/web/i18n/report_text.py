"""The reports page's tables in the reader's language; the CLI and the CSV files keep the English."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import timedelta

from attrs import frozen

from leadsmanager.adapters.i18n.local_formats import LocalFormats
from leadsmanager.application.reports import UNASSIGNED
from leadsmanager.entrypoints.formats.lead_text import NO_CAMPAIGN
from leadsmanager.entrypoints.formats.report_tables import NONE, OVER, Cell
from leadsmanager.entrypoints.web.i18n.durations import Durations


def report_words(_: Callable[[str], str], pgettext: Callable[[str, str], str]) -> dict[str, str]:
    """Titles, headers and fixed cells of `entrypoints.formats.report_tables`, by their English text."""
    return {
        NO_CAMPAIGN: pgettext("campaign", "(none)"),
        "Funnel": _("Funnel"),
        "Leads and conversion by source": _("Leads and conversion by source"),
        "Leads and conversion by campaign": _("Leads and conversion by campaign"),
        "Leads by site and form": _("Leads by site and form"),
        "Leads by service": _("Leads by service"),
        "Team: leads and time to first response": _("Team: leads and time to first response"),
        "Leads by status now": _("Leads by status now"),
        "Stage": _("Stage"),
        "Leads": _("Leads"),
        "Of the leads that came in": _("Of the leads that came in"),
        "Source": _("Source"),
        "Spam": _("Spam"),
        "Won": _("Won"),
        "Conversion": _("Conversion"),
        "Site": _("Site"),
        "Form": _("Form"),
        "Service": _("Service"),
        "Campaign": _("Campaign"),
        "Status": _("Status"),
        "Rep": _("Rep"),
        "Open": _("Open"),
        "Lost": _("Lost"),
        "Waiting past follow-up": _("Waiting past follow-up"),
        "Answered": _("Answered"),
        "Median first response": _("Median first response"),
        "90th percentile": _("90th percentile"),
        "Everyone": _("Everyone"),
        UNASSIGNED: _("(unassigned)"),
        NONE: _("(none)"),
        OVER: _("over %(days)s days") % {"days": OVER.split()[1]},
    }


@frozen
class ReportText:
    words: dict[str, str]
    formats: LocalFormats
    durations: Durations
    sources: Mapping[str, str]  # a channel's name in the language, by its key

    def word(self, text: str) -> str:
        return self.words.get(text, text)

    def cell(self, cell: Cell, kind: str) -> str:
        """A cell as a person reads it, as `report_tables.shown` does in English."""
        if cell is None:
            return "—"
        number = self._number(cell, kind)
        if number is not None:
            return number
        text = str(cell)
        if kind == "campaign":
            return self.word(NO_CAMPAIGN) if cell == NONE else text
        if kind == "source":
            return self.sources.get(text, text)
        return self.word(text) if kind != "text" or cell in (NONE, "Everyone", UNASSIGNED) else text

    def _number(self, cell: Cell, kind: str) -> str | None:
        if kind == "count" and isinstance(cell, int):
            return self.formats.number(cell)
        if kind == "share" and isinstance(cell, float):
            return self.formats.percent(cell)
        if kind == "within" and isinstance(cell, timedelta):
            return f"≤ {self.durations.span(cell)}"
        return None
