"""Importing a CSV file of leads on in-memory adapters: encodings, separators, dates, the intake rule, refused
rows with their numbers, a crash mid-file resumed exactly once, and a dry run that writes nothing."""

from __future__ import annotations

from zoneinfo import ZoneInfo

import pytest

from leadsmanager.adapters.memory.store import MemoryStore
from leadsmanager.adapters.memory.unit_of_work import MemoryUnitOfWork
from leadsmanager.application.imports import ImportCsv
from leadsmanager.application.imports.csv_file import shape
from leadsmanager.application.intake import SubmitLead
from leadsmanager.application.ports import UnitOfWork
from leadsmanager.application.queries import LeadQuery
from leadsmanager.domain.actor import Actor
from leadsmanager.domain.errors import Conflict, PermissionDenied, StorageError, ValidationError
from leadsmanager.domain.lead import Channel, Lead
from leadsmanager.domain.roles import Role
from tests.conftest import UowFactory, ViewsFactory
from tests.csv_files import csv_text, opener, source
from tests.support import FakeClock, new_lead, store

ADMIN = Actor.system()
ZONE = ZoneInfo("America/Argentina/Buenos_Aires")
HEADER = ["Nombre", "Correo", "Teléfono", "Empresa", "Fecha"]
MAP = {"Nombre": "name", "Correo": "email", "Teléfono": "phone", "Empresa": "company", "Fecha": "date"}


def people(count: int, start: int = 1) -> list[list[str]]:
    return [[f"Persona {n}", f"p{n}@example.com", "", f"Firma {n}", "15/01/2024"] for n in range(start, start + count)]


@pytest.fixture
def importer(memory_uow: UowFactory, clock: FakeClock) -> ImportCsv:
    return ImportCsv(
        SubmitLead(memory_uow, clock, phone_region="AR"), memory_uow, clock, phone_region="AR", zone=ZONE, batch_rows=3
    )


def imported(views: ViewsFactory) -> list[Lead]:
    with views() as v:
        return v.list(LeadQuery(source=Channel.IMPORT, oldest_first=True, limit=1000)).leads


def test_a_file_with_a_bom_and_semicolons_becomes_leads_dated_as_the_file_says(
    importer: ImportCsv, memory_views: ViewsFactory
) -> None:
    data = "\ufeff" + csv_text(
        [HEADER, ["Ana Paz", "ANA@example.com", "011 4444-5555", "Intralog", "15/01/2024 13:45"]], separator=";"
    )
    summary = importer(source(data.encode("utf-8"), MAP), by=ADMIN)
    assert (summary.counts.created, summary.counts.refused) == (1, 0)
    [lead] = imported(memory_views)
    assert (lead.contact_name, lead.email, lead.phone, lead.company) == (
        "Ana Paz",
        "ana@example.com",
        "+541144445555",
        "Intralog",
    )
    assert lead.created_at.isoformat() == "2024-01-15T16:45:00+00:00"  # 13:45 in Buenos Aires
    assert lead.source is Channel.IMPORT


def test_the_separator_is_sniffed_and_may_be_given() -> None:
    comma = csv_text([["a;b", "c"], ["1", "2"]]).encode()
    assert shape(opener(comma), "f.csv").separator == ","
    assert shape(opener(b"a;b;c\n1;2;3\n"), "f.csv").columns == ("a", "b", "c")
    assert shape(opener(b"a;b,c\n"), "f.csv", separator=",").columns == ("a;b", "c")


def test_a_value_with_line_breaks_inside_quotes_is_one_row_and_rows_keep_spreadsheet_numbers(
    importer: ImportCsv, memory_views: ViewsFactory
) -> None:
    rows = [HEADER, ["Ana", "ana@example.com", "", "", ""], ["Bea", "not-an-email", "", "", ""]]
    text = csv_text(rows[:2]) + '"Carla","carla@example.com","","Line one\nline two",""\r\n' + csv_text(rows[2:])
    refused: list[int] = []
    summary = importer(source(text, MAP), by=ADMIN, on_refused=lambda r: refused.append(r.row))
    assert summary.counts.created == 2
    assert refused == [4]  # header 1, Ana 2, Carla 3 (two lines), Bea 4
    assert [lead.company for lead in imported(memory_views)] == ["", "Line one line two"]


def test_excel_serial_dates_and_iso_dates_are_read(importer: ImportCsv, memory_views: ViewsFactory) -> None:
    rows = [HEADER, ["Ana", "ana@example.com", "", "", "45306.5"], ["Bea", "bea@example.com", "", "", "2024-01-15"]]
    importer(source(csv_text(rows), MAP), by=ADMIN)
    assert [lead.created_at.isoformat() for lead in imported(memory_views)] == [
        "2024-01-15T03:00:00+00:00",
        "2024-01-15T15:00:00+00:00",
    ]


def test_a_person_with_an_open_lead_is_merged_into_it(
    importer: ImportCsv, memory_uow: UowFactory, memory_views: ViewsFactory
) -> None:
    [existing] = store(memory_uow, new_lead(1, email="ana@example.com"))
    rows = [HEADER, ["Ana Paz", "Ana@Example.com", "", "Intralog", ""], ["Bea", "bea@example.com", "", "", ""]]
    summary = importer(source(csv_text(rows), MAP), by=ADMIN)
    assert (summary.counts.created, summary.counts.merged) == (1, 1)
    with memory_uow() as uow:
        lead = uow.leads.get(existing, with_history=True)
    assert lead is not None and lead.resubmissions == 1


def test_refused_rows_are_reported_with_their_numbers_values_and_reasons(importer: ImportCsv) -> None:
    rows = [
        HEADER,
        ["Ana", "ana@example.com", "", "", ""],
        ["", "", "", "", ""],  # blank: skipped, keeps its number
        ["Bea", "bea@", "", "", ""],
        ["Carla", "carla@example.com", "", "", "31/02/2024"],
        ["", "", "", "Nadie", ""],
        ["Dora", "dora@example.com", "", "", "", "one too many"],
    ]
    summary = importer(source(csv_text(rows), MAP), by=ADMIN)
    refusals = list(importer.refusals(summary.file_hash))
    assert [r.row for r in refusals] == [4, 5, 6, 7]
    assert refusals[0].values == ("Bea", "bea@", "", "", "")
    assert refusals[0].reason == "email: There must be something after the @-sign."
    assert "not a date" in refusals[1].reason
    assert "email address or a phone" in refusals[2].reason
    assert "6 values" in refusals[3].reason
    assert (summary.counts.created, summary.counts.refused) == (1, 4)
    assert dict(summary.reasons)["email: There must be something after the @-sign."] == 1
    assert summary.rows_of["email: There must be something after the @-sign."] == (4,)  # to find it in the file


def test_a_reason_names_its_first_five_rows(importer: ImportCsv) -> None:
    rows = [HEADER, *(["Bea", f"bea{n}@", "", "", ""] for n in range(7))]
    summary = importer(source(csv_text(rows), MAP), by=ADMIN, dry_run=True)
    assert summary.reasons == (("email: There must be something after the @-sign.", 7),)
    assert summary.rows_of == {"email: There must be something after the @-sign.": (2, 3, 4, 5, 6)}


def test_importing_the_same_file_again_creates_nothing(importer: ImportCsv, memory_views: ViewsFactory) -> None:
    data = csv_text([HEADER, *people(5)])
    importer(source(data, MAP), by=ADMIN)
    again = importer(source(data, MAP), by=ADMIN)
    assert again.finished_before is not None and again.counts.rows == 0
    # The same rows in another file (another order, a row more): the known ones are duplicates.
    other = importer(source(csv_text([HEADER, *people(6)[::-1]]), MAP), by=ADMIN)
    assert (other.counts.created, other.counts.duplicates) == (1, 5)
    assert len(imported(memory_views)) == 6


class CrashingUnitOfWork(MemoryUnitOfWork):
    commits_left = 10**9

    def commit(self) -> None:
        if CrashingUnitOfWork.commits_left == 0:
            raise StorageError("the database went away")
        CrashingUnitOfWork.commits_left -= 1
        super().commit()


def test_a_crash_mid_file_leaves_no_batch_half_stored_and_the_rerun_imports_the_rest_exactly_once(
    memory_store: MemoryStore, clock: FakeClock, memory_views: ViewsFactory
) -> None:
    def uow() -> UnitOfWork:
        return CrashingUnitOfWork(memory_store)

    importer = ImportCsv(
        SubmitLead(uow, clock, phone_region="AR"), uow, clock, phone_region="AR", zone=ZONE, batch_rows=3
    )
    data = csv_text([HEADER, *people(10), ["Bad", "bad@", "", "", ""]])
    CrashingUnitOfWork.commits_left = 2  # two batches of three rows are stored, the third fails
    with pytest.raises(StorageError):
        importer(source(data, MAP), by=ADMIN)
    assert [lead.contact_name for lead in imported(memory_views)] == [f"Persona {n}" for n in range(1, 7)]
    CrashingUnitOfWork.commits_left = 10**9
    with pytest.raises(Conflict, match="imported up to row 7 with another column map"):
        importer(source(data, {**MAP, "Empresa": "ignore"}), by=ADMIN)
    summary = importer(source(data, MAP), by=ADMIN)
    assert (summary.first_row, summary.counts.created, summary.counts.refused) == (8, 4, 1)
    assert (summary.total.created, summary.total.refused) == (10, 1)
    assert [lead.contact_name for lead in imported(memory_views)] == [f"Persona {n}" for n in range(1, 11)]
    assert [r.row for r in importer.refusals(summary.file_hash)] == [12]


def test_a_dry_run_counts_what_would_happen_and_writes_nothing(
    importer: ImportCsv, memory_uow: UowFactory, memory_views: ViewsFactory
) -> None:
    store(memory_uow, new_lead(1, email="p1@example.com"))
    rows = [HEADER, *people(4), ["Persona 2 again", "P2@example.com", "", "", ""], ["Bad", "bad@", "", "", ""]]
    data = csv_text(rows)
    summary = importer(source(data, MAP), by=ADMIN, dry_run=True)
    assert summary.dry_run
    assert (summary.counts.created, summary.counts.merged, summary.counts.refused) == (3, 2, 1)
    assert imported(memory_views) == []
    assert importer.stored(summary.file_hash) is None
    real = importer(source(data, MAP), by=ADMIN)
    assert (real.counts.created, real.counts.merged, real.counts.refused) == (3, 2, 1)


def test_unknown_fields_and_columns_and_files_that_are_not_csv_are_refused_clearly(importer: ImportCsv) -> None:
    data = csv_text([HEADER, *people(1)])
    with pytest.raises(ValidationError, match="unknown field 'telefono'"):
        importer(source(data, {"Teléfono": "telefono"}), by=ADMIN)
    with pytest.raises(ValidationError, match="no column 'Mail' in the file; its columns are: 'Nombre'"):
        importer(source(data, {"Mail": "email"}), by=ADMIN)
    with pytest.raises(ValidationError, match="is not a CSV file"):
        importer(source(b"PK\x03\x04\x14\x00\x06\x00binary", MAP), by=ADMIN)
    with pytest.raises(ValidationError, match="not a CSV file in UTF-8"):
        importer(source("Nombre;Correo\nJosé;j@example.com\n".encode("latin-1")), by=ADMIN)
    with pytest.raises(ValidationError, match="is empty"):
        importer(source(b""), by=ADMIN)


def test_only_admins_import(importer: ImportCsv) -> None:
    data = csv_text([HEADER, *people(5)])
    with pytest.raises(PermissionDenied):
        importer(source(data, MAP), by=Actor(1, Role.MANAGER, "M"), dry_run=True)


def test_columns_named_like_fields_fill_them_and_the_rest_become_extras(
    importer: ImportCsv, memory_views: ViewsFactory
) -> None:
    data = csv_text([["name", "Email", "Origen", "Notas"], ["Ana", "ana@example.com", "Google", "llamar"]])
    importer(source(data, {"Origen": "source"}), by=ADMIN)
    [lead] = imported(memory_views)
    assert (lead.contact_name, lead.email, lead.utm, lead.extras) == (
        "Ana", "ana@example.com", {"utm_source": "Google"}, {"Notas": "llamar"}
    )  # fmt: skip


def test_a_column_mapped_to_campaign_is_the_leads_campaign_trimmed_and_length_checked(
    importer: ImportCsv, memory_views: ViewsFactory
) -> None:
    rows = [
        ["Nombre", "Correo", "Campaña", "utm_campaign"],
        ["Ana", "ana@example.com", "  Expo   Logística 2025 ", "spring"],
        ["Bea", "bea@example.com", "", "spring"],  # utm_campaign is the visitor's tag, not the team's campaign
        ["Carla", "carla@example.com", "c" * 201, ""],
    ]
    summary = importer(source(csv_text(rows), {"Nombre": "name", "Correo": "email", "Campaña": "campaign"}), by=ADMIN)
    ana, bea = imported(memory_views)
    assert (ana.campaign, ana.utm, ana.extras.get("Campaña")) == (
        "Expo Logística 2025",
        {"utm_campaign": "spring"},
        None,
    )
    assert (bea.campaign, bea.utm) == (None, {"utm_campaign": "spring"})
    [refused] = importer.refusals(summary.file_hash)
    assert (refused.row, refused.reason) == (4, "campaign: too long: at most 200 characters")


def test_a_spanish_spreadsheets_headers_fill_the_fields_without_a_map(
    importer: ImportCsv, memory_views: ViewsFactory
) -> None:
    header = [
        "Nombre y Apellido",
        "CORREO ELECTRÓNICO",
        "Teléfono",
        "Razón social",
        "Empresa",
        "Campaña",
        "Fecha de alta",
    ]
    header += ["Comentario"]
    row = ["Ana Paz", "ana@example.com", "011 4444-5555", "Intralog SA", "Intralog", "Expo 2025", "15/01/2024", "Hola"]
    importer(source(csv_text([header, row], separator=";")), by=ADMIN)
    [lead] = imported(memory_views)
    assert (lead.contact_name, lead.email, lead.phone, lead.company, lead.campaign, lead.message) == (
        "Ana Paz", "ana@example.com", "+541144445555", "Intralog SA", "Expo 2025", "Hola"
    )  # fmt: skip
    assert lead.created_at.date().isoformat() == "2024-01-15"
    assert lead.extras == {"Empresa": "Intralog", "submitted_at": lead.created_at.isoformat()}  # one company


def test_a_file_whose_columns_reach_nobody_is_refused_before_it_is_marked_imported(
    importer: ImportCsv, memory_views: ViewsFactory
) -> None:
    data = csv_text([["Persona", "Mail personal"], ["Ana", "ana@example.com"]])
    with pytest.raises(ValidationError, match=r"no column fills the email or the phone.*'Persona', 'Mail personal'"):
        importer(source(data), by=ADMIN)
    summary = importer(source(data, {"Persona": "name", "Mail personal": "email"}), by=ADMIN)
    assert summary.counts.created == 1 and [lead.email for lead in imported(memory_views)] == ["ana@example.com"]
