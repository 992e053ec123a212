"""`leadsmanager sync` and `sync --discover` against fake Gravity Forms and Formidable sites on loopback,
configured only through the environment."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from leadsmanager.entrypoints.cli import main
from tests.integration.fake_sources.formidable import FakeFormidable, FrmField
from tests.integration.fake_sources.gravityforms import KEY, SECRET, FakeGravityForms, GfField
from tests.integration.fake_sources.site import PASSWORD, USERNAME
from tests.integration.fake_wordpress import Fault

Cli = Callable[..., Result]
SECONDS = re.compile(r" \(\d+\.\d s\)$")


@pytest.fixture
def gravity() -> Iterator[FakeGravityForms]:
    with FakeGravityForms() as fake:
        fake.add_form(
            1,
            "Contact",
            GfField(1, "Name", "name", (("1.2", "Prefix"), ("1.3", "First"), ("1.6", "Last")), hidden=("1.2",)),
            GfField(2, "Email", "email"),
            GfField(3, "Company"),
            GfField(4, "Notes", "textarea"),
            GfField(5, "Page", "html"),
        )
        fake.add_form(2, "Newsletter", GfField(1, "email", "email"))
        yield fake


@pytest.fixture
def formidable() -> Iterator[FakeFormidable]:
    with FakeFormidable() as fake:
        fake.add_form(
            4,
            "contacto",
            "Contacto",
            FrmField("nombre", "Nombre y Apellido"),
            FrmField("x7k2p", "Correo electrónico", "email"),
            FrmField("seccion", "Datos", "divider"),
        )
        fake.add_form(6, "contacto-filas", "Contacto filas", FrmField("fila", "Fila"), parent=4)
        yield fake


@pytest.fixture
def cli(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, gravity: FakeGravityForms, formidable: FakeFormidable) -> Cli:
    monkeypatch.chdir(tmp_path)  # no stray .env file
    env = {
        "LEADSMANAGER_DATABASE_URL": f"sqlite:///{tmp_path / 'cli.sqlite3'}",
        "LEADSMANAGER_WORDPRESS_SITES": "gf,frm,plugin",
        "LEADSMANAGER_WORDPRESS_GF_KIND": "gravityforms",
        "LEADSMANAGER_WORDPRESS_GF_URL": gravity.url,
        "LEADSMANAGER_WORDPRESS_GF_USER": KEY,
        "LEADSMANAGER_WORDPRESS_GF_PASSWORD": SECRET,
        "LEADSMANAGER_WORDPRESS_GF_FORMS": "1,2,9",
        "LEADSMANAGER_WORDPRESS_GF_FIELDS": "1:1.3=name,1:Name (Last)=name,1:Email=email,1:Phone=phone,1:3=company",
        "LEADSMANAGER_WORDPRESS_FRM_KIND": "formidable",
        "LEADSMANAGER_WORDPRESS_FRM_URL": formidable.url,
        "LEADSMANAGER_WORDPRESS_FRM_USER": USERNAME,
        "LEADSMANAGER_WORDPRESS_FRM_PASSWORD": PASSWORD,
        "LEADSMANAGER_WORDPRESS_FRM_FORMS": "contacto",
        "LEADSMANAGER_WORDPRESS_FRM_FIELDS": "contacto:nombre=name,contacto:x7k2p=email",
        "LEADSMANAGER_WORDPRESS_PLUGIN_URL": "https://plugin.example.com",
        "LEADSMANAGER_WORDPRESS_PLUGIN_USER": USERNAME,
        "LEADSMANAGER_WORDPRESS_PLUGIN_PASSWORD": PASSWORD,
        "LEADSMANAGER_WORDPRESS_PLUGIN_FORMS": "contact",
    }

    def run(*args: str, **changes: str) -> Result:
        return CliRunner().invoke(main, list(args), env={**env, **changes})

    return run


def lines(result: Result) -> list[str]:
    return [SECONDS.sub("", line) for line in result.stdout.splitlines()]


def test_discover_lists_a_gravity_forms_sites_forms_fields_and_mapping(cli: Cli, gravity: FakeGravityForms) -> None:
    gravity.add(1, {"1.3": "Ana", "2": "ana@example.com"})
    found = cli("sync", "--discover", "--site", "gf")
    assert found.exit_code == 0, found.output
    assert found.stdout.splitlines() == [
        "gf: 2 forms; each field's key, then its label, then the lead field it fills",
        "form 1 'Contact': 1 entries, synced",
        "  1\tName\t(no value of its own: map its inputs, below)",
        "  1.3\tName (First)\t-> name",
        "  1.6\tName (Last)\t-> name",
        "  2\tEmail\t-> email",
        "  3\tCompany\t-> company",
        "  4\tNotes",
        "  ! the mapping names 'Phone', which no field of this form is",
        "form 2 'Newsletter': 0 entries, synced",
        "  1\temail\t-> email",
        "form 9: configured, but the site lists no such form",
        "map fields as LEADSMANAGER_WORDPRESS_GF_FIELDS=<form>:<key or label>=<lead field>,… "
        "(name, email, phone, company, service, message)",
    ]


def test_discover_lists_formidables_forms_by_key_without_repeater_forms(cli: Cli) -> None:
    found = cli("sync", "--discover", "--site", "frm")
    assert found.exit_code == 0, found.output
    assert found.stdout.splitlines()[1:5] == [
        "form 4 'Contacto': key contacto, synced",
        "  nombre\tNombre y Apellido\t-> name",
        "  x7k2p\tCorreo electrónico\t-> email",
        "map fields as LEADSMANAGER_WORDPRESS_FRM_FIELDS=<form>:<key or label>=<lead field>,… "
        "(name, email, phone, company, service, message)",
    ]


def test_discover_says_why_a_kind_cannot_list_its_forms(cli: Cli) -> None:
    refused = cli("sync", "--discover", "--site", "plugin")
    assert refused.exit_code == 3
    assert refused.stderr.startswith("error: site 'plugin' (leadsmanager) cannot list its forms: the LeadsManager")
    assert cli("sync", "--discover", "--site", "nope").exit_code == 4
    assert "--discover needs --site" in cli("sync", "--discover").stderr


def test_discover_names_the_fix_when_the_site_refuses(cli: Cli, gravity: FakeGravityForms) -> None:
    gravity.can_edit_forms = False
    refused = cli("sync", "--discover", "--site", "gf")
    assert refused.exit_code == 8
    assert refused.stderr.startswith("error: site 'gf': the user may not read this: give it the gravityforms_")


def test_sync_imports_both_kinds_mapped_and_a_second_run_finds_nothing_new(
    cli: Cli, gravity: FakeGravityForms, formidable: FakeFormidable
) -> None:
    gravity.add(1, {"1.3": "Ana", "1.6": "Pérez", "2": "ana@example.com", "3": "Acme", "4": "Call me"})
    formidable.add(4, {"nombre": "Beto Ruiz", "x7k2p": "beto@example.com"})
    first = cli("sync", "--site", "gf", LEADSMANAGER_WORDPRESS_SITES="gf,frm")
    second = cli("sync", "--site", "frm", LEADSMANAGER_WORDPRESS_SITES="gf,frm")
    assert first.exit_code == 0 and second.exit_code == 0, first.output + second.output
    assert lines(first)[0] == "gf/1: fetched 1, created 1, merged 0, duplicates 0, rejected 0, cursor start -> 1"
    assert lines(second) == [
        "frm/contacto: fetched 1, created 1, merged 0, duplicates 0, rejected 0, cursor start -> 1"
    ]
    listed = cli("leads", "list", "--source", "wordpress").stdout
    assert "Ana Pérez" in listed and "ana@example.com" in listed and "Beto Ruiz" in listed
    again = cli("sync", LEADSMANAGER_WORDPRESS_SITES="gf,frm")
    assert [line.split(", cursor")[0].split("rejected 0")[0] for line in lines(again)] == [
        "gf/1: fetched 0, created 0, merged 0, duplicates 0, ",
        "gf/2: fetched 0, created 0, merged 0, duplicates 0, ",
        "gf/9: fetched 0, created 0, merged 0, duplicates 0, ",
        "frm/contacto: fetched 0, created 0, merged 0, duplicates 0, ",
    ]


def test_a_form_whose_reply_breaks_keeps_its_cursor_and_the_others_go_on(
    cli: Cli, gravity: FakeGravityForms, formidable: FakeFormidable
) -> None:
    gravity.add(1, {"1.3": "Ana", "2": "ana@example.com"})
    formidable.add(4, {"nombre": "Beto", "x7k2p": "beto@example.com"})
    gravity.fail_next(Fault(status=200, body=b'{"total_count": 1, "entries": [{"id": "1", "2": "\xff"}]}'))
    failed = cli("sync", LEADSMANAGER_WORDPRESS_SITES="gf,frm")
    assert failed.exit_code == 8
    assert lines(failed)[0] == (
        "gf/1: failed: the response is not Gravity Forms' REST API's: the body is not UTF-8 "
        "(fetched 0, created 0, merged 0, duplicates 0, rejected 0, cursor start -> start)"
    )
    assert lines(failed)[3].startswith("frm/contacto: fetched 1, created 1")
    retried = cli("sync", "--site", "gf", "--form", "1", LEADSMANAGER_WORDPRESS_SITES="gf,frm")
    assert lines(retried) == ["gf/1: fetched 1, created 1, merged 0, duplicates 0, rejected 0, cursor start -> 1"]


def gf_body(*entries: str) -> bytes:
    return b'{"total_count": %d, "entries": [%s]}' % (len(entries), ", ".join(entries).encode())


def frm_body(*entries: str) -> bytes:
    return b"{%s}" % ", ".join(entries).encode()


BROKEN = {
    "gf": [
        (gf_body('"' + "x" * 30_000_000 + '"'), "the response is larger than 20,000,000 bytes"),
        (b"<br /><b>Fatal error</b>: Allowed memory size exhausted", "the body is not valid JSON"),
        (gf_body('{"id": "2x", "date_created": "2026-03-01 09:00:00"}'), "entry #1: 'id' is missing or not a decimal"),
        (b'{"total_count": 1, "entries": [{"id": "2", "2": "\xe9"}]}', "the body is not UTF-8"),
        (
            gf_body(
                '{"id": "3", "date_created": "2026-03-01 09:00:00"}',
                '{"id": "2", "date_created": "2026-03-01 09:00:00"}',
            ),
            "entry ids must ascend after the start; 2 does not",  # the run rereads behind its cursor, from the start
        ),
    ],
    "frm": [
        (frm_body('"k": "' + "x" * 30_000_000 + '"'), "the response is larger than 20,000,000 bytes"),
        (b"<html>Error establishing a database connection</html>", "the body is not valid JSON"),
        (
            frm_body('"k2": {"id": "dos", "item_key": "k2", "meta": {}, "created_at": "2026-03-01 09:00:00"}'),
            "entry 'k2': 'id' is missing or not a decimal number",
        ),
        (b'{"k2": {"id": "2", "meta": {"x7k2p": "\xe9"}}}', "the body is not UTF-8"),
        (
            frm_body(
                *(f'"k{n}": {{"id": "{n}", "meta": {{}}, "created_at": "2026-03-01 09:00:00"}}' for n in (5, 7, 6))
            ),
            "ids must descend; page 1 goes back up to 7 after 5",
        ),
    ],
}


@pytest.mark.parametrize(
    ("name", "body", "says"),
    [(name, body, says) for name, cases in BROKEN.items() for body, says in cases],
    ids=[f"{name}-{says[:30]}" for name, cases in BROKEN.items() for _, says in cases],
)
def test_each_broken_reply_is_one_clear_line_that_keeps_the_forms_cursor_while_the_others_go_on(
    cli: Cli, gravity: FakeGravityForms, formidable: FakeFormidable, name: str, body: bytes, says: str
) -> None:
    gravity.add(1, {"1.3": "Ana", "2": "ana@example.com"})
    formidable.add(4, {"nombre": "Beto", "x7k2p": "beto@example.com"})
    sites = "gf,frm" if name == "gf" else "frm,gf"  # the broken reply answers the run's first request
    assert cli("sync", LEADSMANAGER_WORDPRESS_SITES=sites).exit_code == 0
    gravity.add(1, {"1.3": "Carla", "2": "carla@example.com"})
    formidable.add(4, {"nombre": "Dani", "x7k2p": "dani@example.com"})
    (gravity if name == "gf" else formidable).fail_next(Fault(status=200, body=body))
    failed = cli("sync", LEADSMANAGER_WORDPRESS_SITES=sites)
    assert failed.exit_code == 8
    form = "gf/1" if name == "gf" else "frm/contacto"
    [broken] = [line for line in lines(failed) if line.startswith(f"{form}: ")]
    assert says in broken and broken.startswith(f"{form}: failed: the response ")
    assert broken.endswith("(fetched 0, created 0, merged 0, duplicates 0, rejected 0, cursor 1 -> 1)")
    [other] = [line for line in lines(failed) if line.startswith("frm/contacto: " if name == "gf" else "gf/1: ")]
    assert other.startswith("frm/contacto: fetched 1, created 1" if name == "gf" else "gf/1: fetched 1, created 1")
    again = cli("sync", LEADSMANAGER_WORDPRESS_SITES=sites)
    [mended] = [line for line in lines(again) if line.startswith(f"{form}: ")]
    assert mended.startswith(f"{form}: fetched 1, created 1") and mended.endswith("cursor 1 -> 2")
