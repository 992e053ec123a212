"""CSRF, sessions that really end, login throttling, headers, hosts and body limits."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

import pytest
from starlette.testclient import TestClient

from leadsmanager.entrypoints.bootstrap.container import Container
from tests.support import FakeClock
from tests.web.conftest import PASSWORD, Staff, csrf_of, sign_in

STATE_CHANGES = [
    ("/leads/{lead}/note", {"note": "hello"}),
    ("/leads/{lead}/status", {"status": "contacted"}),
    ("/leads/{lead}/assign", {"assignee": ""}),
    ("/leads/{lead}/details", {"name": "Forged", "email": "forged@example.com"}),
    ("/leads/new", {"name": "A", "email": "a@example.com"}),
    ("/users", {"email": "n@example.com", "full_name": "N", "role": "employee", "password": "x" * 12}),
    ("/users/{user}", {"change": "deactivate"}),
    ("/logout", {}),
]


def target(path: str, staff: Staff) -> str:
    return path.format(lead=staff.leads["employee"], user=staff.ids["employee"])


@pytest.mark.parametrize(("path", "form"), STATE_CHANGES)
@pytest.mark.parametrize("token", ["missing", "foreign", "other-origin"])
def test_every_state_change_needs_this_sessions_token_from_this_site(
    as_role: Callable[[str], TestClient], staff: Staff, path: str, form: dict[str, str], token: str
) -> None:
    admin, stranger = as_role("admin"), as_role("manager")
    data, headers = dict(form), {}
    if token == "foreign":
        data["csrf_token"] = csrf_of(stranger.get("/").text)
    elif token == "other-origin":
        data["csrf_token"] = csrf_of(admin.get("/").text)
        headers["origin"] = "https://evil.example"
    response = admin.post(target(path, staff), data=data, headers=headers)
    assert response.status_code == 403
    assert admin.get("/users").status_code == 200, "the admin's session must survive the refused request"


def test_login_itself_is_protected_from_forged_posts(client: TestClient, staff: Staff) -> None:
    response = client.post("/login", data={"email": "admin@example.com", "password": PASSWORD})
    assert response.status_code == 403


def test_signing_in_issues_a_fresh_session_and_signing_out_ends_it(client: TestClient, staff: Staff) -> None:
    client.cookies.set("lm_session", "planted-by-an-attacker", domain="testserver.local")
    sign_in(client, "admin@example.com")
    session = client.cookies["lm_session"]
    assert session != "planted-by-an-attacker"
    assert client.get("/").status_code == 200
    client.post("/logout", data={"csrf_token": csrf_of(client.get("/").text)})
    client.cookies.set("lm_session", session, domain="testserver.local")  # a copy kept by someone else
    assert client.get("/").status_code == 303


def test_deactivation_and_password_reset_end_the_users_sessions(
    as_role: Callable[[str], TestClient], staff: Staff
) -> None:
    admin, rep, manager = as_role("admin"), as_role("employee"), as_role("manager")
    token = csrf_of(admin.get("/").text)
    admin.post(
        f"/users/{staff.ids['employee']}", data={"csrf_token": token, "change": "deactivate", "confirmed": "yes"}
    )
    admin.post(
        f"/users/{staff.ids['manager']}",
        data={"csrf_token": token, "change": "password", "password": "another long password"},
    )
    assert rep.get("/").status_code == 303
    assert manager.get("/").status_code == 303
    assert admin.get("/").status_code == 200


def test_sessions_expire_when_idle(client: TestClient, staff: Staff, clock: FakeClock) -> None:
    sign_in(client, "admin@example.com")
    clock.current += timedelta(hours=1)
    assert client.get("/").status_code == 200
    clock.current += timedelta(hours=2, minutes=1)
    assert client.get("/").status_code == 303


def test_wrong_password_and_unknown_user_look_the_same(client: TestClient, staff: Staff) -> None:
    pages = []
    for email, password in (("admin@example.com", "wrong password"), ("ghost@example.com", PASSWORD)):
        token = csrf_of(client.get("/login").text)
        response = client.post("/login", data={"email": email, "password": password, "csrf_token": token})
        assert response.status_code == 400
        pages.append(response.text.replace(email, "EMAIL"))
    assert pages[0] == pages[1].replace(csrf_of(pages[1]), csrf_of(pages[0]))


def test_bad_logins_are_throttled_and_the_owner_gets_back_in_after_the_cool_off(
    client: TestClient, staff: Staff, clock: FakeClock
) -> None:
    codes = []
    for _ in range(200):
        token = csrf_of(client.get("/login").text)
        codes.append(
            client.post(
                "/login", data={"email": "admin@example.com", "password": "guess", "csrf_token": token}
            ).status_code
        )
    assert codes[:5] == [400] * 5 and set(codes[5:]) == {429}
    token = csrf_of(client.get("/login").text)
    blocked = client.post("/login", data={"email": "admin@example.com", "password": PASSWORD, "csrf_token": token})
    assert blocked.status_code == 429
    clock.current += timedelta(minutes=16)
    sign_in(client, "admin@example.com")
    assert client.get("/users").status_code == 200


def test_login_redirects_only_to_this_site(client: TestClient, staff: Staff) -> None:
    token = csrf_of(client.get("/login").text)
    data = {"email": "admin@example.com", "password": PASSWORD, "csrf_token": token, "next": "//evil.example/x"}
    assert client.post("/login", data=data).headers["location"] == "/"


def test_security_headers(client: TestClient, staff: Staff) -> None:
    staff_page, form = client.get("/login"), client.get("/forms/contact")
    assert "frame-ancestors 'none'" in staff_page.headers["content-security-policy"]
    assert staff_page.headers["x-frame-options"] == "DENY"
    assert "frame-ancestors *" in form.headers["content-security-policy"]
    for response in (staff_page, form):
        assert response.headers["x-content-type-options"] == "nosniff"
        assert response.headers["referrer-policy"] == "same-origin"
    cookie = staff_page.headers["set-cookie"]
    assert "HttpOnly" in cookie and "SameSite=lax" in cookie


def test_unknown_hosts_are_refused(client: TestClient) -> None:
    assert client.get("/login", headers={"host": "evil.example"}).status_code == 400


def test_oversized_bodies_are_refused(client: TestClient, staff: Staff) -> None:
    response = client.post(
        "/forms/contact", content=b"x" * 1_000_001, headers={"content-type": "application/x-www-form-urlencoded"}
    )
    assert response.status_code == 413


def test_templates_escape_what_leads_contain(as_role: Callable[[str], TestClient], container: Container) -> None:
    from leadsmanager.application.intake import LeadForm
    from leadsmanager.domain.lead import Channel

    lead = container.submit_lead()(LeadForm(Channel.API, name="<script>alert(1)</script>", email="x@example.com"))
    page = as_role("admin").get(f"/leads/{lead.lead_id}").text
    assert "<script>alert(1)</script>" not in page and "&lt;script&gt;alert(1)&lt;/script&gt;" in page
