"""What staff and visitors see and do on the pages."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable
from datetime import timedelta

from dependency_injector import providers
from starlette.testclient import TestClient

from leadsmanager.application.intake import LeadForm
from leadsmanager.application.queries import LeadQuery
from leadsmanager.domain.actor import Actor
from leadsmanager.domain.lead import Channel
from leadsmanager.domain.status import LeadStatus
from leadsmanager.entrypoints.bootstrap.container import Container
from leadsmanager.entrypoints.web.app import create_app
from tests.support import FakeClock
from tests.web.conftest import Staff, csrf_of, sign_in
from tests.web.test_languages import choose_language

STARTED = re.compile(r'name="started" value="([^"]+)"')


def open_form(client: TestClient, path: str = "/forms/contact") -> str:
    found = STARTED.search(client.get(path).text)
    assert found
    return found.group(1)


def all_leads(container: Container) -> list[object]:
    return list(container.list_leads()(LeadQuery(limit=200), by=Actor.system()).leads)


def history_of(container: Container, lead_id: int) -> list[tuple[str, str | None]]:
    lead = container.get_lead()(lead_id, by=Actor.system()).lead
    return [(e.field, e.new) for e in lead.history]


def test_a_visitor_sends_the_public_form_and_the_lead_appears(
    client: TestClient, container: Container, clock: FakeClock
) -> None:
    opened = client.get(
        "/forms/contact?utm_source=newsletter&utm_campaign=spring", headers={"referer": "https://intralog.example/"}
    )
    found = STARTED.search(opened.text)
    assert found
    started = found.group(1)
    clock.current += timedelta(seconds=20)
    form = {
        "started": started,
        "name": " Ana  Paz ",
        "email": "ANA@example.com",
        "phone": "(202) 555-0143",
        "message": "Quote please",
        "utm_source": "newsletter",
        "utm_campaign": "spring",
        "website": "",
    }
    response = client.post("/forms/contact", data=form, headers={"referer": "http://testserver/forms/contact"})
    assert response.status_code == 200 and "Thank you" in response.text
    [lead] = all_leads(container)
    assert (lead.contact_name, lead.email, lead.phone, lead.status) == (  # type: ignore[attr-defined]
        "Ana Paz",
        "ana@example.com",
        "+12025550143",
        LeadStatus.NEW,
    )
    assert lead.utm == {"utm_source": "newsletter", "utm_campaign": "spring"}  # type: ignore[attr-defined]
    assert lead.form_id == "contact" and lead.site == "intralog.example"  # type: ignore[attr-defined]


def test_bots_are_kept_as_spam_with_their_reason(client: TestClient, container: Container, clock: FakeClock) -> None:
    person = {"name": "Bot", "email": "bot@example.com"}
    honeypot = {**person, "started": open_form(client), "website": "http://spam.example"}
    clock.current += timedelta(seconds=20)
    assert client.post("/forms/contact", data=honeypot).status_code == 200
    too_fast = {**person, "started": open_form(client), "email": "bot2@example.com"}
    assert client.post("/forms/contact", data=too_fast).status_code == 200
    forged = {**person, "started": "e30.0000", "email": "bot3@example.com"}
    assert client.post("/forms/contact", data=forged).status_code == 200
    leads = all_leads(container)
    assert [x.status for x in leads] == [LeadStatus.SPAM] * 3  # type: ignore[attr-defined]
    reasons = sorted(history_of(container, x.id)[-1][1] or "" for x in leads)  # type: ignore[attr-defined]
    assert [r.split(": ", 1)[1][:17] for r in reasons] == [
        "the form was sent",
        "the form's start ",
        "the hidden field ",
    ]


def test_a_visitors_mistakes_come_back_marked_with_their_values(
    client: TestClient, container: Container, clock: FakeClock
) -> None:
    started = open_form(client)
    clock.current += timedelta(seconds=20)
    response = client.post(
        "/forms/contact", data={"started": started, "name": "Ana", "email": "ana@", "phone": "12", "message": "keep me"}
    )
    assert response.status_code == 400
    assert 'data-error-for="email"' in response.text and 'data-error-for="phone"' in response.text
    assert 'value="ana@"' in response.text and "keep me" in response.text
    assert all_leads(container) == []


def test_one_address_sending_too_many_forms_is_slowed_down(client: TestClient, clock: FakeClock) -> None:
    codes = []
    for n in range(11):
        started = open_form(client)
        clock.current += timedelta(seconds=5)
        data = {"started": started, "name": f"P{n}", "email": f"p{n}@example.com"}
        codes.append(client.post("/forms/contact", data=data).status_code)
    assert codes[:10] == [200] * 10 and codes[10] == 429


def test_an_employee_enters_a_lead_and_keeps_it(as_role: Callable[[str], TestClient], staff: Staff) -> None:
    rep = as_role("employee")
    token = csrf_of(rep.get("/leads/new").text)
    bad = rep.post("/leads/new", data={"csrf_token": token, "name": "Walk In", "email": "nope"})
    assert bad.status_code == 400 and 'value="Walk In"' in bad.text and 'data-error-for="email"' in bad.text
    done = rep.post("/leads/new", data={"csrf_token": token, "name": "Walk In", "phone": "+1 202 555 0188"})
    assert done.status_code == 303
    page = rep.get(done.headers["location"])
    assert "Walk In" in page.text and "Lead created" in page.text
    assert 'id="lead-assignee">Employee<' in page.text


def test_an_employee_entering_a_colleagues_lead_learns_only_that_the_team_has_it(
    as_role: Callable[[str], TestClient], container: Container, staff: Staff
) -> None:
    rep = as_role("employee")
    token = csrf_of(rep.get("/leads/new").text)
    done = rep.post("/leads/new", data={"csrf_token": token, "name": "Lead 1", "email": "lead1@example.com"})
    assert done.status_code == 303 and done.headers["location"] == "/leads/mine"
    page = rep.get(done.headers["location"])
    assert "This person is already being handled by the team" in page.text
    assert f"/leads/{staff.leads['employee2']}" not in page.text
    lead = container.get_lead()(staff.leads["employee2"], by=Actor.system()).lead
    assert [(e.field, e.actor_id) for e in lead.history][-1] == ("resubmission", staff.ids["employee"])


def test_filters_stay_in_the_address_and_pages_follow(
    as_role: Callable[[str], TestClient], container: Container, staff: Staff
) -> None:
    for n in range(5):
        container.submit_lead()(LeadForm(Channel.API, name=f"Garcia {n}", email=f"g{n}@example.com", service="audit"))
    manager = as_role("manager")
    page = manager.get("/leads?q=garcia&service=audit&sort=oldest")
    names = re.findall(r">(Garcia \d)</a>", page.text)
    assert names == ["Garcia 0", "Garcia 1", "Garcia 2", "Garcia 3", "Garcia 4"]
    assert 'value="garcia"' in page.text
    only_new = manager.get(f"/leads?status=contacted&assignee={staff.ids['employee']}")
    assert "No leads match" in only_new.text


def owner_cells(page: str) -> dict[int, str]:
    cells = re.findall(r'data-owner="(\d+)">(.*?)</(?:td|span)>', page)
    return {int(lead_id): re.sub(r"<[^>]+>", "", text).strip() for lead_id, text in cells}


def test_the_team_list_and_the_dashboard_say_whose_each_lead_is(
    as_role: Callable[[str], TestClient], staff: Staff
) -> None:
    manager = as_role("manager")
    whose = {
        staff.leads["employee"]: "Employee",
        staff.leads["employee2"]: "Employee2",
        staff.leads["nobody"]: "nobody",
    }
    assert owner_cells(manager.get("/leads").text) == whose
    assert owner_cells(manager.get("/").text) == whose  # all three still wait for their first contact
    rep = as_role("employee")
    assert owner_cells(rep.get("/leads/mine").text) == {}  # all theirs: no column for it
    assert owner_cells(rep.get("/").text) == {}


def test_phones_read_grouped_with_their_country_code_and_dial_as_stored(
    as_role: Callable[[str], TestClient], container: Container
) -> None:
    form = LeadForm(Channel.API, name="Ana Paz", phone="+5491145678901")
    lead_id = container.submit_lead()(form).lead_id
    manager = as_role("manager")
    assert "+54 9 11 4567-8901" in manager.get("/leads").text
    assert '<a href="tel:+5491145678901">+54 9 11 4567-8901</a>' in manager.get(f"/leads/{lead_id}").text


def test_the_csv_export_has_exactly_the_filtered_rows(
    as_role: Callable[[str], TestClient], container: Container, staff: Staff
) -> None:
    for n in range(7):
        name = "=HYPERLINK(evil)" if n == 0 else f"Export {n}"
        container.submit_lead()(LeadForm(Channel.API, name=name, email=f"e{n}@example.com", service="export"))
    body = as_role("manager").get("/leads/export.csv?service=export").text
    rows = list(csv.DictReader(io.StringIO(body)))
    assert len(rows) == 7
    assert {r["service"] for r in rows} == {"export"}
    assert "'=HYPERLINK(evil)" in {r["contact_name"] for r in rows}


def test_only_legal_moves_are_offered_and_a_stale_form_is_refused(
    as_role: Callable[[str], TestClient], staff: Staff, container: Container
) -> None:
    lead_id = staff.leads["employee"]
    rep = as_role("employee")
    page = rep.get(f"/leads/{lead_id}").text
    offered = re.findall(r'<option value="(\w+)">\1</option>', page)
    assert offered == ["contacted", "qualified", "proposal", "won", "lost"]
    token = csrf_of(page)
    first = rep.post(f"/leads/{lead_id}/status", data={"csrf_token": token, "status": "contacted", "version": "2"})
    assert first.status_code == 303
    stale = rep.post(f"/leads/{lead_id}/status", data={"csrf_token": token, "status": "lost", "version": "2"})
    assert stale.status_code == 409 and "changed by someone else" in stale.text
    assert container.get_lead()(lead_id, by=Actor.system()).lead.status == LeadStatus.CONTACTED


def test_the_dashboard_counts_and_shows_who_is_waiting(as_role: Callable[[str], TestClient], staff: Staff) -> None:
    page = as_role("manager").get("/").text
    assert '<h3 data-status="new">3</h3>' in page
    assert page.count("/leads/") >= 3 and "Waiting for first contact" in page
    rep_page = as_role("employee").get("/").text
    assert '<h3 data-status="new">1</h3>' in rep_page


def test_a_friendly_page_for_things_that_are_not_there(as_role: Callable[[str], TestClient]) -> None:
    response = as_role("admin").get("/leads/999999")
    assert response.status_code == 404 and "lead 999999 was not found" in response.text
    assert "Back to the dashboard" in response.text


def test_an_unexpected_failure_shows_a_friendly_page_without_details(container: Container, staff: Staff) -> None:

    def broken(*args: object, **kwargs: object) -> None:
        raise RuntimeError("database password is hunter2")

    container.dashboard.override(providers.Object(broken))
    with TestClient(create_app(container), raise_server_exceptions=False, follow_redirects=False) as client:
        sign_in(client, "admin@example.com")
        response = client.get("/")
    assert response.status_code == 500
    assert "Something went wrong on our side" in response.text and "hunter2" not in response.text


def test_an_unexpected_failure_is_said_in_the_readers_language(container: Container, staff: Staff) -> None:
    def broken(*args: object, **kwargs: object) -> None:
        raise RuntimeError("database password is hunter2")

    with TestClient(create_app(container), raise_server_exceptions=False, follow_redirects=False) as client:
        sign_in(client, "admin@example.com")
        choose_language(client, "es")
        container.dashboard.override(providers.Object(broken))
        response = client.get("/")
    assert response.status_code == 500
    assert "Algo falló de nuestro lado" in response.text and "hunter2" not in response.text


def test_an_admin_makes_a_key_sees_it_once_and_revokes_it(as_role: Callable[[str], TestClient]) -> None:
    admin = as_role("admin")
    token = csrf_of(admin.get("/users").text)
    refused = admin.post("/users/api-keys", data={"csrf_token": token, "name": "Site"})
    assert refused.status_code == 400 and 'data-error-for="scopes"' in refused.text
    made = admin.post("/users/api-keys", data={"csrf_token": token, "name": "Site", "scopes": ["leads:write"]})
    assert made.status_code == 303
    secret = re.search(r'<code id="new-key-secret">([^<]+)</code>', admin.get(made.headers["location"]).text)
    assert secret
    api = {"Authorization": f"Bearer {secret.group(1)}"}
    assert admin.post("/api/v1/leads", json={"name": "K", "email": "k@example.com"}, headers=api).status_code == 201
    page = admin.get("/users").text
    assert secret.group(1) not in page and "leads:write" in page
    assert "<title>Users · LeadsManager</title>" in page and page.count('id="api-keys"') == 1
    key_id = re.search(r'action="/users/api-keys/(\d+)/revoke"', page)
    assert key_id
    admin.post(f"/users/api-keys/{key_id.group(1)}/revoke", data={"csrf_token": token, "confirmed": "yes"})
    assert admin.post("/api/v1/leads", json={"name": "K", "email": "k2@example.com"}, headers=api).status_code == 401
