"""API v1 contract: every endpoint by key scope and role, idempotency, concurrency headers, problems."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import datetime, timedelta

import pytest
from starlette.testclient import TestClient

from leadsmanager.domain.actor import Actor
from leadsmanager.domain.roles import Role
from leadsmanager.domain.status import LeadStatus
from leadsmanager.entrypoints.api.auth import FAILED_KEYS_PER_ADDRESS, FAILED_KEYS_WINDOW
from leadsmanager.entrypoints.bootstrap.container import Container
from leadsmanager.entrypoints.web.app import create_app
from tests.support import FakeClock
from tests.web.conftest import Staff

INTAKE = {
    "name": "Ana Api",
    "email": "ANA@api.example",
    "phone": "(202) 555-0111",
    "extras": {"budget": "5k"},
    "utm": {"utm_source": "crm"},
}


def test_intake_creates_once_and_replays_with_the_idempotency_key(
    client: TestClient, keys: dict[str, dict[str, str]]
) -> None:
    headers = {**keys["both"], "Idempotency-Key": "order-77"}
    first = client.post("/api/v1/leads", json=INTAKE, headers=headers)
    assert first.status_code == 201, first.text
    lead = first.json()["lead"]
    assert (lead["email"], lead["phone"], lead["source"], lead["extras"]) == (
        "ana@api.example",
        "+12025550111",
        "api",
        {"budget": "5k"},
    )
    assert first.headers["location"] == f"/api/v1/leads/{lead['id']}"
    again = client.post("/api/v1/leads", json=INTAKE, headers=headers)
    assert (again.status_code, again.json()["lead"]["id"], again.json()["outcome"]) == (200, lead["id"], "duplicate")
    other_body = client.post("/api/v1/leads", json={**INTAKE, "name": "Someone Else"}, headers=headers)
    assert other_body.status_code == 409
    listed = client.get("/api/v1/leads?q=ana", headers=keys["read"]).json()["items"]
    assert [x["id"] for x in listed] == [lead["id"]]


def test_a_lead_reads_the_same_from_its_page_from_the_list_and_after_intake(
    client: TestClient, keys: dict[str, dict[str, str]], clock: FakeClock
) -> None:
    created = client.post("/api/v1/leads", json=INTAKE, headers=keys["both"]).json()["lead"]
    listed = client.get("/api/v1/leads?status=new&q=ana", headers=keys["read"]).json()["items"]
    page = client.get(f"/api/v1/leads/{created['id']}", headers=keys["read"]).json()
    history = page.pop("history")
    assert listed == [created] and page == created
    # Times are ISO 8601 with the UTC offset, to the microsecond when there is one.
    arrived = datetime.fromisoformat(created["created_at"])
    assert created["created_at"] == arrived.isoformat() and arrived.utcoffset() == timedelta(0)
    assert arrived <= clock.current and created["first_response_at"] is None
    assert (created["status"], created["stage_reached"], created["source"]) == ("new", "new", "api")
    assert [(e["field"], e["new"], e["at"]) for e in history] == [("status", "new", created["created_at"])]


def test_an_external_id_replays_without_a_header(client: TestClient, keys: dict[str, dict[str, str]]) -> None:
    body = {**INTAKE, "external_id": "crm-1"}
    codes = [client.post("/api/v1/leads", json=body, headers=keys["write"]).status_code for _ in range(2)]
    assert codes == [201, 200]


def test_validation_errors_are_problems_with_a_field_list(client: TestClient, keys: dict[str, dict[str, str]]) -> None:
    response = client.post("/api/v1/leads", json={"name": 5, "email": "nope", "colour": "red"}, headers=keys["write"])
    assert response.status_code == 422
    assert response.headers["content-type"] == "application/problem+json"
    fields = {e["field"] for e in response.json()["errors"]}
    assert fields == {"name", "colour"}
    bad_email = client.post("/api/v1/leads", json={"name": "A", "email": "nope"}, headers=keys["write"])
    assert {e["field"] for e in bad_email.json()["errors"]} == {"email"}


@pytest.mark.parametrize(
    ("body", "content_type", "status"),
    [(b"{}", "text/plain", 415), (b"{not json", "application/json", 400), (b"[1, 2]", "application/json", 400)],
)
def test_wrong_media_and_broken_json_are_refused(
    client: TestClient, keys: dict[str, dict[str, str]], body: bytes, content_type: str, status: int
) -> None:
    response = client.post("/api/v1/leads", content=body, headers={**keys["write"], "content-type": content_type})
    assert response.status_code == status
    assert response.json()["status"] == status


def test_an_oversized_body_is_413(client: TestClient, keys: dict[str, dict[str, str]]) -> None:
    body = b'{"name": "' + b"x" * 1_000_001 + b'"}'
    response = client.post("/api/v1/leads", content=body, headers={**keys["write"], "content-type": "application/json"})
    assert response.status_code == 413 and response.json()["status"] == 413


@pytest.mark.parametrize(
    ("method", "path", "key", "status"),
    [
        ("GET", "/api/v1/leads", None, 401),
        ("GET", "/api/v1/leads", "bogus", 401),
        ("GET", "/api/v1/leads", "write", 403),
        ("POST", "/api/v1/leads", "read", 403),
        ("PATCH", "/api/v1/leads/{lead}", "read", 403),
        ("GET", "/api/v1/stats", "write", 403),
        ("GET", "/api/v1/leads", "read", 200),
        ("GET", "/api/v1/leads/{lead}", "read", 200),
        ("GET", "/api/v1/stats", "both", 200),
        ("GET", "/api/v1/leads/999999", "read", 404),
    ],
)
def test_keys_reach_only_their_scopes(
    client: TestClient,
    keys: dict[str, dict[str, str]],
    staff: Staff,
    method: str,
    path: str,
    key: str | None,
    status: int,
) -> None:
    headers = keys.get(key or "", {"Authorization": "Bearer lm_nope_nope"} if key == "bogus" else {})
    url = path.format(lead=staff.leads["employee"])
    response = client.request(method, url, headers=headers, json={"status": "contacted", "version": 2})
    assert response.status_code == status
    if status == 401:
        assert response.headers["www-authenticate"].startswith("Bearer")


def test_a_revoked_key_stops_working(client: TestClient, container: Container, keys: dict[str, dict[str, str]]) -> None:
    assert client.get("/api/v1/leads", headers=keys["read"]).status_code == 200
    [read_key] = [k for k in container.api_keys().list(by=Actor.system()) if k.name == "read"]
    container.api_keys().revoke(read_key.id or 0, by=Actor.system())
    assert client.get("/api/v1/leads", headers=keys["read"]).status_code == 401


def test_staff_sessions_see_what_their_role_allows(as_role: Callable[[str], TestClient], staff: Staff) -> None:
    rep, manager = as_role("employee"), as_role("manager")
    assert [x["id"] for x in rep.get("/api/v1/leads").json()["items"]] == [staff.leads["employee"]]
    assert rep.get(f"/api/v1/leads/{staff.leads['employee2']}").status_code == 404
    assert len(manager.get("/api/v1/leads").json()["items"]) == 3
    assert rep.get("/api/v1/stats").json()["total"] == 1
    assert manager.get("/api/v1/stats").json()["total"] == 3
    cross_site = rep.post("/api/v1/leads", json=INTAKE, headers={"origin": "https://evil.example"})
    assert cross_site.status_code == 403


def test_patch_needs_the_current_version_and_never_overwrites(
    client: TestClient, keys: dict[str, dict[str, str]], staff: Staff
) -> None:
    url = f"/api/v1/leads/{staff.leads['nobody']}"
    etag = client.get(url, headers=keys["read"]).headers["etag"]
    assert client.patch(url, json={"status": "contacted"}, headers=keys["write"]).status_code == 428
    done = client.patch(
        url,
        json={"status": "contacted", "assignee_id": staff.ids["employee"]},
        headers={**keys["both"], "If-Match": etag},
    )
    assert done.status_code == 200 and done.json()["status"] == "contacted"
    assert done.json()["assignee_id"] == staff.ids["employee"] and done.headers["etag"] != etag
    stale = client.patch(url, json={"status": "lost"}, headers={**keys["write"], "If-Match": etag})
    assert stale.status_code == 409
    illegal = client.patch(url, json={"status": "contacted", "version": done.json()["version"]}, headers=keys["write"])
    assert illegal.status_code == 409 and "already contacted" in illegal.json()["detail"]
    history = client.get(url, headers=keys["read"]).json()["history"]
    assert [(h["field"], h["new"]) for h in history][-2:] == [
        ("status", "contacted"),
        ("assignee", str(staff.ids["employee"])),
    ]


def test_stats_over_a_period(client: TestClient, keys: dict[str, dict[str, str]], staff: Staff) -> None:
    body = client.get("/api/v1/stats?from=2026-03-01&to=2026-03-31", headers=keys["read"]).json()
    assert body["total"] == 3 and body["by_status"] == {"new": 3} and body["by_source"] == {"web_form": 3}
    assert body["by_assignee"] == {"none": 1, str(staff.ids["employee"]): 1, str(staff.ids["employee2"]): 1}
    empty = client.get("/api/v1/stats?from=2025-01-01&to=2025-01-31", headers=keys["read"]).json()
    assert {k: empty[k] for k in ("total", "by_status", "by_source", "by_assignee")} == {
        "total": 0,
        "by_status": {},
        "by_source": {},
        "by_assignee": {},
    }


def test_a_key_over_its_rate_gets_429_with_retry_after(
    client: TestClient, container: Container, keys: dict[str, dict[str, str]], clock: FakeClock
) -> None:
    clock.step = timedelta(0)  # every request inside one minute
    limit = container.settings().api_requests_per_minute
    codes = [client.get("/api/v1/leads?limit=1", headers=keys["read"]).status_code for _ in range(limit + 1)]
    assert codes[:limit] == [200] * limit and codes[limit] == 429
    last = client.get("/api/v1/leads", headers=keys["read"])
    assert last.status_code == 429 and int(last.headers["retry-after"]) > 0


def test_guessing_api_keys_from_one_address_is_throttled_without_stopping_other_callers(
    client: TestClient, container: Container, keys: dict[str, dict[str, str]], clock: FakeClock
) -> None:
    clock.step = timedelta(0)
    guesses = [f"Bearer lm_{n:08x}_{'s' * 32}" for n in range(25)]
    codes = [client.get("/api/v1/leads", headers={"Authorization": g}).status_code for g in guesses]
    assert codes == [401] * FAILED_KEYS_PER_ADDRESS + [429] * (25 - FAILED_KEYS_PER_ADDRESS)
    refused = client.get("/api/v1/leads", headers=keys["read"])
    assert refused.status_code == 429 and int(refused.headers["retry-after"]) > 0, "even a right key, from there"
    with TestClient(create_app(container), client=("198.51.100.9", 50000)) as elsewhere:
        assert elsewhere.get("/api/v1/leads", headers=keys["read"]).status_code == 200
    clock.current += FAILED_KEYS_WINDOW
    assert client.get("/api/v1/leads", headers=keys["read"]).status_code == 200


def test_the_openapi_document_lists_exactly_the_routes(client: TestClient) -> None:
    from leadsmanager.entrypoints.api.push import routes as push_routes
    from leadsmanager.entrypoints.api.routes import routes as api_routes
    from leadsmanager.entrypoints.api.webhooks import routes as webhook_routes

    routes = [*api_routes, *webhook_routes, *push_routes]

    document = client.get("/api/v1/openapi.json").json()
    assert document["openapi"].startswith("3.1")
    described = {(m.upper(), p) for p, ops in document["paths"].items() for m in ops}
    served = {(m, re.sub(r":\w+}", "}", r.path)) for r in routes for m in (r.methods or ()) if m != "HEAD"}
    assert described == served - {("GET", "/api/v1/openapi.json")}


def test_stats_carry_the_reports_figures(
    client: TestClient, container: Container, keys: dict[str, dict[str, str]], staff: Staff, clock: FakeClock
) -> None:
    rep = Actor(staff.ids["employee"], Role.EMPLOYEE, "rep")
    clock.current += timedelta(minutes=12)
    for status in (LeadStatus.CONTACTED, LeadStatus.QUALIFIED, LeadStatus.WON):
        container.change_status()(staff.leads["employee"], status, by=rep)
    clock.current += timedelta(days=2)
    body = client.get("/api/v1/stats?tz=America/New_York", headers=keys["read"]).json()
    assert body["period"] == {"from": None, "to": None, "time_zone": "America/New_York"}
    assert [(f["stage"], f["leads"]) for f in body["funnel"]] == [
        ("new", 3),
        ("contacted", 1),
        ("qualified", 1),
        ("proposal", 1),
        ("won", 1),
    ]
    assert body["conversion_by_source"] == [{"source": "web_form", "leads": 3, "spam": 0, "won": 1, "rate": 1 / 3}]
    assert body["first_response"] == {
        "answered": 1,
        "median": {"within_seconds": 900},  # 12 min 1 s: the 15-minute bucket
        "p90": {"within_seconds": 900},
        "follow_up_hours": 24,
        "waiting_past_follow_up": 2,
    }
    assert body["by_site"] == [{"site": "", "form_id": "", "leads": 3}]
    reps = {r["name"]: r for r in body["reps"]}
    assert (reps["Employee"]["won"], reps["Employee2"]["waiting_past_follow_up"]) == (1, 1)
    # The first lead arrived on Mar 1 just after 09:00 UTC: 04:00 that morning in New York, not the day before.
    day_before = client.get("/api/v1/stats?to=2026-02-28&tz=America/New_York", headers=keys["read"]).json()
    assert day_before["total"] == 0
    bad = client.get("/api/v1/stats?tz=Nowhere/Special", headers=keys["read"])
    assert bad.status_code == 422 and "unknown time zone" in bad.json()["detail"]


def test_leads_list_best_score_first_with_their_wait(
    client: TestClient, container: Container, keys: dict[str, dict[str, str]], staff: Staff
) -> None:
    full = {**INTAKE, "company": "Acme", "service": "Solar", "message": "x" * 90}
    best = client.post("/api/v1/leads", json=full, headers=keys["both"]).json()["lead"]
    # 40 contact data, 5 sent by another system, 15 service, 15 a detailed message
    assert (best["score"], best["stage_reached"], best["first_response_at"]) == (75, "new", None)
    first = client.get("/api/v1/leads?sort=score&limit=2", headers=keys["read"]).json()
    assert first["items"][0]["id"] == best["id"]
    rest = client.get(f"/api/v1/leads?sort=score&limit=2&cursor={first['next_cursor']}", headers=keys["read"])
    assert [x["score"] for x in rest.json()["items"]] == [25, 25]
    mixed = client.get(f"/api/v1/leads?cursor={first['next_cursor']}", headers=keys["read"])
    assert mixed.status_code == 422 and "another order" in mixed.json()["detail"]


def test_a_write_only_key_learns_the_id_and_the_outcome_never_a_lead(
    client: TestClient, keys: dict[str, dict[str, str]], staff: Staff
) -> None:
    someone = {"name": "Prober", "email": "lead0@example.com", "message": "who are you?"}  # another's open lead
    joined = client.post("/api/v1/leads", json=someone, headers=keys["write"])
    created = client.post("/api/v1/leads", json=INTAKE, headers=keys["write"])
    assert (joined.status_code, joined.json()) == (200, {"outcome": "merged", "lead": {"id": staff.leads["employee"]}})
    assert created.status_code == 201 and created.json()["lead"].keys() == {"id"}
    url = f"/api/v1/leads/{staff.leads['nobody']}"
    etag = client.get(url, headers=keys["read"]).headers["etag"]
    changed = client.patch(url, json={"status": "contacted"}, headers={**keys["write"], "If-Match": etag})
    assert changed.status_code == 200 and changed.json() == {
        "id": staff.leads["nobody"],
        "version": int(etag[1:-1]) + 1,
    }
    assert changed.headers["etag"] == f'"{int(etag[1:-1]) + 1}"'


def test_an_employee_matching_a_colleagues_lead_learns_only_that_the_team_has_it(
    as_role: Callable[[str], TestClient], container: Container, staff: Staff
) -> None:
    rep = as_role("employee")
    theirs = {"name": "Lead 1", "email": "lead1@example.com", "message": "spoke on the phone", "external_id": "crm-9"}
    answers = [rep.post("/api/v1/leads", json=theirs) for _ in range(2)]
    assert [(a.status_code, a.json()) for a in answers] == [
        (200, {"outcome": "merged", "detail": "this person is already being handled by the team"}),
        (200, {"outcome": "duplicate", "detail": "this person is already being handled by the team"}),
    ]
    assert all("location" not in a.headers and str(staff.leads["employee2"]) not in a.text for a in answers)
    lead = container.get_lead()(staff.leads["employee2"], by=Actor.system()).lead
    assert [(e.field, e.actor_id) for e in lead.history][-1] == ("resubmission", staff.ids["employee"])
    assert lead.resubmissions == 0


def test_the_stages_list_the_keys_status_takes_in_order(client: TestClient, keys: dict[str, dict[str, str]]) -> None:
    answer = client.get("/api/v1/stages", headers=keys["read"])
    assert answer.status_code == 200
    body = answer.json()
    assert body["start"] == "new"
    assert [(s["key"], s["kind"]) for s in body["items"]] == [
        ("new", "open"),
        ("contacted", "open"),
        ("qualified", "open"),
        ("proposal", "open"),
        ("won", "won"),
        ("lost", "lost"),
        ("spam", "spam"),
    ]
    assert body["items"][4]["labels"] == {"en": "won", "es": "ganado"}
    assert client.get("/api/v1/stages").status_code == 401


def test_a_status_the_pipeline_lacks_is_a_422_naming_the_keys_in_a_patch_and_a_filter(
    client: TestClient, keys: dict[str, dict[str, str]], staff: Staff
) -> None:
    url = f"/api/v1/leads/{staff.leads['nobody']}"
    etag = client.get(url, headers=keys["read"]).headers["etag"]
    refused = client.patch(url, json={"status": "cotizado"}, headers={**keys["write"], "If-Match": etag})
    assert refused.status_code == 422  # the product's status for a ValidationError
    assert (
        "unknown status 'cotizado'; use one of: new, contacted, qualified, proposal, won, lost, spam"
        in (refused.json()["detail"])
    )
    filtered = client.get("/api/v1/leads?status=cotizado", headers=keys["read"])
    assert filtered.status_code == 422 and "use one of: new, contacted" in filtered.json()["detail"]
    assert client.get("/api/v1/leads?status=CONTACTED", headers=keys["read"]).status_code == 200
