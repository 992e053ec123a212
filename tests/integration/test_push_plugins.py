"""`leadsmanager serve` taking form plugins' webhooks over real HTTP, configured from the environment.

Each request is the one the plugin sends (tests/push_plugins.py); the leads are read back through the
API; and the server's whole output, its request log included, never holds the push token.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests import push_plugins as plugin
from tests.integration.test_serve_process import Served, clean_env, leadsmanager
from tests.push_plugins import PluginRequest

TOKEN = "q9Lx-4vTz_Bm2Rk7Wn0Yc5Hs8Jd"
SITES = {
    # Gravity Forms: form 1's name is inputs 1.3 and 1.6, the email field 2, the phone 3.
    "GF": {"FORMS": "1", "FIELDS": "1:1.3=name,1:1.6=name,1:2=email,1:3=phone,1:5=message", "ID_KEY": "id"},
    # Contact Form 7, form 123, with Flamingo's serial number as the id.
    "CF7": {"FORMS": "123", "FIELDS": "123:your-name=name,123:your-email=email", "ID_KEY": "_serial_number"},
    # Formidable, form 5: fields by key; the API add-on's default JSON names the entry id item_id.
    "FRM": {"FORMS": "5", "FIELDS": "5:qh4icy=company,5:29yf4d=email,5:kz2a8w=phone", "ID_KEY": "item_id"},
    # Elementor: a form mapped by its labels.
    "EL": {"FORMS": "3f2a1b7", "FIELDS": "3f2a1b7:Nombre=name,3f2a1b7:Correo electrónico=email"},
}


@contextmanager
def serving_pushes(tmp_path: Path) -> Iterator[tuple[Served, Path, dict[str, str]]]:
    """The server, where its output goes, and the headers of an API key that reads leads."""
    settings = {"LEADSMANAGER_WORDPRESS_SITES": ",".join(SITES).lower(), "LEADSMANAGER_LOG_FORMAT": "json"}
    for site, values in SITES.items():
        settings |= {f"LEADSMANAGER_WORDPRESS_{site}_{k}": v for k, v in {**values, "TOKEN": TOKEN}.items()}
    env = clean_env(tmp_path, **settings)
    (tmp_path / "data").mkdir()
    leadsmanager(env, "db", "upgrade")
    reader = leadsmanager(env, "api-keys", "create", "reader", "--scope", "leads:read")[1]
    log = tmp_path / "serve.log"
    with log.open("wb") as output:
        served = Served(env, output=output)
        try:
            yield served, log, {"Authorization": f"Bearer {reader}"}
        finally:
            served.stop()


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Served, Path, dict[str, str]]]:
    with serving_pushes(tmp_path_factory.mktemp("push")) as served:
        yield served


def post(served: Served, request: PluginRequest) -> httpx.Response:
    return httpx.post(served.url + request.path, content=request.body, headers=request.headers, timeout=30)


def lead(server: tuple[Served, Path, dict[str, str]], lead_id: int) -> dict[str, Any]:
    served, _, reader = server
    found: dict[str, Any] = httpx.get(f"{served.url}/api/v1/leads/{lead_id}", headers=reader, timeout=30).json()
    return found


def test_gravity_forms_webhooks_add_on(server: tuple[Served, Path, dict[str, str]]) -> None:
    served, _, _ = server
    values = {"1.3": "Ana", "1.6": "Ruiz", "2": "ana@example.com", "3": "+1 212 555 0100", "5": "Necesito un depósito"}
    request = plugin.gravity_forms(
        "gf", "1", plugin.gravity_entry("42", **values), {"Authorization": f"Bearer {TOKEN}"}
    )
    first, again = post(served, request), post(served, request)
    assert (first.status_code, first.json()["outcome"]) == (200, "created")
    assert again.json() == {"outcome": "duplicate", "lead_id": first.json()["lead_id"]}
    made = lead(server, first.json()["lead_id"])
    assert (made["name"], made["email"], made["phone"], made["message"]) == (
        "Ana Ruiz",
        "ana@example.com",
        "+12125550100",
        "Necesito un depósito",
    )
    assert (made["source"], made["site"], made["form_id"], made["external_id"]) == ("wordpress", "gf", "1", "gf/1/42")


def test_cf7_to_webhook(server: tuple[Served, Path, dict[str, str]]) -> None:
    served, _, _ = server
    data = {
        "_serial_number": "17",
        "your-name": "Wanda Press",
        "your-email": "wanda@example.com",
        "servicios": ["Almacenamiento", "Cross-docking"],
    }
    response = post(served, plugin.cf7_to_webhook("cf7", "123", data, f"X-LeadsManager-Token: {TOKEN}"))
    assert response.status_code == 200
    made = lead(server, response.json()["lead_id"])
    assert (made["name"], made["external_id"]) == ("Wanda Press", "cf7/123/17")
    assert made["extras"]["servicios"] == "Almacenamiento, Cross-docking"


def test_formidable_send_api_data_with_the_token_as_basic_user(server: tuple[Served, Path, dict[str, str]]) -> None:
    served, _, _ = server
    test = post(served, plugin.formidable_test_connection("frm", "5", TOKEN))
    assert test.status_code == 200 and test.json()["success"] is True
    data = {
        "item_id": "88",
        "key": "x7k2p",
        "form_id": 5,
        "qh4icy": "Intralog SA",
        "29yf4d": "compras@intralog.example",
    }
    response = post(served, plugin.formidable("frm", "5", data, TOKEN))
    assert response.status_code == 200
    made = lead(server, response.json()["lead_id"])
    assert (made["company"], made["email"], made["external_id"]) == (
        "Intralog SA",
        "compras@intralog.example",
        "frm/5/88",
    )


@pytest.mark.parametrize("advanced", [False, True], ids=["simple", "advanced data"])
def test_elementor_webhook_action(server: tuple[Served, Path, dict[str, str]], advanced: bool) -> None:
    served, _, _ = server
    when = {"date": "December 6, 2026", "time": "2:03 pm" if advanced else "2:04 pm"}
    email = f"{'adv' if advanced else 'simple'}@example.com"
    if advanced:
        fields = [
            plugin.elementor_field("name", "Nombre", "Eva Mora"),
            plugin.elementor_field("email", "Correo electrónico", email),
        ]
        form = plugin.elementor_advanced("3f2a1b7", fields, **when)
    else:
        form = plugin.elementor_simple("3f2a1b7", {"Nombre": "Eva Mora", "Correo electrónico": email}, **when)
    first, again = post(served, plugin.elementor("el", TOKEN, form)), post(served, plugin.elementor("el", TOKEN, form))
    assert first.status_code == again.status_code == 200
    assert again.json() == {"outcome": "duplicate", "lead_id": first.json()["lead_id"]}
    made = lead(server, first.json()["lead_id"])
    assert (made["name"], made["email"], made["form_id"]) == ("Eva Mora", email, "3f2a1b7")


def test_a_wrong_token_is_refused_in_every_form_it_can_take(server: tuple[Served, Path, dict[str, str]]) -> None:
    served, _, _ = server
    entry = plugin.gravity_entry("43", **{"2": "nobody@example.com"})
    wrong = "w" * 30
    assert post(served, plugin.gravity_forms("gf", "1", entry, {"Authorization": f"Bearer {wrong}"})).status_code == 401
    assert post(served, plugin.formidable("frm", "5", {"29yf4d": "nobody@example.com"}, wrong)).status_code == 401
    form = plugin.elementor_simple("3f2a1b7", {"Correo electrónico": "nobody@example.com"}, date="d", time="t")
    assert post(served, plugin.elementor("el", wrong, form)).status_code == 401


def test_the_server_output_never_holds_the_token(tmp_path: Path) -> None:
    with serving_pushes(tmp_path) as (served, log, _):
        form = plugin.elementor_simple("3f2a1b7", {"Correo electrónico": "logged@example.com"}, date="d", time="t")
        assert post(served, plugin.elementor("el", TOKEN, form)).status_code == 200
        bad = plugin.cf7_to_webhook("cf7", "123", {"x": "y"}, f"Authorization: Bearer {TOKEN}")
        assert post(served, bad).status_code == 202  # kept in the inbox
        assert post(served, plugin.formidable_test_connection("frm", "5", TOKEN)).status_code == 200
    output = log.read_text()
    assert '"route": "/api/v1/intake/elementor/{site:str}"' in output  # the requests were logged
    assert TOKEN not in output and TOKEN[:12] not in output
