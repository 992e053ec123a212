"""Odd input on the web pages and the API: each is refused with a 4xx naming the field, never a 500."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import datetime

import pytest
from attrs import evolve
from dependency_injector import providers
from httpx import Response
from starlette.testclient import TestClient

from leadsmanager.adapters.form_sources.site import WordPressSite
from leadsmanager.application.queries import Cursor
from leadsmanager.domain.actor import Actor
from leadsmanager.domain.api_key import Scope
from leadsmanager.entrypoints.bootstrap.container import Container
from leadsmanager.entrypoints.web.app import create_app
from tests.web.conftest import Staff, csrf_of, sign_in

NAIVE_CURSOR = Cursor(datetime(2026, 3, 1, 9, 0), 5).encode()  # no UTC offset: no cursor this product writes
SUPERSCRIPT_TWO = "²"  # str.isdigit() says True; int() refuses it
DEEP_JSON = b"[" * 100_000 + b"]" * 100_000
SHOP = WordPressSite("shop", "https://shop.example", "sync", "app password", {"contact": {}}, webhook_secret="s")

Client = Callable[[str], TestClient]


@pytest.fixture
def raw_client(container: Container, staff: Staff) -> Iterator[Client]:
    """Clients that show a server error as the 500 a visitor would get, instead of raising it in the test."""
    made: list[TestClient] = []

    def make(role: str) -> TestClient:
        client = TestClient(create_app(container), follow_redirects=False, raise_server_exceptions=False)
        made.append(client.__enter__())
        return client if role == "anonymous" else sign_in(client, f"{role}@example.com")

    yield make
    for client in made:
        client.__exit__(None, None, None)


@pytest.fixture
def key(container: Container, staff: Staff) -> dict[str, str]:
    scopes = frozenset({Scope.LEADS_READ, Scope.LEADS_WRITE})
    _, secret = container.api_keys().create("odd input", scopes, by=Actor.system())
    return {"Authorization": f"Bearer {secret}"}


def refused_field(response: Response, field: str) -> None:
    """A 4xx problem document (API) naming `field` in its errors."""
    assert 400 <= response.status_code < 500, (response.status_code, response.text)
    problem = response.json()
    assert field in [e["field"] for e in problem.get("errors", [])], problem


def refused_page(response: Response, words: str) -> None:
    """A 4xx page whose message names the field."""
    assert 400 <= response.status_code < 500, (response.status_code, response.text[:300])
    assert words in response.text, response.text


def test_a_cursor_with_a_naive_time_is_refused(raw_client: Client, key: dict[str, str]) -> None:
    refused_page(raw_client("admin").get(f"/leads?after={NAIVE_CURSOR}"), "cursor is not valid")
    refused_page(raw_client("admin").get(f"/leads/export.csv?after={NAIVE_CURSOR}"), "cursor is not valid")
    refused_field(raw_client("anonymous").get(f"/api/v1/leads?cursor={NAIVE_CURSOR}", headers=key), "cursor")


def test_the_last_day_of_the_calendar_is_refused_as_an_end(raw_client: Client, key: dict[str, str]) -> None:
    admin = raw_client("admin")
    refused_page(admin.get("/leads?to=9999-12-31"), "to must be a date before")
    refused_page(admin.get("/leads/mine?to=9999-12-31"), "to must be a date before")
    refused_page(admin.get("/leads/export.csv?to=9999-12-31"), "to must be a date before")
    refused_field(raw_client("anonymous").get("/api/v1/leads?to=9999-12-31", headers=key), "to")
    assert admin.get("/leads?to=9999-12-30").status_code == 200


def test_an_if_match_of_five_thousand_digits_is_refused(raw_client: Client, key: dict[str, str], staff: Staff) -> None:
    url = f"/api/v1/leads/{staff.leads['nobody']}"
    tag = '"' + "1" * 5000 + '"'
    response = raw_client("anonymous").patch(url, json={"status": "contacted"}, headers={**key, "If-Match": tag})
    assert response.status_code == 412
    refused_field(response, "If-Match")


def test_json_nested_a_hundred_thousand_deep_is_refused(raw_client: Client, key: dict[str, str], staff: Staff) -> None:
    api = raw_client("anonymous")
    headers = {**key, "Content-Type": "application/json"}
    refused_field(api.post("/api/v1/leads", content=DEEP_JSON, headers=headers), "body")
    refused_field(api.patch(f"/api/v1/leads/{staff.leads['nobody']}", content=DEEP_JSON, headers=headers), "body")


def test_a_superscript_digit_is_not_a_number_in_the_api(raw_client: Client, key: dict[str, str]) -> None:
    api = raw_client("anonymous")
    refused_field(api.get(f"/api/v1/leads?limit={SUPERSCRIPT_TWO}", headers=key), "limit")
    refused_field(api.get(f"/api/v1/leads?assignee={SUPERSCRIPT_TWO}", headers=key), "assignee")
    refused_field(api.get(f"/api/v1/stats?assignee={SUPERSCRIPT_TWO}", headers=key), "assignee")
    latin1_two = SUPERSCRIPT_TWO.encode("latin-1")  # how a header byte 0xB2 reaches the app
    patch = {**key, "If-Match": b'"' + latin1_two + b'"'}
    refused_field(api.patch("/api/v1/leads/1", json={"status": "contacted"}, headers=patch), "If-Match")
    body = b'{"name": "Ana", "email": "ana@example.com"}'
    declared = {**key, "Content-Type": "application/json", "Content-Length": latin1_two}
    refused_field(api.post("/api/v1/leads", content=body, headers=declared), "Content-Length")


def test_a_superscript_digit_is_not_a_timestamp_in_a_webhook(container: Container, raw_client: Client) -> None:
    container.settings.override(providers.Object(evolve(container.settings(), wordpress_sites=(SHOP,))))
    stamp = SUPERSCRIPT_TWO.encode("latin-1")
    headers = {"Content-Type": "application/json", "X-LeadsManager-Timestamp": stamp, "X-LeadsManager-Signature": "x"}
    response = raw_client("anonymous").post("/api/v1/intake/wordpress/shop", content=b"{}", headers=headers)
    refused_field(response, "x-leadsmanager-timestamp")


def test_a_superscript_digit_is_not_a_number_in_staff_forms(raw_client: Client, staff: Staff) -> None:
    admin = raw_client("admin")
    lead = f"/leads/{staff.leads['nobody']}"
    token = csrf_of(admin.get(lead).text)
    sent = {"csrf_token": token, "note": "called", "version": SUPERSCRIPT_TWO}
    refused_page(admin.post(f"{lead}/note", data=sent), "version must be a whole number")
    sent = {"csrf_token": token, "assignee": SUPERSCRIPT_TWO}
    refused_page(admin.post(f"{lead}/assign", data=sent), "assignee must be a whole number")
    sent = {"csrf_token": token, "name": "Nia", "email": "nia@example.com", "assignee": SUPERSCRIPT_TWO}
    refused_page(admin.post("/leads/new", data=sent), "not a whole number")
    refused_page(admin.get(f"/leads?assignee={SUPERSCRIPT_TWO}"), "assignee must be a user id")


def test_an_id_longer_than_any_column_holds_is_no_page(raw_client: Client, key: dict[str, str]) -> None:
    long_id = "9" * 5000
    assert raw_client("admin").get(f"/leads/{long_id}").status_code == 404
    assert raw_client("anonymous").get(f"/api/v1/leads/{long_id}", headers=key).status_code == 404
