"""PATCH /api/v1/leads/{id} with a lead's details: partial, normalised, version-checked, never a second open
lead for one contact, every change in the history."""

from __future__ import annotations

from collections.abc import Callable

from starlette.testclient import TestClient

from leadsmanager.application.intake import HANDLED_BY_THE_TEAM
from tests.web.conftest import Staff

Keys = dict[str, dict[str, str]]


def patch(client: TestClient, lead_id: int, body: dict[str, object], headers: dict[str, str]) -> dict[str, object]:
    """The response of a PATCH sent with the lead's current ETag."""
    url = f"/api/v1/leads/{lead_id}"
    etag = client.get(url, headers=headers).headers["etag"]
    response = client.patch(url, json=body, headers={**headers, "If-Match": etag})
    return {"status": response.status_code, "body": response.json(), "etag": response.headers.get("etag")}


def test_a_partial_body_changes_only_what_it_names(client: TestClient, keys: Keys, staff: Staff) -> None:
    lead_id = staff.leads["nobody"]
    before = client.get(f"/api/v1/leads/{lead_id}", headers=keys["read"]).json()

    sent = patch(client, lead_id, {"name": "  Lucía   Gómez ", "phone": "(202) 555-0177"}, keys["both"])

    assert sent["status"] == 200
    after = client.get(f"/api/v1/leads/{lead_id}", headers=keys["read"]).json()
    assert (after["name"], after["phone"], after["email"]) == ("Lucía Gómez", "+12025550177", before["email"])
    assert after["version"] == before["version"] + 1 and sent["etag"] == f'"{after["version"]}"'
    assert [(h["field"], h["old"], h["new"], h["actor_id"]) for h in after["history"][-2:]] == [
        ("name", "Lead 2", "Lucía Gómez", None),  # an API key acts as the system
        ("phone", None, "+12025550177", None),
    ]
    assert after["score"] == before["score"] + 15  # a phone now


def test_a_corrected_lead_is_listed_by_its_new_name_only(client: TestClient, keys: Keys, staff: Staff) -> None:
    lead_id = staff.leads["nobody"]
    body: dict[str, object] = {
        "name": "Zoe Quartz",
        "company": "Quartz Freight",
        "email": None,
        "phone": "202 555 0188",
    }
    assert patch(client, lead_id, body, keys["both"])["status"] == 200

    def found(q: str) -> set[int]:
        return {x["id"] for x in client.get(f"/api/v1/leads?q={q}", headers=keys["read"]).json()["items"]}

    assert found("quartz") == found("zoe") == found("5550188") == {lead_id}
    assert found("lead") == {staff.leads["employee"], staff.leads["employee2"]} and found("lead2") == set()


def test_invalid_details_are_named_field_by_field(client: TestClient, keys: Keys, staff: Staff) -> None:
    lead_id = staff.leads["nobody"]
    body = {"email": "ana@", "phone": "12", "company": 5, "service": "s" * 121, "source": "api", "name": None}
    sent = patch(client, lead_id, body, keys["both"])
    assert sent["status"] == 422
    problem = sent["body"]
    assert isinstance(problem, dict)
    assert {e["field"]: e["message"] for e in problem["errors"]} == {
        "source": "unknown field",
        "company": "must be a string",
        "name": "must be a string",
    }
    normalised = patch(client, lead_id, {"email": "ana@", "phone": "12", "service": "s" * 121}, keys["both"])
    assert normalised["status"] == 422
    assert isinstance(normalised["body"], dict)
    assert [e["field"] for e in normalised["body"]["errors"]] == ["email", "phone", "service"]
    cleared = patch(client, lead_id, {"email": "", "name": ""}, keys["both"])  # Lead 2 has no phone
    assert cleared["status"] == 422
    assert isinstance(cleared["body"], dict)
    assert {e["field"] for e in cleared["body"]["errors"]} == {"name", "email"}
    assert client.get(f"/api/v1/leads/{lead_id}", headers=keys["read"]).json()["version"] == 1


def test_a_stale_version_is_409_and_changes_nothing(client: TestClient, keys: Keys, staff: Staff) -> None:
    url = f"/api/v1/leads/{staff.leads['nobody']}"
    etag = client.get(url, headers=keys["read"]).headers["etag"]
    first = client.patch(url, json={"name": "First"}, headers={**keys["write"], "If-Match": etag})
    second = client.patch(url, json={"name": "Second", "company": "Co"}, headers={**keys["write"], "If-Match": etag})
    by_body = client.patch(url, json={"name": "Third", "version": int(etag[1:-1])}, headers=keys["write"])
    unversioned = client.patch(url, json={"name": "Fourth"}, headers=keys["write"])
    assert [r.status_code for r in (first, second, by_body, unversioned)] == [200, 409, 409, 428]
    assert "changed by someone else" in second.json()["detail"]
    lead = client.get(url, headers=keys["read"]).json()
    assert (lead["name"], lead["company"]) == ("First", "")


def test_who_may_correct_follows_who_may_change_the_status(
    as_role: Callable[[str], TestClient], client: TestClient, keys: Keys, staff: Staff
) -> None:
    rep, manager = as_role("employee"), as_role("manager")
    own = patch(rep, staff.leads["employee"], {"company": "Mine Ltd"}, {})
    assert own["status"] == 200
    assert (
        rep.patch(f"/api/v1/leads/{staff.leads['employee2']}", json={"company": "x", "version": 2}).status_code == 404
    )
    assert rep.patch("/api/v1/leads/999999", json={"company": "x", "version": 1}).status_code == 404
    assert patch(manager, staff.leads["employee2"], {"company": "Theirs Ltd"}, {})["status"] == 200
    read_only = client.patch(
        f"/api/v1/leads/{staff.leads['nobody']}", json={"name": "Nope", "version": 1}, headers=keys["read"]
    )
    assert read_only.status_code == 403 and "leads:write" in read_only.json()["detail"]
    history = manager.get(f"/api/v1/leads/{staff.leads['employee']}").json()["history"]
    assert (history[-1]["field"], history[-1]["new"], history[-1]["actor_id"]) == (
        "company",
        "Mine Ltd",
        staff.ids["employee"],
    )


def test_a_contact_of_another_open_lead_is_refused_naming_it(
    as_role: Callable[[str], TestClient], client: TestClient, keys: Keys, staff: Staff
) -> None:
    other = staff.leads["employee"]  # Lead 0, lead0@example.com
    taken = patch(client, staff.leads["nobody"], {"email": "LEAD0@example.com", "name": "Renamed"}, keys["both"])
    assert taken["status"] == 409
    assert isinstance(taken["body"], dict)
    assert taken["body"]["conflicting_leads"] == [{"field": "email", "id": other, "name": "Lead 0"}]
    assert taken["body"]["errors"] == [{"field": "email", "message": f"lead {other} (Lead 0) is open with this email"}]

    url = f"/api/v1/leads/{staff.leads['nobody']}"
    blind = client.patch(url, json={"email": "lead0@example.com", "version": 1}, headers=keys["write"]).json()
    assert blind["conflicting_leads"] == [{"field": "email", "id": other}] and "Lead 0" not in str(blind)

    rep = as_role("employee2")
    hidden = patch(rep, staff.leads["employee2"], {"email": "lead0@example.com"}, {})
    assert hidden["status"] == 409
    assert isinstance(hidden["body"], dict)
    assert hidden["body"]["detail"] == HANDLED_BY_THE_TEAM and hidden["body"]["conflicting_leads"] == []
    assert str(other) not in str(hidden["body"]["errors"])
    lead = client.get(url, headers=keys["read"]).json()
    assert (lead["name"], lead["email"], lead["version"]) == ("Lead 2", "lead2@example.com", 1)


def test_the_openapi_document_describes_the_details_a_patch_corrects(client: TestClient) -> None:
    document = client.get("/api/v1/openapi.json").json()
    change = document["components"]["schemas"]["LeadChange"]["properties"]
    assert {"name", "email", "phone", "company", "service", "message"} <= change.keys()
    assert "conflicting_leads" in document["components"]["schemas"]["Problem"]["properties"]
