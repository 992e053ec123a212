"""Small things a new user trips over on the pages: exports, defaults, confirmations, the favicon."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable

from starlette.testclient import TestClient

from leadsmanager.application.api_keys import parse_scopes
from leadsmanager.application.intake import LeadForm
from leadsmanager.application.users import NewUser
from leadsmanager.domain.actor import Actor
from leadsmanager.domain.lead import Channel
from leadsmanager.domain.roles import Role
from leadsmanager.entrypoints.bootstrap.container import Container
from tests.web.conftest import PASSWORD, Staff, csrf_of, sign_in

STARTED = re.compile(r'name="started" value="([^"]+)"')


def test_the_web_export_opens_in_excel_with_accents_and_phones_as_they_are(
    as_role: Callable[[str], TestClient], container: Container, staff: Staff
) -> None:
    form = LeadForm(Channel.API, name="José Núñez", email="jose@example.com", phone="+1 202 555 0143", service="bom")
    container.submit_lead()(form)

    body = as_role("manager").get("/leads/export.csv?service=bom").content

    assert body.startswith(b"\xef\xbb\xbf")  # UTF-8 byte order mark: Excel then reads it as UTF-8
    [row] = list(csv.DictReader(io.StringIO(body.decode("utf-8-sig"))))
    assert row["contact_name"] == "José Núñez"
    assert row["phone"] == "+12025550143"


def test_suspected_spam_is_left_out_of_all_leads_and_the_export_unless_asked_for(
    as_role: Callable[[str], TestClient], container: Container, staff: Staff
) -> None:
    visitor = as_role("anonymous")
    started = STARTED.search(visitor.get("/forms/contact").text)
    assert started
    bot = {"name": "Cheap Pills", "email": "pills@example.com", "website": "http://pills.example"}
    assert visitor.post("/forms/contact", data={**bot, "started": started.group(1)}).status_code == 200
    manager = as_role("manager")

    assert "Cheap Pills" not in manager.get("/leads").text
    assert "Cheap Pills" not in manager.get("/leads?sort=score").text
    assert "Cheap Pills" not in manager.get("/leads/export.csv").text
    assert "Lead 0" in manager.get("/leads").text  # everything else is still there
    assert "Cheap Pills" in manager.get("/leads?status=spam").text
    assert "Cheap Pills" in manager.get("/leads/export.csv?status=spam").text


def test_the_users_page_tells_the_password_rule_and_offers_the_least_role_first(
    as_role: Callable[[str], TestClient], staff: Staff
) -> None:
    page = as_role("admin").get("/users").text
    new_user = page.split('id="new-user"')[1]

    assert 'minlength="10" aria-describedby="user-password-rule"' in new_user
    assert '<p class="w3-small" id="user-password-rule">At least 10 characters.</p>' in new_user
    assert '<option value="employee" selected>' in new_user and 'admin" selected' not in new_user
    reset = page.split('value="password"')[1]
    assert 'minlength="10"' in reset and "At least 10 characters." in reset.split("Reset password")[0]


def test_a_refused_new_user_keeps_the_role_chosen_and_the_page_whole(
    as_role: Callable[[str], TestClient], staff: Staff
) -> None:
    admin = as_role("admin")
    token = csrf_of(admin.get("/users").text)
    form = {"csrf_token": token, "email": "x@example.com", "full_name": "X", "role": "manager", "password": "short"}

    refused = admin.post("/users", data=form)

    assert refused.status_code == 400 and "at least 10 characters" in refused.text
    assert '<option value="manager" selected>' in refused.text.split('id="new-user"')[1]
    assert 'name="scopes" value="leads:read"' in refused.text  # the rest of the page is still whole


def test_deactivating_a_user_asks_first(
    as_role: Callable[[str], TestClient], staff: Staff, container: Container
) -> None:
    admin, rep = as_role("admin"), as_role("employee")
    token = csrf_of(admin.get("/users").text)
    address = f"/users/{staff.ids['employee']}"

    asked = admin.post(address, data={"csrf_token": token, "change": "deactivate"})

    assert asked.status_code == 200 and "Deactivate Employee?" in asked.text
    assert f'action="{address}"' in asked.text and 'name="confirmed" value="yes"' in asked.text
    assert 'href="/users">Cancel</a>' in asked.text
    assert rep.get("/").status_code == 200  # nothing happened yet
    done = admin.post(address, data={"csrf_token": token, "change": "deactivate", "confirmed": "yes"})
    assert done.status_code == 303 and rep.get("/").status_code == 303


def test_an_admin_is_not_offered_to_deactivate_themself(as_role: Callable[[str], TestClient], staff: Staff) -> None:
    page = as_role("admin").get("/users").text
    offered = set(re.findall(r'data-deactivate="(\d+)"', page))
    assert offered == {str(staff.ids[role]) for role in ("manager", "employee", "employee2")}


def test_an_address_a_refused_change_was_shown_at_opens_again_as_its_page(
    as_role: Callable[[str], TestClient], staff: Staff
) -> None:
    admin, lead_id = as_role("admin"), staff.leads["employee"]
    for action in ("details", "status", "assign", "note"):
        again = admin.get(f"/leads/{lead_id}/{action}")
        assert (again.status_code, again.headers["location"]) == (303, f"/leads/{lead_id}")
    again = admin.get(f"/users/{staff.ids['employee']}")
    assert (again.status_code, again.headers["location"]) == (303, "/users")


def test_revoking_an_api_key_asks_first(
    as_role: Callable[[str], TestClient], staff: Staff, container: Container
) -> None:
    admin = as_role("admin")
    key, secret = container.api_keys().create("Shop site", parse_scopes(["leads:read"]), by=Actor.system())
    token = csrf_of(admin.get("/users").text)
    address = f"/users/api-keys/{key.id}/revoke"
    api = {"Authorization": f"Bearer {secret}"}

    asked = admin.post(address, data={"csrf_token": token})

    assert asked.status_code == 200 and "Revoke the API key Shop site?" in asked.text
    assert f'action="{address}"' in asked.text and 'name="confirmed" value="yes"' in asked.text
    assert admin.get("/api/v1/leads", headers=api).status_code == 200
    assert admin.post(address, data={"csrf_token": token, "confirmed": "yes"}).status_code == 303
    assert admin.get("/api/v1/leads", headers=api).status_code == 401


def test_the_browser_tab_shows_the_products_icon(client: TestClient) -> None:
    icon = client.get("/favicon.ico")

    assert icon.status_code == 200 and icon.headers["content-type"] == "image/x-icon"
    assert icon.content[:4] == b"\x00\x00\x01\x00"  # an ICO file
    assert '<link rel="icon" href="/favicon.ico">' in client.get("/login").text


def test_a_new_api_key_is_shown_once_after_a_redirect_so_reloading_sends_nothing_again(
    as_role: Callable[[str], TestClient], staff: Staff, container: Container
) -> None:
    admin = as_role("admin")
    token = csrf_of(admin.get("/users").text)

    made = admin.post("/users/api-keys", data={"csrf_token": token, "name": "Shop", "scopes": ["leads:read"]})

    assert made.status_code == 303 and made.headers["location"].startswith("/users?new_key=")
    shown = admin.get(made.headers["location"])  # what a reload repeats: a GET, never the POST
    secret = re.search(r'<code id="new-key-secret">([^<]+)</code>', shown.text)
    assert secret and shown.headers["cache-control"] == "no-store"
    assert secret.group(1) not in made.headers["location"]
    assert admin.get("/api/v1/leads", headers={"Authorization": f"Bearer {secret.group(1)}"}).status_code == 200
    again = admin.get(made.headers["location"])
    assert secret.group(1) not in again.text and "already shown once" in again.text
    assert len(container.api_keys().list(by=Actor.system())) == 1


def test_a_new_api_key_is_shown_only_to_the_admin_who_made_it(
    as_role: Callable[[str], TestClient], staff: Staff, container: Container
) -> None:
    second = NewUser("second-admin@example.com", "Second Admin", Role.ADMIN, PASSWORD)
    container.user_admin().create(second, by=Actor.system())
    admin, colleague = as_role("admin"), sign_in(as_role("anonymous"), "second-admin@example.com")
    token = csrf_of(admin.get("/users").text)
    made = admin.post("/users/api-keys", data={"csrf_token": token, "name": "Shop", "scopes": ["leads:read"]})

    seen = colleague.get(made.headers["location"]).text

    assert 'id="new-key-secret"' not in seen
    assert 'id="new-key-secret"' not in admin.get(made.headers["location"]).text  # taken by that look
