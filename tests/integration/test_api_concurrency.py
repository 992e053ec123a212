"""100 concurrent PATCHes of one lead on MariaDB through the HTTP API: one wins, nothing is overwritten."""

from __future__ import annotations

from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from sqlalchemy import Engine
from starlette.testclient import TestClient

from leadsmanager.application.intake import LeadForm
from leadsmanager.domain.actor import Actor
from leadsmanager.domain.api_key import Scope
from leadsmanager.domain.lead import Channel
from leadsmanager.entrypoints.container import Container, build
from leadsmanager.entrypoints.settings import Settings
from leadsmanager.entrypoints.web.app import create_app
from tests.conftest import MYSQL_URL, empty

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
