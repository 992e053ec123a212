"""`leadsmanager sync` and `check` against a fake of INTRALOG's Custom Form API, configured with the lines
docs/form-sources.md gives for forms 3, 4 and 5: what imports, and each bad answer as one clear line that
leaves its form's cursor where it was while the other forms go on."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable, Iterator, Sequence
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from leadsmanager.entrypoints.cli import main
from tests.integration.fake_sources.intralog import Answer, FakeIntralog, entry
from tests.integration.fake_sources.site import PASSWORD, USERNAME, Reply, json_reply

Cli = Callable[..., Result]
DOCS = Path(__file__).resolve().parents[2] / "docs" / "form-sources.md"
SECONDS = re.compile(r" \(\d+\.\d s\)$")
SENT = datetime(2026, 3, 1, 9, 0, tzinfo=UTC)
COUNTS = "fetched {0}, created {0}, merged 0, duplicates 0, rejected 0"
REREAD = COUNTS + ", rechecked {1}"  # a run reads the ids behind the cursor again, and finds them imported


def documented_settings() -> dict[str, str]:
    """The `LEADSMANAGER_WORDPRESS_INTRALOG_*` lines of the docs' intralog-legacy example, as a shell reads them."""
    found = re.findall(r"^(LEADSMANAGER_WORDPRESS_(?:SITES|INTRALOG_\w+))=(.*)$", DOCS.read_text(), re.MULTILINE)
    ours = [(name, value) for name, value in found if "INTRALOG" in (name + value).upper()]
    return {name: value.removeprefix('"').removesuffix('"') for name, value in ours}


JOB_SEEKER = "Busco trabajo/ Ofrezco productos o servicios"


def form_3(n: int, message: str = "", services: Answer = ("Almacenamiento", "Cross-docking")) -> dict[str, object]:
    fields = [("Me interesa el servicio", services), ("Razón social", f"Empresa {n}"), ("E-mail", f"e{n}@example.com")]
    return entry(n, SENT + timedelta(minutes=n), [*fields, ("Telefono", ""), ("Mensaje", message)])


def form_4(n: int, message: str = "") -> dict[str, object]:
    fields: Sequence[tuple[str, Answer]] = [
        ("Razón Social o nombre de la empresa", f"Empresa {n}"),
        ("Correo electrónico", f"c{n}@example.com"),
        ("Teléfono", f"+54 9 11 5555-{n:04d}"),
        ("Completa tu mensaje", message),
        ("Nombre y Apellido", f"Persona {n}"),
        ("Cantidad de pedidos mensuales", "Más de 100"),
    ]
    return entry(n, SENT + timedelta(minutes=n), fields)


def form_5(n: int) -> dict[str, object]:
    fields = [("Correo electrónico empresarial", f"p{n}@example.com"), ("Contanos sobre tu proyecto", "Un depósito")]
    return entry(n, SENT + timedelta(minutes=n), [*fields, ("Nombre y Apellido", f"Proyecto {n}")])


@pytest.fixture
def site() -> Iterator[FakeIntralog]:
    with FakeIntralog() as fake:
        yield fake


@pytest.fixture
def cli(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, site: FakeIntralog) -> Cli:
    monkeypatch.chdir(tmp_path)  # no stray .env file
    env = documented_settings() | {
        "LEADSMANAGER_DATA_DIR": str(tmp_path / "data"),
        "LEADSMANAGER_DATABASE_URL": f"sqlite:///{tmp_path / 'cli.sqlite3'}",
        "LEADSMANAGER_WORDPRESS_INTRALOG_URL": site.url,
        "LEADSMANAGER_WORDPRESS_INTRALOG_USER": USERNAME,
        "LEADSMANAGER_WORDPRESS_INTRALOG_PASSWORD": PASSWORD,
    }

    def run(*args: str, **changes: str) -> Result:
        return CliRunner().invoke(main, list(args), env={**env, **changes})

    return run


def lines(result: Result) -> list[str]:
    return [SECONDS.sub("", line) for line in result.stdout.splitlines()]


def leads(cli: Cli, form_id: str) -> dict[str, dict[str, str]]:
    exported = cli("leads", "export", "--site", "intralog", "--form", form_id)
    assert exported.exit_code == 0, exported.output
    return {row["external_id"]: row for row in csv.DictReader(io.StringIO(exported.stdout))}


def test_the_documented_settings_are_the_issues_labels_for_forms_3_4_and_5() -> None:
    settings = documented_settings()
    assert settings["LEADSMANAGER_WORDPRESS_INTRALOG_KIND"] == "intralog-legacy"
    assert settings["LEADSMANAGER_WORDPRESS_INTRALOG_FORMS"] == "3,4,5"
    assert "4:Razón Social o nombre de la empresa=company" in settings["LEADSMANAGER_WORDPRESS_INTRALOG_FIELDS"]


def test_the_documented_mapping_imports_forms_3_4_and_5_with_one_listing_per_run_and_form(
    cli: Cli, site: FakeIntralog
) -> None:
    site.add("3", form_3(1, "Hola"))
    site.add("4", *(form_4(n) for n in range(1, 151)))  # two pages of the sync, one listing
    first = cli("sync")
    assert first.exit_code == 0, first.output
    assert lines(first) == [
        f"intralog/3: {COUNTS.format(1)}, cursor start -> 1",
        f"intralog/4: {COUNTS.format(150)}, cursor start -> 150",
        f"intralog/5: {COUNTS.format(0)}, cursor start -> start",  # the empty form's 404: no error
    ]
    assert site.listings == 2 and len(site.seen) == 3
    three = leads(cli, "3")["intralog/3/1"]
    assert (three["contact_name"], three["company"], three["email"]) == ("Empresa 1", "Empresa 1", "e1@example.com")
    assert (three["service"], three["message"]) == ("Almacenamiento, Cross-docking", "Hola")
    four = leads(cli, "4")["intralog/4/7"]
    assert (four["contact_name"], four["email"], four["phone"]) == ("Persona 7", "c7@example.com", "+5491155550007")
    site.add("5", form_5(1))
    again = cli("sync")
    assert lines(again)[:2] == [
        f"intralog/3: {REREAD.format(0, 1)}, cursor 1 -> 1",
        f"intralog/4: {REREAD.format(0, 100)}, cursor 150 -> 150",
    ]
    assert lines(again)[2] == f"intralog/5: {COUNTS.format(1)}, cursor start -> 1"
    assert leads(cli, "5")["intralog/5/1"]["email"] == "p1@example.com"
    assert len(site.seen) == 6  # each run asked for each form's listing once


def huge_listing() -> Reply:
    return json_reply(200, {"form_submissions": [{"id": "3", "Mensaje": "x" * 30_000_000}]})


@pytest.mark.parametrize(
    ("broken", "says"),
    [
        (huge_listing, "the response is larger than 20,000,000 bytes"),
        (
            lambda: Reply(200, b"<br />\n<b>Warning</b>: Undefined variable $x in custom-form-api.php"),
            "the response is not the Custom Form API's: the body is not valid JSON (an HTML page:",
        ),
        (
            lambda: json_reply(200, {"form_submissions": [form_4(3), {**form_4(4), "id": "4b"}]}),
            "the response is not the Custom Form API's: entry #2's id '4b' is not a number",
        ),
        (
            lambda: Reply(200, b'{"form_submissions": [{"id": "3", "Completa tu mensaje": "\xf1and\xfa"}]}'),
            "the response is not the Custom Form API's: the body is not UTF-8",
        ),
    ],
)
def test_a_form_whose_listing_breaks_is_one_clear_line_keeps_its_cursor_and_the_others_go_on(
    cli: Cli, site: FakeIntralog, broken: Callable[[], Reply], says: str
) -> None:
    site.add("3", form_3(1))
    site.add("4", form_4(1), form_4(2))
    assert cli("sync").exit_code == 0
    site.add("3", form_3(2))
    site.add("4", form_4(3))
    site.add("5", form_5(1))
    site.broken["4"] = broken()
    failed = cli("sync")
    assert failed.exit_code == 8
    assert lines(failed) == [
        f"intralog/3: {REREAD.format(1, 1)}, cursor 1 -> 2",
        lines(failed)[1],
        f"intralog/5: {COUNTS.format(1)}, cursor start -> 1",
    ]
    assert lines(failed)[1].startswith(f"intralog/4: failed: {says}")
    assert lines(failed)[1].endswith(f"({COUNTS.format(0)}, cursor 2 -> 2)")
    assert "intralog/4/3" not in leads(cli, "4")
    del site.broken["4"]
    mended = cli("sync", "--form", "4")
    assert lines(mended) == [f"intralog/4: {REREAD.format(1, 2)}, cursor 2 -> 3"]


@pytest.mark.parametrize(
    ("change", "says"),
    [
        ({"LEADSMANAGER_WORDPRESS_INTRALOG_PASSWORD": "wrong wrong wrong"}, "HTTP 401, incorrect_password"),
        ({}, "HTTP 403, rest_forbidden"),
    ],
)
def test_refused_credentials_fail_every_form_naming_the_fix_and_move_no_cursor(
    cli: Cli, site: FakeIntralog, change: dict[str, str], says: str
) -> None:
    site.add("4", form_4(1))
    site.capable = bool(change)  # the 403 case: right password, a user without edit_posts
    failed = cli("sync", **change)
    assert failed.exit_code == 8
    fix = f"the site refused our credentials ({says}): check the user and application password, and that the user"
    assert [line.split(": failed: ")[1][: len(fix)] for line in lines(failed)] == [fix] * 3
    assert all(line.endswith(f"({COUNTS.format(0)}, cursor start -> start)") for line in lines(failed))
    assert "wrong" not in failed.output and PASSWORD not in failed.output
    status = cli("sync", "--status", **change).stdout
    assert "edit posts (edit_posts)" in status


def test_a_missing_plugin_fails_every_form_saying_so(cli: Cli, site: FakeIntralog) -> None:
    site.add("4", form_4(1))
    site.active = False
    failed = cli("sync")
    assert failed.exit_code == 8
    says = "the site has no Custom Form API route (HTTP 404 rest_no_route): is the plugin installed and active?"
    assert lines(failed) == [
        f"intralog/{form}: failed: {says} ({COUNTS.format(0)}, cursor start -> start)" for form in "345"
    ]


def test_a_100k_character_message_is_stored_cut_to_the_leads_limit_saying_so(cli: Cli, site: FakeIntralog) -> None:
    site.add("4", form_4(1, "Cotización. " + "ñ" * 99_988))
    result = cli("sync", "--form", "4")
    assert lines(result) == [f"intralog/4: {COUNTS.format(1)}, cursor start -> 1"]
    message = leads(cli, "4")["intralog/4/1"]["message"]
    assert len(message) == 10_000
    assert message.startswith("Cotización. ññ")
    assert message.endswith("ñ\n[cut: the message had 100,000 characters]")


def test_an_entry_whose_id_goes_backwards_is_imported_and_the_cursor_never_moves_back(
    cli: Cli, site: FakeIntralog
) -> None:
    site.add("4", *(form_4(n) for n in (1, 2, 3, 10)))
    assert lines(cli("sync", "--form", "4")) == [f"intralog/4: {COUNTS.format(4)}, cursor start -> 10"]
    site.add("4", form_4(8))  # a row committed late, or restored: below the cursor
    again = cli("sync", "--form", "4")
    assert lines(again) == [f"intralog/4: {REREAD.format(1, 4)}, cursor 10 -> 10"]
    assert sorted(leads(cli, "4")) == [f"intralog/4/{n}" for n in (1, 10, 2, 3, 8)]


def test_check_reaches_the_site_with_the_kinds_own_request(cli: Cli, site: FakeIntralog) -> None:
    site.add("3", form_3(1))
    checked = cli("check")
    [line] = [line for line in checked.stdout.splitlines() if "wordpress:intralog" in line]
    assert line.split()[0] == "ok" and line.endswith("answers and accepts our credentials (form 3)")
    assert [(seen.form_id, seen.query, seen.authorised) for seen in site.seen] == [("3", {}, True)]
    site.capable = False
    [refused] = [line for line in cli("check").stdout.splitlines() if "wordpress:intralog" in line]
    assert refused.split()[0] == "FAIL" and "edit_posts" in refused


def test_form_3s_job_seekers_land_in_negativo_and_the_others_in_esperando_datos(cli: Cli, site: FakeIntralog) -> None:
    routes = documented_settings()["LEADSMANAGER_WORDPRESS_INTRALOG_ROUTES"]
    assert routes == f"3:Me interesa el servicio={JOB_SEEKER}=>negativo"
    assert cli("pipeline", "list").exit_code == 0  # the embedded database is migrated: its stages are known
    [before] = [line for line in cli("check").stdout.splitlines() if " routes" in line]
    assert before.split()[0] == "FAIL" and "form 3 routes to negativo, not a stage in use" in before
    applied = cli("pipeline", "apply", "intralog")
    assert applied.exit_code == 0, applied.output
    [after] = [line for line in cli("check").stdout.splitlines() if " routes" in line]
    assert after.split()[0] == "ok"
    site.add("3", form_3(1), form_3(2, services=[JOB_SEEKER]), form_3(3, services=["Almacenamiento", JOB_SEEKER]))
    synced = cli("sync", "--form", "3")
    assert lines(synced) == [f"intralog/3: {COUNTS.format(3)}, cursor start -> 3"]
    statuses = {external: row["status"] for external, row in leads(cli, "3").items()}
    assert statuses == {"intralog/3/1": "esperandoDatos", "intralog/3/2": "negativo", "intralog/3/3": "negativo"}
    shown = cli("leads", "show", leads(cli, "3")["intralog/3/2"]["id"])
    assert f'routed to negativo by the form\'s answer "{JOB_SEEKER}"' in shown.stdout
