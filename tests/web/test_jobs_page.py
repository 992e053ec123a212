"""The admins' background jobs page: where notices go, the local outbox, and failed tasks to retry."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from starlette.testclient import TestClient

from leadsmanager.entrypoints.bootstrap.container import Container
from tests.web.conftest import Staff, csrf_of
from tests.web.test_languages import choose_language


def test_admins_read_the_notices_in_the_local_outbox(
    as_role: Callable[[str], TestClient], container: Container, staff: Staff
) -> None:
    admin = as_role("admin")
    # The staff's three leads arrived and two were assigned; without Redis the tasks run at once.
    assert container.relay_outbox().drain() == 5
    page = admin.get("/jobs")
    assert page.status_code == 200
    assert "through <b>the local outbox</b>" in page.text and "tasks run in this process" in page.text
    assert "0 lead events wait to be published" in page.text
    assert page.text.count("New lead: Lead") == 3
    links = [part.split('"', 1)[0] for part in page.text.split('href="/jobs/outbox/')[1:]]
    assert len(links) == 6  # an email and a chat message per lead
    email = next(name for name in links if name.endswith(".eml"))
    message = admin.get(f"/jobs/outbox/{email}")
    assert message.status_code == 200 and message.headers["content-type"].startswith("text/plain")
    assert "admin@example.com" in message.text and "manager@example.com" in message.text
    assert admin.get("/jobs/outbox/..%2F..%2Fweb.sqlite3").status_code == 404


def test_the_jobs_page_says_where_notices_go_in_spanish(
    as_role: Callable[[str], TestClient], container: Container, staff: Staff
) -> None:
    admin = as_role("admin")
    choose_language(admin, "es")
    page = admin.get("/jobs").text
    assert "Los emails salen por <b>la bandeja de salida local</b>" in page
    assert "las tareas corren en este proceso" in page and "this process" not in page


def test_an_admin_retries_a_failed_task_from_the_page(
    as_role: Callable[[str], TestClient], container: Container, staff: Staff
) -> None:
    admin = as_role("admin")
    lead_id = staff.leads["nobody"]
    failed = container.failed_tasks().record("send_notice", {"lead_id": lead_id, "notice": "new_lead"}, "SMTP 550")
    page = admin.get("/jobs")
    assert "SMTP 550" in page.text and f"lead_id={lead_id}" in page.text
    response = admin.post(f"/jobs/failed/{failed.id}/retry", data={"csrf_token": csrf_of(page.text)})
    assert response.status_code == 303
    after = admin.get("/jobs")
    assert "No failed tasks." in after.text
    assert f"New lead: Lead {lead_id - 1}" in after.text  # the retried notice went to the outbox


@pytest.mark.parametrize(("role", "status"), [("anonymous", 303), ("employee", 403), ("manager", 403)])
def test_only_admins_see_the_jobs(
    as_role: Callable[[str], TestClient], container: Container, staff: Staff, role: str, status: int
) -> None:
    client = as_role(role)  # the app it serves runs tasks at once: there is no Redis
    container.relay_outbox().drain()
    name = container.notifiers().email.entries()[0].name  # type: ignore[attr-defined]
    assert client.get("/jobs").status_code == status
    assert client.get(f"/jobs/outbox/{name}").status_code == status
    token = csrf_of(client.get("/").text) if role != "anonymous" else "none"
    assert client.post("/jobs/failed/retry", data={"csrf_token": token}).status_code == status
