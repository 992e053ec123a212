"""WordPress pushing submissions: signed, replay-proof, idempotent, strict about the contract."""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest
from attrs import evolve
from dependency_injector import providers
from starlette.testclient import TestClient

from leadsmanager.adapters.form_sources.site import WordPressSite
from leadsmanager.application.queries import LeadQuery
from leadsmanager.domain.actor import Actor
from leadsmanager.entrypoints.api.webhooks import signature
from leadsmanager.entrypoints.bootstrap.container import Container
from leadsmanager.entrypoints.web.app import create_app
from tests.support import FakeClock

SECRET = "webhook secret shared with the plugin"
SHOP = WordPressSite(
    "shop", "https://shop.example", "sync", "app password", {"contact": {"your-name": "name"}}, webhook_secret=SECRET
)


@pytest.fixture
def shop_client(container: Container) -> Iterator[TestClient]:
    container.settings.override(providers.Object(evolve(container.settings(), wordpress_sites=(SHOP,))))
    with TestClient(create_app(container)) as client:
        yield client


def body(submission_id: str = "1001", form_id: str = "contact") -> bytes:
    fields = {"your-name": "Wanda Press", "email": "wanda@example.com", "budget": "10k"}
    payload = {
        "form_id": form_id,
        "submission": {"id": submission_id, "created_at": "2026-03-01T09:00:00Z", "fields": fields},
    }
    return json.dumps(payload).encode()


def push(
    client: TestClient, content: bytes, clock: FakeClock, *, secret: str = SECRET, age: int = 0, site: str = "shop"
) -> int:
    stamp = str(int(clock.current.timestamp()) - age)
    headers = {
        "content-type": "application/json",
        "x-leadsmanager-timestamp": stamp,
        "x-leadsmanager-signature": signature(secret, stamp, content),
    }
    return int(client.post(f"/api/v1/intake/wordpress/{site}", content=content, headers=headers).status_code)


def test_a_signed_submission_becomes_a_lead_once(
    shop_client: TestClient, container: Container, clock: FakeClock
) -> None:
    assert push(shop_client, body(), clock) == 201
    assert push(shop_client, body(), clock) == 200
    [lead] = container.list_leads()(LeadQuery(source=None, search="wanda"), by=Actor.system()).leads
    assert (lead.contact_name, lead.email, lead.site, lead.form_id, lead.external_id) == (
        "Wanda Press",
        "wanda@example.com",
        "shop",
        "contact",
        "shop/contact/1001",
    )
    assert lead.extras["budget"] == "10k"


@pytest.mark.parametrize(
    ("kwargs", "status"),
    [({"secret": "a guess"}, 401), ({"age": 400}, 401), ({"age": -400}, 401), ({"site": "blog"}, 404)],
)
def test_unsigned_stale_or_unknown_pushes_are_refused(
    shop_client: TestClient, container: Container, clock: FakeClock, kwargs: dict[str, object], status: int
) -> None:
    assert push(shop_client, body(), clock, **kwargs) == status  # type: ignore[arg-type]
    assert container.list_leads()(LeadQuery(), by=Actor.system()).leads == []


def test_a_tampered_body_fails_its_signature(shop_client: TestClient, clock: FakeClock) -> None:
    stamp = str(int(clock.current.timestamp()))
    headers = {
        "content-type": "application/json",
        "x-leadsmanager-timestamp": stamp,
        "x-leadsmanager-signature": signature(SECRET, stamp, body()),
    }
    assert shop_client.post("/api/v1/intake/wordpress/shop", content=body("1002"), headers=headers).status_code == 401


@pytest.mark.parametrize(
    "content", [b"{not json", b'{"form_id": "contact"}', body(form_id="quote"), body(submission_id="abc")]
)
def test_off_contract_bodies_are_422_problems(shop_client: TestClient, clock: FakeClock, content: bytes) -> None:
    assert push(shop_client, content, clock) == 422
