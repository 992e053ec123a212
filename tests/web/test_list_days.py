"""The lists' days are the deployment's: leads that came at 22:23 in Buenos Aires (01:23 UTC the next day) is
found on its local day on the list page, in its CSV export and through the API, as the reports count it."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from starlette.testclient import TestClient

from leadsmanager.application.intake import LeadForm
from leadsmanager.domain.lead import Channel
from leadsmanager.entrypoints.bootstrap.container import Container
from tests.support import FakeClock
from tests.web.conftest import deployment, web_settings

LATE_EVENING = datetime(2026, 12, 7, 1, 23, tzinfo=UTC)  # 6 December, 22:23 in Buenos Aires


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock(LATE_EVENING)


@pytest.fixture
def container(tmp_path: Path, clock: FakeClock) -> Iterator[Container]:
    yield from deployment(web_settings(tmp_path, time_zone="America/Argentina/Buenos_Aires"), clock)


@pytest.fixture
def late_lead(container: Container) -> int:
    return container.submit_lead()(LeadForm(Channel.API, name="Lucía Late", email="lucia@example.com")).lead_id


def page_lists_lucia(manager: TestClient, days: str) -> bool:
    page = manager.get(f"/leads?{days}")
    assert page.status_code == 200, page.text
    return "Lucía Late" in page.text


def export_names(manager: TestClient, days: str) -> list[str]:
    rows = csv.DictReader(io.StringIO(manager.get(f"/leads/export.csv?{days}").text.lstrip("\ufeff")))
    return [row["contact_name"] for row in rows]


def api_ids(client: TestClient, keys: dict[str, dict[str, str]], days: str) -> set[int]:
    response = client.get(f"/api/v1/leads?{days}", headers=keys["read"])
    assert response.status_code == 200, response.text
    return {lead["id"] for lead in response.json()["items"]}


def test_a_late_evening_lead_is_listed_on_its_local_day_not_the_utc_one(
    late_lead: int, as_role: Callable[[str], TestClient], client: TestClient, keys: dict[str, dict[str, str]]
) -> None:
    manager = as_role("manager")
    its_day, next_day = "from=2026-12-06&to=2026-12-06", "from=2026-12-07&to=2026-12-07"
    assert page_lists_lucia(manager, its_day)
    assert not page_lists_lucia(manager, next_day)
    assert sorted(export_names(manager, its_day)) == ["Lead 0", "Lead 1", "Lead 2", "Lucía Late"]  # all came then
    assert export_names(manager, next_day) == []
    assert late_lead in api_ids(client, keys, its_day)
    assert api_ids(client, keys, "from=2026-12-07") == set()
    assert late_lead in api_ids(client, keys, "to=2026-12-06")
    assert api_ids(client, keys, "to=2026-12-05") == set()
