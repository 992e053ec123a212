"""The lists' days are the deployment's: leads that came at 22:23 in Buenos Aires (01:23 UTC the next day) is
found on its local day on the list page, in its CSV export and through the API, as the reports count it."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from starlette.testclient import TestClient

from leadsmanager.application.imports.columns import ColumnMap
from leadsmanager.application.intake import LeadForm
from leadsmanager.application.intake.normalisation import normalise_phone
from leadsmanager.domain.actor import Actor
from leadsmanager.domain.lead import Channel
from leadsmanager.entrypoints.bootstrap.container import Container
from tests.support import FakeClock
from tests.web.conftest import Staff, deployment, web_settings
from tests.web.test_languages import choose_language

LATE_EVENING = datetime(2026, 12, 7, 1, 23, tzinfo=UTC)  # 6 December, 22:23 in Buenos Aires


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock(LATE_EVENING)


@pytest.fixture
def container(tmp_path: Path, clock: FakeClock) -> Iterator[Container]:
    yield from deployment(web_settings(tmp_path, time_zone="America/Argentina/Buenos_Aires"), clock)


@pytest.fixture
def late_lead(container: Container) -> int:
    container.submit_lead()(LeadForm(Channel.API, name="Pablo Tel", phone="+5491145678901"))
    return container.submit_lead()(LeadForm(Channel.API, name="Lucía Late", email="lucia@example.com")).lead_id


def page_lists_lucia(manager: TestClient, days: str) -> bool:
    page = manager.get(f"/leads?{days}")
    assert page.status_code == 200, page.text
    return "Lucía Late" in page.text


def export_names(manager: TestClient, days: str) -> list[str]:
    rows = csv.DictReader(io.StringIO(manager.get(f"/leads/export.csv?{days}").text.lstrip("\ufeff")))
    return [row["contact_name"] for row in rows]


def api_ids(client: TestClient, keys: dict[str, dict[str, str]], days: str) -> set[int]:
    response = client.get(f"/api/v1/leads?{days}", headers=keys["read"])
    assert response.status_code == 200, response.text
    return {lead["id"] for lead in response.json()["items"]}


def test_a_late_evening_lead_is_listed_on_its_local_day_not_the_utc_one(
    late_lead: int, as_role: Callable[[str], TestClient], client: TestClient, keys: dict[str, dict[str, str]]
) -> None:
    manager = as_role("manager")
    its_day, next_day = "from=2026-12-06&to=2026-12-06", "from=2026-12-07&to=2026-12-07"
    assert page_lists_lucia(manager, its_day)
    assert not page_lists_lucia(manager, next_day)
    assert sorted(export_names(manager, its_day)) == ["Lead 0", "Lead 1", "Lead 2", "Lucía Late", "Pablo Tel"]
    assert export_names(manager, next_day) == []
    assert late_lead in api_ids(client, keys, its_day)
    assert api_ids(client, keys, "from=2026-12-07") == set()
    assert late_lead in api_ids(client, keys, "to=2026-12-06")
    assert api_ids(client, keys, "to=2026-12-05") == set()


def test_the_sheet_export_reads_in_spanish_for_a_spanish_excel_and_the_csv_import_reads_it_back(
    late_lead: int, as_role: Callable[[str], TestClient], staff: Staff, container: Container
) -> None:
    container.assign_lead()(late_lead, staff.ids["employee"], by=Actor.system())
    manager = as_role("manager")
    choose_language(manager, "es")
    body = manager.get("/leads/sheet.csv?q=lucia").content.decode("utf-8-sig")
    [header, row] = list(csv.reader(io.StringIO(body), delimiter=";"))
    assert header[:8] == ["#", "Llegó (America/Argentina/Buenos_Aires)", "Estado", "Responsable", "Origen", "Sitio",
                          "Formulario", "Nombre"]  # fmt: skip
    assert row[:5] == [str(late_lead), "06/12/2026 22:23", "nuevo", "Employee", "API"]
    assert row[header.index("Email")] == "lucia@example.com"
    # A phone is written grouped, as text (bare E.164 would be a number to Excel and lose its +), behind the
    # quote that keeps a cell starting with + from being run as a formula; the import reads it back.
    pablo = manager.get("/leads/sheet.csv?q=pablo").text.lstrip("\ufeff")
    [other] = list(csv.reader(io.StringIO(pablo), delimiter=";"))[1:]
    phone = other[header.index("Teléfono")]
    assert (phone, other[header.index("Responsable")]) == ("'+54 9 11 4567-8901", "nadie")
    assert normalise_phone(phone, region="AR") == "+5491145678901"
    # What a Spanish spreadsheet gives back fills the fields again (the date read in the same zone).
    again = ColumnMap.of(tuple(header), {})
    assert [again.fields[h] for h in ("Nombre", "Email", "Teléfono", "Empresa", "Mensaje", "Campaña")] == [
        "name", "email", "phone", "company", "message", "campaign"
    ]  # fmt: skip


def test_the_sheet_export_in_english_splits_on_commas_and_the_data_export_keeps_keys(
    late_lead: int, as_role: Callable[[str], TestClient]
) -> None:
    manager = as_role("manager")
    sheet = manager.get("/leads/sheet.csv?q=lucia")
    assert 'filename="leads-sheet.csv"' in sheet.headers["content-disposition"]  # not over the data export's file
    [header, row] = list(csv.reader(io.StringIO(sheet.text.lstrip("\ufeff"))))
    assert header[1:4] == ["Arrived (America/Argentina/Buenos_Aires)", "Status", "Assignee"]
    assert row[1:4] == ["2026-12-06 22:23", "new", "nobody"]
    [data] = list(csv.DictReader(io.StringIO(manager.get("/leads/export.csv?q=lucia").text.lstrip("\ufeff"))))
    assert (data["status"], data["created_at"][:17]) == ("new", "2026-12-07 01:23:")  # in UTC
    assert data["created_at"].endswith("+00:00")
