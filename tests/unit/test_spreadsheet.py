"""CSV cells a spreadsheet opens: none starts a formula, whatever text a lead or a user name holds."""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime

from hypothesis import given
from hypothesis import strategies as st

from leadsmanager.domain.lead import Channel, Lead
from leadsmanager.domain.status import LeadStatus
from leadsmanager.entrypoints.formats.lead_csv import lead_row
from leadsmanager.entrypoints.formats.report_tables import Cell, Column, Table, as_csv
from leadsmanager.entrypoints.formats.spreadsheet import E164_PHONE, FORMULA_STARTS, spreadsheet_cell

# Text that often starts with a formula character, phones, and any text at all.
phones = st.from_regex(r"\A\+[0-9]{6,15}\Z")
texts = st.one_of(st.text(), st.tuples(st.sampled_from(FORMULA_STARTS), st.text()).map("".join), phones)


def runs_as_formula(cell: str) -> bool:
    """A plus and digits alone is a phone number, not a formula."""
    return cell.startswith(FORMULA_STARTS) and not E164_PHONE.fullmatch(cell)


@given(texts)
def test_no_escaped_cell_starts_a_formula(text: str) -> None:
    cell = spreadsheet_cell(text)
    assert not runs_as_formula(cell)
    assert cell in (text, "'" + text)  # only a leading quote is ever added
    assert (cell == text) == (not runs_as_formula(text))


@given(phones)
def test_a_phone_in_e164_form_is_shown_as_it_is(phone: str) -> None:
    assert spreadsheet_cell(phone) == phone


def test_anything_more_than_a_phone_is_still_quoted() -> None:
    for text in ("+12025550143+1", "+1202 555 0143", "+12345", "+1234567890123456", "+١٢٣٤٥٦٧٨", "+1234567\n=1"):
        assert spreadsheet_cell(text) == "'" + text


@given(st.lists(st.tuples(texts, texts, st.integers(min_value=0)), max_size=5))
def test_no_report_csv_cell_starts_a_formula(rows: list[tuple[Cell, ...]]) -> None:
    table = Table("sites", "Leads by site and form", (Column("Site"), Column("Form"), Column("Leads", "count")), rows)
    cells = [cell for row in csv.reader(io.StringIO(as_csv(table), newline="")) for cell in row]
    assert not any(runs_as_formula(cell) for cell in cells)


@given(texts, texts)
def test_no_lead_export_cell_starts_a_formula(name: str, service: str) -> None:
    now = datetime(2026, 3, 1, tzinfo=UTC)
    lead = Lead(name, None, None, "", service, "", Channel.API, "", "", None, {}, {}, LeadStatus.NEW, None, now, now)
    assert not any(runs_as_formula(cell) for cell in lead_row(lead))
