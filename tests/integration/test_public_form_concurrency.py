"""A public form sent eight times at once with one start token (an impatient double click) on MariaDB."""

from __future__ import annotations

import re
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta
from pathlib import Path

import pytest
from dependency_injector import providers
from sqlalchemy import Engine
from starlette.testclient import TestClient

from leadsmanager.application.queries import LeadQuery
from leadsmanager.domain.actor import Actor
from leadsmanager.entrypoints.bootstrap.container import Container, build
from leadsmanager.entrypoints.bootstrap.settings import Settings
from leadsmanager.entrypoints.web.app import create_app
from tests.conftest import MYSQL_URL, empty
from tests.support import FakeClock

pytestmark = pytest.mark.mariadb
STARTED = re.compile(r'name="started" value="([^"]+)"')


@pytest.fixture
def mysql_container(mysql_engine: Engine, tmp_path: Path) -> Iterator[Container]:
    empty(mysql_engine)
    settings = Settings(
        data_dir=tmp_path,
        database_url=MYSQL_URL,
        redis_url=None,
        phone_region="US",
        secret_key="public form concurrency test secret key",
        allowed_hosts=("testserver",),
    )
    built = build(settings)
    built.clock.override(providers.Object(FakeClock(step=timedelta(0))))
    yield built
    built.shutdown_resources()


def test_one_start_token_sent_eight_times_at_once_stores_one_lead_and_thanks_each_time(
    mysql_container: Container,
) -> None:
    clock = mysql_container.clock()
    with TestClient(create_app(mysql_container)) as client, ThreadPoolExecutor(8) as pool:
        found = STARTED.search(client.get("/forms/contact").text)
        assert found
        clock.current += timedelta(seconds=10)  # type: ignore[attr-defined]
        form = {"started": found.group(1), "name": "Quick Clicker", "email": "quick@example.com", "message": "Hi"}
        answers = list(pool.map(lambda _: client.post("/forms/contact", data=form), range(8)))
    assert [a.status_code for a in answers] == [200] * 8
    assert all('id="thanks"' in a.text for a in answers)
    [lead] = mysql_container.list_leads()(LeadQuery(limit=10), by=Actor.system()).leads
    stored = mysql_container.get_lead()(lead.id or 0, by=Actor.system()).lead
    assert stored.resubmissions == 0 and [e for e in stored.history if e.field == "resubmission"] == []
