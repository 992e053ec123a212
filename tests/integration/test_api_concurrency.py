"""Concurrent API requests on MariaDB: 100 PATCHes of one lead (one wins, nothing is overwritten), as many
corrections of its details, and an intake waiting on a lock while other requests are still answered."""

from __future__ import annotations

import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from sqlalchemy import Engine
from starlette.testclient import TestClient

from leadsmanager.adapters.sql.engine import make_session_factory
from leadsmanager.adapters.sql.unit_of_work import SqlAlchemyUnitOfWork
from leadsmanager.application.intake import LeadForm
from leadsmanager.domain.actor import Actor
from leadsmanager.domain.api_key import Scope
from leadsmanager.domain.lead import Channel
from leadsmanager.entrypoints.bootstrap.container import Container, build
from leadsmanager.entrypoints.bootstrap.settings import Settings
from leadsmanager.entrypoints.web.app import create_app
from tests.conftest import MYSQL_URL, empty
from tests.support import new_lead

pytestmark = pytest.mark.mariadb


@pytest.fixture
def mysql_container(mysql_engine: Engine, tmp_path: Path) -> Iterator[Container]:
    empty(mysql_engine)
    settings = Settings(
        data_dir=tmp_path,
        database_url=MYSQL_URL,
        redis_url=None,
        phone_region="US",
        secret_key="concurrency test secret key",
        allowed_hosts=("testserver",),
        api_requests_per_minute=10_000,
    )
    built = build(settings)
    yield built
    built.shutdown_resources()


def test_a_hundred_concurrent_patches_of_one_lead(mysql_container: Container) -> None:
    lead_id = mysql_container.submit_lead()(LeadForm(Channel.API, name="Hot Lead", email="hot@example.com")).lead_id
    _, secret = mysql_container.api_keys().create("load", frozenset(Scope), by=Actor.system())
    headers = {"Authorization": f"Bearer {secret}", "If-Match": '"1"'}
    targets = ["contacted", "qualified", "lost", "spam"] * 25
    with TestClient(create_app(mysql_container)) as client, ThreadPoolExecutor(16) as pool:
        statuses = list(
            pool.map(
                lambda t: client.patch(f"/api/v1/leads/{lead_id}", json={"status": t}, headers=headers).status_code,
                targets,
            )
        )
        final = client.get(f"/api/v1/leads/{lead_id}", headers={"Authorization": f"Bearer {secret}"}).json()
    assert statuses.count(200) == 1
    assert set(statuses) <= {200, 409, 412}
    winner = targets[statuses.index(200)]
    assert final["status"] == winner and final["version"] == 2
    assert [(h["field"], h["new"]) for h in final["history"]] == [("status", "new"), ("status", winner)]


def test_concurrent_corrections_from_one_version_one_wins(mysql_container: Container) -> None:
    lead_id = mysql_container.submit_lead()(LeadForm(Channel.API, name="Old Name", email="old@example.com")).lead_id
    _, secret = mysql_container.api_keys().create("edits", frozenset(Scope), by=Actor.system())
    auth = {"Authorization": f"Bearer {secret}"}
    tags = [f"Editor{n:02d}" for n in range(40)]

    def correct(tag: str) -> int:
        body = {"name": f"{tag} Name", "email": f"{tag.lower()}@example.com"}
        sent = client.patch(f"/api/v1/leads/{lead_id}", json=body, headers={**auth, "If-Match": '"1"'})
        return int(sent.status_code)

    with TestClient(create_app(mysql_container)) as client, ThreadPoolExecutor(16) as pool:
        statuses = list(pool.map(correct, tags))
        winner = tags[statuses.index(200)] if 200 in statuses else "nobody"
        final = client.get(f"/api/v1/leads/{lead_id}", headers=auth).json()
        by_old = client.get("/api/v1/leads?q=old", headers=auth).json()["items"]
        by_new = client.get(f"/api/v1/leads?q={winner}", headers=auth).json()["items"]
    assert statuses.count(200) == 1 and set(statuses) <= {200, 409}
    assert (final["name"], final["version"]) == (f"{winner} Name", 2)
    assert [(h["field"], h["new"]) for h in final["history"][1:]] == [
        ("name", f"{winner} Name"),
        ("email", f"{winner.lower()}@example.com"),
    ]
    assert by_old == [] and [x["id"] for x in by_new] == [lead_id]


def test_an_intake_waiting_on_a_lock_does_not_hold_up_other_requests(
    mysql_container: Container, mysql_engine: Engine
) -> None:
    lead_id = mysql_container.submit_lead()(LeadForm(Channel.API, name="Other", email="other@example.com")).lead_id
    _, secret = mysql_container.api_keys().create("wait", frozenset(Scope), by=Actor.system())
    auth = {"Authorization": f"Bearer {secret}"}
    # Another transaction has stored, not yet committed, a lead with the same email: the intake's
    # INSERT waits for its unique-key lock.
    holder = SqlAlchemyUnitOfWork(make_session_factory(mysql_engine)).__enter__()
    holder.leads.add(new_lead(1, email="held@example.com"))
    with TestClient(create_app(mysql_container)) as client, ThreadPoolExecutor(2) as pool:
        try:
            waiting = pool.submit(
                client.post, "/api/v1/leads", json={"name": "Held", "email": "held@example.com"}, headers=auth
            )
            time.sleep(0.5)  # let the intake reach the lock
            assert not waiting.done()
            other = pool.submit(client.get, f"/api/v1/leads/{lead_id}", headers=auth)
            assert other.result(timeout=20).status_code == 200  # answered while the intake still waits
            assert not waiting.done()
        finally:
            holder.__exit__(None, None, None)  # rolls back: the intake may go on
        assert waiting.result(timeout=20).status_code == 201
