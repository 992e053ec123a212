"""Every staff route for every role: allowed, forbidden, or (someone else's lead) not found."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from starlette.testclient import TestClient

from tests.web.conftest import Staff, csrf_of

ROLES = ("anonymous", "employee", "manager", "admin")
# Expected status for GET pages; 303 means "sent to the login page".
PAGES: dict[str, tuple[int, int, int, int]] = {
    "/": (303, 200, 200, 200),
    "/leads": (303, 200, 200, 200),
    "/leads/mine": (303, 200, 200, 200),
    "/leads/export.csv": (303, 200, 200, 200),
    "/leads/sheet.csv": (303, 200, 200, 200),
    "/leads/new": (303, 200, 200, 200),
    "/leads/{own}": (303, 200, 200, 200),
    "/leads/{other}": (303, 404, 200, 200),
    "/leads/{nobody}": (303, 404, 200, 200),
    "/users": (303, 403, 403, 200),
    "/settings/stages": (303, 403, 403, 200),
    "/reports": (303, 200, 200, 200),
    "/reports/funnel.csv": (303, 200, 200, 200),
    "/forms/contact": (200, 200, 200, 200),
    "/forms/unknown": (404, 404, 404, 404),
    "/no/such/page": (404, 404, 404, 404),
}


def url(template: str, staff: Staff) -> str:
    return template.format(own=staff.leads["employee"], other=staff.leads["employee2"], nobody=staff.leads["nobody"])


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("page", PAGES)
def test_pages_by_role(as_role: Callable[[str], TestClient], staff: Staff, role: str, page: str) -> None:
    response = as_role(role).get(url(page, staff))
    assert response.status_code == PAGES[page][ROLES.index(role)]
    if response.status_code == 303:
        assert response.headers["location"].startswith("/login?next=")


def post(client: TestClient, path: str, **data: str) -> int:
    token = csrf_of(client.get("/").text) if "lm_session" in client.cookies else "none"
    return int(client.post(path, data={"csrf_token": token, **data}).status_code)


ACTIONS: dict[str, tuple[dict[str, str], tuple[int, int, int, int]]] = {
    # path: (form, expected for anonymous/employee/manager/admin); 303 after success is a redirect with a flash
    "/leads/{own}/note": ({"note": "called"}, (303, 303, 303, 303)),
    "/leads/{other}/note": ({"note": "called"}, (303, 404, 303, 303)),
    "/leads/{own}/status": ({"status": "contacted"}, (303, 303, 303, 303)),
    "/leads/{other}/status": ({"status": "contacted"}, (303, 404, 303, 303)),
    "/leads/{own}/assign": ({"assignee": ""}, (303, 403, 303, 303)),
    "/leads/{own}/delete": ({}, (303, 404, 404, 404)),
    "/users": (
        {"email": "new@example.com", "full_name": "New", "role": "employee", "password": "x" * 12},
        (303, 403, 403, 303),
    ),
}


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("action", ACTIONS)
def test_actions_by_role(as_role: Callable[[str], TestClient], staff: Staff, role: str, action: str) -> None:
    client = as_role(role)
    form, expected = ACTIONS[action]
    response_code = post(client, url(action, staff), **form)
    assert response_code == expected[ROLES.index(role)]


def test_an_employee_cannot_reach_another_reps_lead_by_any_route(
    as_role: Callable[[str], TestClient], staff: Staff
) -> None:
    rep = as_role("employee")
    other = staff.leads["employee2"]
    assert rep.get(f"/leads/{other}").status_code == 404
    listed = rep.get("/leads").text + rep.get("/leads/mine").text + rep.get("/leads/export.csv").text
    listed += rep.get("/leads/sheet.csv").text
    assert "lead1@example.com" not in listed and "lead0@example.com" in listed
