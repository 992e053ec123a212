"""Form plugins' webhooks: each plugin's own request becomes a lead once, by the site's mapping and token."""

from __future__ import annotations

import base64
from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import pytest
from attrs import evolve
from dependency_injector import providers
from starlette.testclient import TestClient

from leadsmanager.adapters.form_sources.site import WordPressSite
from leadsmanager.application.intake.routing import StageRoute
from leadsmanager.application.queries import LeadQuery
from leadsmanager.domain.actor import Actor
from leadsmanager.domain.lead import Lead
from leadsmanager.entrypoints.bootstrap.container import Container
from leadsmanager.entrypoints.web.app import create_app
from tests.push_plugins import (
    PluginRequest,
    cf7_to_webhook,
    elementor,
    elementor_advanced,
    elementor_field,
    elementor_simple,
    formidable,
    formidable_test_connection,
    gravity_entry,
    gravity_forms,
)
from tests.support import FakeClock

TOKEN = "Zr8w3Tq-pL0_vY7nK2sD9hXc4b"
JOB_SEEKER = "Busco trabajo/ Ofrezco productos o servicios"
BEARER = {"Authorization": f"Bearer {TOKEN}"}


def pushing(name: str, forms: dict[str, dict[str, str]], id_key: str = "") -> WordPressSite:
    """A site that only takes pushes: no URL, user or password."""
    return WordPressSite(name, "", "", "", forms, push_token=TOKEN, id_key=id_key)


SITES = (
    pushing("gf", {"1": {"1.3": "name", "1.6": "name", "2": "email", "3": "phone", "5": "message"}}, "id"),
    pushing("cf7", {"123": {"your-name": "name", "your-email": "email", "your-message": "message"}}, "_serial_number"),
    pushing("frm", {"5": {"qh4icy": "company", "29yf4d": "email", "kz2a8w": "phone"}}, "item_id"),
    pushing(
        "el", {"3f2a1b7": {"Nombre": "name", "Correo": "email", "Mensaje": "message"}, "9c8d7e6": {"field_a1": "phone"}}
    ),
    WordPressSite("synced", "https://synced.example", "sync", "app password", {"contact": {}}),
    evolve(
        pushing("intralog", {"3": {"your-email": "email", "your-name": "name"}}, "_serial_number"),
        routes={"3": [StageRoute("servicios", JOB_SEEKER, "negativo")]},
    ),
)


@pytest.fixture
def push_client(container: Container) -> Iterator[TestClient]:
    container.settings.override(providers.Object(evolve(container.settings(), wordpress_sites=SITES)))
    with TestClient(create_app(container)) as client:
        yield client


def send(client: TestClient, request: PluginRequest) -> tuple[int, dict[str, Any]]:
    response = client.post(request.path, content=request.body, headers=request.headers)
    return response.status_code, response.json()


def leads(container: Container) -> list[Lead]:
    return container.list_leads()(LeadQuery(), by=Actor.system()).leads


def cf7(serial: str = "17", **changes: Any) -> PluginRequest:
    data = {
        "_serial_number": serial,
        "your-name": "Wanda Press",
        "your-email": "wanda@example.com",
        "your-subject": "Presupuesto",
        "your-message": "Hola,\r\nnecesito almacenamiento",
        "servicios": ["Almacenamiento", "Cross-docking"],
        "acceptance-terms": "1",
        **changes,
    }
    return cf7_to_webhook("cf7", "123", data, f"Authorization: Bearer {TOKEN}")


def test_a_gravity_forms_entry_becomes_a_lead_by_its_input_ids(push_client: TestClient, container: Container) -> None:
    entry = gravity_entry("42", **{"1.3": "Ana", "1.6": "Ruiz", "2": "ana@example.com", "3": "+1 212 555 0100"})
    status, body = send(push_client, gravity_forms("gf", "1", entry, {"X-LeadsManager-Token": TOKEN}))
    [lead] = leads(container)
    assert (status, body) == (200, {"outcome": "created", "lead_id": lead.id})
    assert (lead.contact_name, lead.email, lead.phone) == ("Ana Ruiz", "ana@example.com", "+12125550100")
    assert (lead.site, lead.form_id, lead.external_id) == ("gf", "1", "gf/1/42")
    assert lead.extras["source_url"] == "https://shop.example/contacto/" and "payment_status" not in lead.extras


def test_the_same_entry_id_again_answers_the_same_lead_and_creates_nothing(
    push_client: TestClient, container: Container
) -> None:
    first = send(push_client, cf7("17"))
    again = send(push_client, cf7("17", **{"your-message": "edited, then resent"}))
    assert first[0] == again[0] == 200
    assert again[1] == {"outcome": "duplicate", "lead_id": first[1]["lead_id"]}
    [lead] = leads(container)
    assert lead.external_id == "cf7/123/17" and lead.message == "Hola,\nnecesito almacenamiento"
    assert lead.extras["servicios"] == "Almacenamiento, Cross-docking"
    assert "_serial_number" not in lead.extras  # it is the external id


def test_ids_written_with_leading_zeros_are_one_entry(push_client: TestClient, container: Container) -> None:
    assert send(push_client, cf7("7"))[1]["outcome"] == "created"
    assert send(push_client, cf7("007"))[1]["outcome"] == "duplicate"


def test_formidable_sends_its_token_as_basic_user_name(push_client: TestClient, container: Container) -> None:
    data = {
        "item_id": "88",
        "key": "x7k2p",
        "form_id": 5,
        "qh4icy": "Intralog SA",
        "29yf4d": "compras@intralog.example",
    }
    assert send(push_client, formidable("frm", "5", data, TOKEN))[0] == 200
    assert send(push_client, formidable("frm", "5", data, f"{TOKEN}:any password"))[1]["outcome"] == "duplicate"
    [lead] = leads(container)
    assert (lead.company, lead.email, lead.external_id) == ("Intralog SA", "compras@intralog.example", "frm/5/88")


def test_formidables_default_body_is_a_list_of_one_entry(push_client: TestClient, container: Container) -> None:
    entry = [{"id": "90", "item_key": "k1", "form_id": "5", "29yf4d": "solo@example.com", "created_at": "2026-12-06"}]
    assert send(push_client, formidable("frm", "5", entry, TOKEN))[0] == 200
    assert [lead.email for lead in leads(container)] == ["solo@example.com"]


def test_formidables_test_connection_is_answered_and_stores_nothing(
    push_client: TestClient, container: Container
) -> None:
    status, body = send(push_client, formidable_test_connection("frm", "5", TOKEN))
    assert status == 200 and body["success"] is True and "form '5' is listed" in body["message"]
    assert leads(container) == []


@pytest.mark.parametrize("advanced", [False, True], ids=["simple", "advanced data"])
def test_elementor_posts_a_form_in_either_format_and_is_answered_exactly_200(
    push_client: TestClient, container: Container, advanced: bool
) -> None:
    when = {"date": "December 6, 2026", "time": "2:03 pm"}
    if advanced:
        fields = [
            elementor_field("name", "Nombre", "Ana Ruiz"),
            elementor_field("email", "Correo", "ana@example.com", "email"),
            elementor_field("servicios", "Servicios", ["Almacenamiento", "Cross-docking"], "checkbox"),
        ]
        form = elementor_advanced("3f2a1b7", fields, **when)
    else:
        labelled = {"Nombre": "Ana Ruiz", "Correo": "ana@example.com", "Servicios": "Almacenamiento, Cross-docking"}
        form = elementor_simple("3f2a1b7", labelled, **when)
    status, body = send(push_client, elementor("el", TOKEN, form))
    [lead] = leads(container)
    assert (status, body) == (200, {"outcome": "created", "lead_id": lead.id})
    assert (lead.contact_name, lead.email, lead.form_id, lead.external_id) == (
        "Ana Ruiz",
        "ana@example.com",
        "3f2a1b7",
        None,
    )
    servicios = lead.extras["servicios" if advanced else "Servicios"]
    assert servicios == "Almacenamiento, Cross-docking"
    assert lead.extras["form_name"] == "Contacto"


def test_an_elementor_form_sent_twice_in_a_minute_is_one_submission(
    push_client: TestClient, container: Container, clock: FakeClock
) -> None:
    fields = [elementor_field("field_a1", "Teléfono", "+1 212 555 0111")]
    request = elementor("el", TOKEN, elementor_advanced("9c8d7e6", fields, date="December 6, 2026", time="2:03 pm"))
    first = send(push_client, request)
    clock.current += timedelta(seconds=40)
    assert send(push_client, request) == (200, {"outcome": "duplicate", "lead_id": first[1]["lead_id"]})
    assert len(leads(container)) == 1


def test_without_an_id_the_same_content_is_one_submission_for_ten_minutes(
    push_client: TestClient, container: Container, clock: FakeClock
) -> None:
    request = cf7_to_webhook("cf7", "123", {"your-email": "ten@example.com"}, f"X-LeadsManager-Token: {TOKEN}")
    first = send(push_client, request)[1]
    clock.current += timedelta(minutes=9)
    assert send(push_client, request)[1] == {"outcome": "duplicate", "lead_id": first["lead_id"]}
    clock.current += timedelta(minutes=2)  # 11 minutes after the first: a new submission of the same person
    assert send(push_client, request)[1] == {"outcome": "merged", "lead_id": first["lead_id"]}
    [lead] = leads(container)
    assert lead.resubmissions == 1


@pytest.mark.parametrize(
    "headers",
    [
        {},
        {"Authorization": "Bearer not-the-token-at-all-0000000"},
        {"X-LeadsManager-Token": TOKEN[:-1]},
        {"Authorization": "Basic " + base64.b64encode(b"x:" + TOKEN.encode()).decode()},  # the token as password
        {"Authorization": "Basic %%%"},
    ],
    ids=["none", "wrong bearer", "wrong header", "token as password", "broken basic"],
)
def test_a_push_without_the_sites_token_is_refused_401(
    push_client: TestClient, container: Container, headers: dict[str, str]
) -> None:
    entry = gravity_entry("42", **{"2": "ana@example.com"})
    response = push_client.post(
        "/api/v1/intake/webhook/gf/1", content=gravity_forms("gf", "1", entry, {}).body, headers=headers
    )
    assert response.status_code == 401
    assert TOKEN not in response.text and leads(container) == []


def test_elementor_takes_its_token_from_the_query_string_only(push_client: TestClient, container: Container) -> None:
    form = elementor_simple("3f2a1b7", {"Correo": "ana@example.com"}, date="December 6, 2026", time="2:03 pm")
    request = elementor("el", "wrong-token-of-sufficient-length", form)
    assert send(push_client, request)[0] == 401
    assert push_client.post("/api/v1/intake/elementor/el", content=request.body, headers=BEARER).status_code == 401
    assert leads(container) == []


@pytest.mark.parametrize("path", ["/api/v1/intake/webhook/synced/contact", "/api/v1/intake/webhook/nowhere/1"])
def test_a_site_without_a_token_takes_no_pushes(push_client: TestClient, path: str) -> None:
    assert push_client.post(path, content=b"{}", headers=BEARER).status_code == 404


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        (b"{not json", "the body is not JSON"),
        (b'["a", "b"]', "a JSON list of 2 items"),
        (b'"text"', "not an object of fields"),
        (b"\xff\xfe{}", "the body is not JSON"),
        (b'{"your-name": "Nadie"}', "no email and no phone"),
        (b'{"_serial_number": "../etc", "your-email": "a@example.com"}', "the id key '_serial_number' holds '../etc'"),
    ],
)
def test_a_body_that_cannot_become_a_lead_is_kept_in_the_inbox_with_its_reason(
    push_client: TestClient, container: Container, content: bytes, reason: str
) -> None:
    response = push_client.post("/api/v1/intake/webhook/cf7/123", content=content, headers=BEARER)
    [kept] = container.failed_submissions().waiting()
    assert response.status_code == 202  # a success to the plugins, and a code of its own in their logs
    assert response.json() == {"outcome": "kept", "failed_submission_id": kept.id, "detail": kept.reason}
    assert reason in kept.reason and (kept.site, kept.form_id) == ("cf7", "123")
    assert kept.body == content.decode("utf-8", errors="backslashreplace")  # whole, as posted
    assert leads(container) == []


def test_a_kept_push_becomes_a_lead_when_replayed_after_the_mapping_is_fixed(
    push_client: TestClient, container: Container
) -> None:
    content = b'{"_serial_number": "31", "correo": "late@example.com"}'
    kept = push_client.post("/api/v1/intake/webhook/cf7/123", content=content, headers=BEARER).json()
    assert kept["outcome"] == "kept"
    fixed = pushing("cf7", {"123": {"correo": "email"}}, "_serial_number")
    container.settings.override(providers.Object(evolve(container.settings(), wordpress_sites=(fixed,))))
    container.reset_singletons()  # as a restart with the new setting would
    [replay] = container.failed_submissions().replay(kept["failed_submission_id"])
    assert replay.succeeded
    [lead] = leads(container)
    assert (lead.email, lead.external_id) == ("late@example.com", "cf7/123/31")
    again = push_client.post("/api/v1/intake/webhook/cf7/123", content=content, headers=BEARER).json()
    assert again == {"outcome": "duplicate", "lead_id": lead.id}  # the plugin resending it meets the lead


def test_the_refusal_names_the_fields_received_so_a_mapping_can_be_written(push_client: TestClient) -> None:
    content = b'{"entry": {"nombre": "Ana", "correo": "ana@example.com"}}'
    response = push_client.post("/api/v1/intake/webhook/cf7/123", content=content, headers=BEARER)
    detail = response.json()["detail"]
    assert "'entry.correo', 'entry.nombre'" in detail


def test_a_form_the_site_does_not_list_is_kept_under_its_id(push_client: TestClient, container: Container) -> None:
    response = push_client.post("/api/v1/intake/webhook/cf7/999", content=b'{"email": "a@example.com"}', headers=BEARER)
    assert response.status_code == 202 and "has no form '999'" in response.json()["detail"]
    assert [(k.form_id, k.fields) for k in container.failed_submissions().waiting()] == [
        ("999", {"email": "a@example.com"})
    ]


def test_elementor_is_answered_200_even_when_its_submission_is_kept(
    push_client: TestClient, container: Container
) -> None:
    form = elementor_simple("3f2a1b7", {"Nombre": "Sin Contacto"}, date="December 6, 2026", time="2:03 pm")
    status, body = send(push_client, elementor("el", TOKEN, form))
    [kept] = container.failed_submissions().waiting()
    assert (status, body["outcome"], body["failed_submission_id"]) == (200, "kept", kept.id)
    assert kept.fields is not None and kept.fields["Nombre"] == "Sin Contacto"
    status, body = send(push_client, PluginRequest("/api/v1/intake/elementor/el?token=" + TOKEN, {}, b"garbage"))
    assert (status, body["outcome"]) == (200, "kept") and "not the body of Elementor" in body["detail"]


def test_a_body_over_the_servers_limit_is_refused_413(push_client: TestClient, container: Container) -> None:
    limit = container.settings().max_body_bytes
    content = b'{"your-email": "big@example.com", "x": "' + b"a" * limit + b'"}'
    assert push_client.post("/api/v1/intake/webhook/cf7/123", content=content, headers=BEARER).status_code == 413


def test_a_pushed_job_seeker_lands_in_negativo_by_the_forms_route(
    push_client: TestClient, container: Container
) -> None:
    container.apply_preset()("intralog", actor="cli")

    def push(serial: str, email: str, *services: str) -> dict[str, Any]:
        data = {"_serial_number": serial, "your-name": "Juan", "your-email": email, "servicios": list(services)}
        status, body = send(push_client, cf7_to_webhook("intralog", "3", data, f"Authorization: Bearer {TOKEN}"))
        assert status == 200
        return body

    customer = push("1", "juan@example.com", "Almacenamiento")
    seeker = push("2", "juan@example.com", "Almacenamiento", JOB_SEEKER)  # the same person: not joined
    assert customer["outcome"] == seeker["outcome"] == "created" and customer["lead_id"] != seeker["lead_id"]
    statuses = {lead.external_id: (lead.status, lead.is_open) for lead in leads(container)}
    assert statuses == {"intralog/3/1": ("esperandoDatos", True), "intralog/3/2": ("negativo", False)}
