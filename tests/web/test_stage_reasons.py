"""A lost or excluded stage that requires a reason: the lead page and the API ask for one of its reasons,
refuse a move without one (losing nothing), and keep the reason in the lead's history."""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest
from starlette.testclient import TestClient

from leadsmanager.domain.actor import Actor
from leadsmanager.domain.pipeline.edits import AddReason, RequireReason, StageEdit
from leadsmanager.domain.roles import Role
from leadsmanager.entrypoints.bootstrap.container import Container
from tests.web.conftest import Staff, csrf_of

Keys = dict[str, dict[str, str]]


@pytest.fixture
def asking(container: Container, staff: Staff) -> None:
    """`lost` asks why, from two reasons; `retired` one is no longer offered."""
    admin = Actor(staff.ids["admin"], Role.ADMIN, "Admin")
    changes: list[StageEdit] = [
        AddReason("lost", {"en": "Too expensive", "es": "Muy caro"}),
        AddReason("lost", {"en": "Chose a competitor", "es": "Eligió a la competencia"}),
        RequireReason("lost", True),
    ]
    for change in changes:
        container.edit_stages()(change, by=admin, version=container.stage_editor()(by=admin).pipeline.version)


def post_status(client: TestClient, lead_id: int, **fields: str) -> object:
    page = client.get(f"/leads/{lead_id}").text
    version = re.search(r'name="version" value="(\d+)"', page)
    assert version
    form = {"csrf_token": csrf_of(page), "version": version.group(1), **fields}
    return client.post(f"/leads/{lead_id}/status", data=form)


@pytest.mark.usefixtures("asking")
def test_the_lead_page_asks_for_a_reason_and_keeps_it_in_the_history(
    as_role: Callable[[str], TestClient], staff: Staff
) -> None:
    employee, lead_id = as_role("employee"), staff.leads["employee"]
    page = employee.get(f"/leads/{lead_id}").text
    assert '<optgroup label="lost">' in page and 'value="lost:tooExpensive"' in page
    refused = post_status(employee, lead_id, status="lost", reason="")
    assert refused.status_code == 400  # type: ignore[attr-defined]
    assert 'data-error-for="reason"' in refused.text  # type: ignore[attr-defined]
    assert re.search(r'<option value="lost" selected>', refused.text)  # type: ignore[attr-defined]  # the choice is kept
    done = post_status(employee, lead_id, status="lost", reason="lost:choseACompetit")
    assert done.status_code == 303, done.text  # type: ignore[attr-defined]
    history = employee.get(f"/leads/{lead_id}").text
    assert "status: new -&gt; lost (reason: Chose a competitor)" in history


@pytest.mark.usefixtures("asking")
def test_the_api_refuses_a_move_without_a_reason_and_lists_the_reasons(
    client: TestClient, keys: Keys, staff: Staff
) -> None:
    lead_id = staff.leads["nobody"]
    url = f"/api/v1/leads/{lead_id}"
    stages = client.get("/api/v1/stages", headers=keys["read"]).json()
    lost = next(s for s in stages["items"] if s["key"] == "lost")
    assert lost["requires_reason"] is True
    assert lost["reasons"] == [
        {"key": "tooExpensive", "labels": {"en": "Too expensive", "es": "Muy caro"}, "retired": False},
        {
            "key": "choseACompetit",
            "labels": {"en": "Chose a competitor", "es": "Eligió a la competencia"},
            "retired": False,
        },
    ]
    for body in ({"status": "lost"}, {"status": "lost", "reason": "weather"}):
        refused = client.patch(url, json={**body, "version": 1}, headers=keys["both"])
        assert refused.status_code == 422
        [error] = refused.json()["errors"]
        assert error["field"] == "reason" and "use one of: tooExpensive, choseACompetit" in error["message"]
    assert client.get(url, headers=keys["read"]).json()["status"] == "new"  # nothing changed
    moved = client.patch(url, json={"status": "lost", "reason": "tooExpensive", "version": 1}, headers=keys["both"])
    assert moved.status_code == 200, moved.text
    history = client.get(url, headers=keys["read"]).json()["history"]
    assert (history[-1]["new"], history[-1]["reason"]) == ("lost", "tooExpensive")
