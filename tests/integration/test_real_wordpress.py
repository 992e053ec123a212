"""Our WordPress plugin in a real WordPress: form plugins' hooks record submissions, `leadsmanager sync`
imports them through the plugin's REST endpoint, and the signed push reaches a running LeadsManager.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from click.testing import CliRunner, Result
from sqlalchemy import select, text

from leadsmanager.adapters.sql.engine import make_engine
from leadsmanager.adapters.sql.tables import leads
from leadsmanager.entrypoints.cli import main
from tests.integration.real_wordpress import TABLE, RealWordPress, real_wordpress
from tests.integration.test_serve_process import Served, clean_env, leadsmanager
from tests.processes import wait_for

pytestmark = pytest.mark.mariadb

ELEMENTOR_FORM = "elementor-a1b2c3d"
SECRET = "a webhook secret shared by the site and LeadsManager"
SECONDS = re.compile(r" \(\d+\.\d s\)$")


@pytest.fixture(scope="module")
def wordpress(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RealWordPress]:
    yield from real_wordpress(tmp_path_factory.mktemp("wordpress"))


def site_env(wordpress: RealWordPress, database: Path, *forms: str, password: str = "") -> dict[str, str]:
    cf7 = f"cf7-{wordpress.setup['cf7_form']}"
    mapping = {
        "frm-4": [
            *("Nombre y Apellido=name", "Correo electrónico=email", "Teléfono=phone"),
            *("Razón Social o nombre de la empresa=company", "Completa tu mensaje=message"),
        ],
        "gf-2": ["Name=name", "Email=email", "Phone=phone"],
        cf7: ["your-name=name", "your-email=email", "your-message=message"],
        ELEMENTOR_FORM: ["Nombre=name", "Email=email", "Mensaje=message"],
        "cf7-900": ["your-name=name", "your-email=email"],
        "cf7-800": ["your-email=email", "your-message=message"],
    }
    chosen = forms or ("frm-4", "gf-2", cf7, ELEMENTOR_FORM)
    return {
        "LEADSMANAGER_DATABASE_URL": f"sqlite:///{database}",
        "LEADSMANAGER_WORDPRESS_SITES": "blog",
        "LEADSMANAGER_WORDPRESS_BLOG_KIND": "leadsmanager",
        "LEADSMANAGER_WORDPRESS_BLOG_URL": wordpress.url,
        "LEADSMANAGER_WORDPRESS_BLOG_USER": "leadsmanager-sync",
        "LEADSMANAGER_WORDPRESS_BLOG_PASSWORD": password or wordpress.passwords["sync"],
        "LEADSMANAGER_WORDPRESS_BLOG_FORMS": ",".join(chosen),
        "LEADSMANAGER_WORDPRESS_BLOG_FIELDS": ",".join(f"{f}:{m}" for f in chosen for m in mapping[f]),
    }


def sync(env: dict[str, str], *args: str) -> Result:
    return CliRunner().invoke(main, ["sync", "--quiet", *args], env=env)


def lines(result: Result) -> list[str]:
    return [SECONDS.sub("", line) for line in result.stdout.splitlines()]


def stored_leads(database: Path) -> dict[str, dict[str, Any]]:
    """The leads LeadsManager keeps, by email."""
    engine = make_engine(f"sqlite:///{database}")
    columns = (leads.c.contact_name, leads.c.email, leads.c.phone, leads.c.company, leads.c.message, leads.c.form_id)
    with engine.connect() as connection:
        rows = connection.execute(select(*columns, leads.c.extras, leads.c.utm)).mappings().all()
    engine.dispose()
    return {row["email"]: dict(row) for row in rows}


def submit_one_of_each(wordpress: RealWordPress) -> None:
    frm = wordpress.setup["frm_fields"]
    wordpress.submit(
        "formidable",
        {
            "form_id": 4,
            "metas": {
                frm["nombre"]: "Lucía Pérez",
                frm["empresa"]: "Logística Sur SA",
                frm["correo"]: "lucia@example.com",
                frm["telefono"]: "+54 11 5555 0101",
                frm["servicios"]: ["Almacenamiento", "Cross-docking"],
                frm["mensaje"]: "Necesitamos cotización",
                frm["clave"]: "never leaves the site",
            },
        },
    )
    wordpress.submit("formidable", {"form_id": 4, "draft": True, "metas": {frm["correo"]: "draft@example.com"}})
    form = {
        "id": 2,
        "fields": [
            {"id": 1, "type": "name", "label": "Name", "inputs": [{"id": "1.3", "label": "First"}, {"id": "1.6"}]},
            {"id": 2, "type": "email", "label": "Email"},
            {"id": 3, "type": "phone", "label": "Phone"},
            {"id": 4, "type": "multiselect", "label": "Services"},
            {"id": 5, "type": "checkbox", "label": "Budget", "inputs": [{"id": "5.1"}, {"id": "5.2"}, {"id": "5.3"}]},
            {"id": 6, "type": "text", "label": "Email"},
            {"id": 7, "type": "password", "label": "Password"},
        ],
    }
    entry = {"id": "31", "form_id": "2", "status": "active", "1.3": "Bo", "1.6": "Lindqvist", "2": "bo@example.com"}
    entry |= {"3": "+1 202 555 0143", "4": '["SEO","Ads"]', "5.1": "small", "5.3": "large", "6": "b@example.org"}
    entry |= {"7": "hunter2"}
    wordpress.submit("gravityforms", {"form": form, "entry": entry})
    wordpress.submit("gravityforms", {"form": form, "entry": entry})  # another plugin fires the hook again
    wordpress.submit("gravityforms", {"form": form, "entry": entry | {"id": "32", "status": "spam", "2": "spam@x.io"}})
    cf7 = wordpress.setup["cf7_form"]
    posted = {"your-name": "Ana García", "your-email": "ana@example.com", "services": ["web", "seo"]}
    posted |= {"utm_source": "google", "your-message": "Call me"}
    wordpress.submit("cf7", {"form": cf7, "posted": posted})
    wordpress.submit("cf7", {"form": cf7, "posted": posted | {"your-email": "aborted@example.com"}, "abort": True})
    wordpress.submit("cf7", {"form": cf7, "posted": posted | {"your-email": "nostore@x.io"}, "do_not_store": True})
    fields = {
        "name": {"id": "name", "type": "text", "title": "Nombre", "value": "Chen Wei"},
        "email": {"id": "email", "type": "email", "title": "Email", "value": "chen@example.com"},
        "message": {"id": "message", "type": "textarea", "title": "Mensaje", "value": "Hola"},
        "field_1": {"id": "field_1", "type": "checkbox", "title": "Intereses", "value": "A, B"},
        "field_2": {"id": "field_2", "type": "honeypot", "title": "", "value": "bot"},
    }
    wordpress.submit("elementor", {"settings": {"id": "a1b2c3d", "form_name": "Contacto"}, "fields": fields})


def test_submissions_of_each_form_plugin_become_leads_through_the_real_endpoint(
    wordpress: RealWordPress, tmp_path: Path
) -> None:
    submit_one_of_each(wordpress)
    env = site_env(wordpress, tmp_path / "leads.sqlite3")
    cf7 = f"cf7-{wordpress.setup['cf7_form']}"
    held = httpx.get(
        f"{wordpress.url}/wp-json/leadsmanager/v1/forms/{cf7}/submissions",
        auth=("leadsmanager-sync", wordpress.passwords["sync"]),
        timeout=30,
    )
    assert held.json() == {"submissions": [], "has_more": False}, "a submission seconds old is served already"
    wordpress.let_settle()

    first = sync(env)
    assert first.exit_code == 0, first.output
    assert [line.split(", cursor")[0] for line in lines(first)] == [
        f"blog/{form}: fetched 1, created 1, merged 0, duplicates 0, rejected 0"
        for form in ("frm-4", "gf-2", cf7, ELEMENTOR_FORM)
    ]
    stored = stored_leads(tmp_path / "leads.sqlite3")
    assert set(stored) == {"lucia@example.com", "bo@example.com", "ana@example.com", "chen@example.com"}
    lucia, bo, ana, chen = (stored[f"{name}@example.com"] for name in ("lucia", "bo", "ana", "chen"))
    assert (lucia["contact_name"], lucia["company"]) == ("Lucía Pérez", "Logística Sur SA")
    assert lucia["phone"] == "+541155550101"
    assert lucia["message"] == "Necesitamos cotización"
    assert lucia["extras"]["Servicios"] == "Almacenamiento, Cross-docking"
    assert (bo["contact_name"], bo["phone"], bo["form_id"]) == ("Bo Lindqvist", "+12025550143", "gf-2")
    assert (bo["extras"]["Services"], bo["extras"]["Budget"], bo["extras"]["Email (6)"]) == (
        "SEO, Ads",
        "small, large",
        "b@example.org",
    )
    assert (ana["contact_name"], ana["message"], ana["extras"]["services"]) == ("Ana García", "Call me", "web, seo")
    assert ana["utm"] == {"utm_source": "google"}
    assert (chen["contact_name"], chen["message"], chen["extras"]["Intereses"]) == ("Chen Wei", "Hola", "A, B")
    every_value = repr(stored)
    assert "never leaves the site" not in every_value and "hunter2" not in every_value and "bot" not in every_value

    again = sync(env)
    assert again.exit_code == 0, again.output
    assert all(", created 0, " in line for line in lines(again)), again.output
    assert len(stored_leads(tmp_path / "leads.sqlite3")) == 4


def test_the_endpoint_wants_the_application_password_and_the_capability(
    wordpress: RealWordPress, tmp_path: Path
) -> None:
    endpoint = f"{wordpress.url}/wp-json/leadsmanager/v1/forms/frm-4/submissions"
    logins = {"sync": "leadsmanager-sync", "editor": "editor", "admin": "admin"}

    def get(url: str, user: str = "", **params: str) -> httpx.Response:
        auth = (logins[user], wordpress.passwords[user]) if user else None
        return httpx.get(url, params=params, auth=auth, timeout=30)

    anonymous, editor = get(endpoint), get(endpoint, "editor")
    assert (anonymous.status_code, anonymous.json()["code"]) == (401, "rest_forbidden")
    assert (editor.status_code, editor.json()["code"]) == (403, "rest_forbidden")
    assert get(endpoint, "admin").status_code == 200  # administrators get the capability on activation
    for missing in ("frm-99", "gf-5", "typo-4"):
        answer = get(endpoint.replace("frm-4", missing), "sync")
        assert (answer.status_code, answer.json()["code"]) == (404, "leadsmanager_unknown_form")
    assert get(endpoint, "sync", per_page="101").json()["code"] == "rest_invalid_param"
    assert get(endpoint, "sync", after_id="99999").json() == {"submissions": [], "has_more": False}

    refused = sync(site_env(wordpress, tmp_path / "leads.sqlite3", password="wrong password here"))
    assert refused.exit_code == 8
    assert "blog/frm-4: failed: the site refused our credentials (HTTP 401" in refused.stdout
    assert "wrong password" not in refused.output


def test_pages_follow_the_cursor_in_id_order(wordpress: RealWordPress) -> None:
    for n in range(5):
        wordpress.submit("cf7", {"form": 700, "posted": {"your-email": f"page{n}@example.com"}})
    wordpress.let_settle()
    auth = ("leadsmanager-sync", wordpress.passwords["sync"])
    seen: list[str] = []
    after, more = "0", True
    while more:
        url = f"{wordpress.url}/wp-json/leadsmanager/v1/forms/cf7-700/submissions"
        page = httpx.get(url, params={"after_id": after, "per_page": "2"}, auth=auth, timeout=30).json()
        assert len(page["submissions"]) <= 2
        seen += [s["fields"]["your-email"] for s in page["submissions"]]
        more = page["has_more"]
        after = page["submissions"][-1]["id"] if page["submissions"] else after
        assert all(re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", s["created_at"]) for s in page["submissions"])
    assert seen == [f"page{n}@example.com" for n in range(5)]


@pytest.fixture
def served_leadsmanager(tmp_path: Path, wordpress: RealWordPress) -> Iterator[tuple[Served, dict[str, str]]]:
    """LeadsManager serving, taking the site's pushes for form cf7-900, and the environment of a CLI that also
    reads the site. The server knows the site as push-only (no URL): its scheduler's own sync, two seconds after
    start, would otherwise race the test's sync for the same submissions."""
    env = clean_env(tmp_path, **site_env(wordpress, tmp_path / "serve.sqlite3", "cf7-900"))
    env["LEADSMANAGER_WORDPRESS_BLOG_WEBHOOK_SECRET"] = SECRET
    (tmp_path / "data").mkdir()
    leadsmanager(env, "db", "upgrade")
    push_only = {
        k: v
        for k, v in env.items()
        if not k.startswith(
            (
                "LEADSMANAGER_WORDPRESS_BLOG_URL",
                "LEADSMANAGER_WORDPRESS_BLOG_USER",
                "LEADSMANAGER_WORDPRESS_BLOG_PASSWORD",
            )
        )
    }
    server = Served(push_only)
    yield server, env
    server.stop()
    wordpress.cli("push-settings", {})


def test_the_signed_push_reaches_a_running_leadsmanager_and_the_sync_then_adds_nothing(
    wordpress: RealWordPress, served_leadsmanager: tuple[Served, dict[str, str]]
) -> None:
    server, env = served_leadsmanager
    wordpress.cli("push-settings", {"url": server.url, "site": "blog", "secret": SECRET})
    wordpress.submit("cf7", {"form": 900, "posted": {"your-name": "Pia Push", "your-email": "pia@example.com"}})
    wait_for(lambda: any("Pia Push" in line for line in leadsmanager(env, "leads", "list")), "the pushed lead")
    status = wordpress.cli("state")["push_status"]
    assert status["ok"] is True and status["detail"].endswith(": HTTP 201"), status

    wordpress.cli("push-settings", {"url": server.url, "site": "blog", "secret": "not the secret at all, sorry"})
    wordpress.submit("cf7", {"form": 900, "posted": {"your-name": "Rex Refused", "your-email": "rex@example.com"}})
    status = wordpress.cli("state")["push_status"]
    assert status["ok"] is False and status["detail"].endswith(": HTTP 401"), status

    wordpress.let_settle()
    polled = sync(env, "--form", "cf7-900")
    assert polled.exit_code == 0, polled.output
    assert lines(polled)[0].startswith("blog/cf7-900: fetched 2, created 1, merged 0, duplicates 1"), polled.output
    listed = "\n".join(leadsmanager(env, "leads", "list"))
    assert listed.count("Pia Push") == 1 and "Rex Refused" in listed


def test_uninstalling_drops_the_table_the_options_the_capability_and_the_role(wordpress: RealWordPress) -> None:
    wordpress.cli("push-settings", {"url": "https://leads.example.com", "site": "blog", "secret": SECRET})
    before = wordpress.cli("state")
    assert before["table"] == "wp_leadsmanager_submissions" and before["role"] and before["admin_can"]
    assert "leadsmanager_forms_push" in before["options"]
    wordpress.cli("uninstall")
    after = wordpress.cli("state")
    assert (after["table"], after["options"], after["role"], after["admin_can"]) == (None, [], False, False)

    assert wordpress.cli("activate") == {"error": None}  # and it comes back, empty, on activation
    again = wordpress.cli("state")
    assert again["table"] == "wp_leadsmanager_submissions" and again["role"] and again["admin_can"]


def test_a_huge_value_is_cut_and_a_page_stays_under_what_the_sync_accepts(
    wordpress: RealWordPress, tmp_path: Path
) -> None:
    wordpress.submit("cf7", {"form": 800, "posted": {"your-email": "big@example.com", "your-message": "x" * 100_000}})
    rows = [
        {"email": f"bulk{n}@example.com", **{f"answer {k}": f"{n}{k}" * 5_000 for k in range(6)}} for n in range(99)
    ]
    with wordpress.engine().begin() as connection:  # as the plugin stores them: 60,000 characters each
        connection.execute(
            text(f"INSERT INTO {TABLE} (form_id, source, created_at, fields) VALUES ('cf7-800', 'cf7', :at, :fields)"),
            [{"at": "2026-01-01 00:00:00", "fields": json.dumps({"your-email": r.pop("email"), **r})} for r in rows],
        )
    wordpress.let_settle()
    auth = ("leadsmanager-sync", wordpress.passwords["sync"])
    url = f"{wordpress.url}/wp-json/leadsmanager/v1/forms/cf7-800/submissions"
    page = httpx.get(url, params={"per_page": "100"}, auth=auth, timeout=30)
    assert len(page.content) < 4_100_000 and page.json()["has_more"] is True
    assert len(page.json()["submissions"][0]["fields"]["your-message"]) == 10_000

    imported = sync(site_env(wordpress, tmp_path / "leads.sqlite3", "cf7-800"))
    assert imported.exit_code == 0, imported.output
    assert lines(imported)[0].startswith("blog/cf7-800: fetched 100, created 100, "), imported.output
    assert stored_leads(tmp_path / "leads.sqlite3")["big@example.com"]["message"] == "x" * 10_000


def test_the_plugin_caused_no_php_notice_warning_or_error(wordpress: RealWordPress) -> None:
    assert wordpress.problems_logged() == []
