"""The public form as visitors use it: limits keep the lead, a start token is good once, the site is signed."""

from __future__ import annotations

import base64
import json
import re
from datetime import timedelta

from starlette.testclient import TestClient

from leadsmanager.application.queries import LeadQuery
from leadsmanager.domain.actor import Actor
from leadsmanager.domain.lead import Lead
from leadsmanager.domain.status import LeadStatus
from leadsmanager.entrypoints.bootstrap.container import Container
from tests.support import FakeClock

STARTED = re.compile(r'name="started" value="([^"]+)"')


def open_form(client: TestClient, path: str = "/forms/contact", **headers: str) -> str:
    found = STARTED.search(client.get(path, headers=headers).text)
    assert found
    return found.group(1)


def leads(container: Container) -> list[Lead]:
    found = container.list_leads()(LeadQuery(limit=200), by=Actor.system()).leads
    return [container.get_lead()(lead.id or 0, by=Actor.system()).lead for lead in found]


def person(n: int, started: str, **more: str) -> dict[str, str]:
    return {"started": started, "name": f"Person {n}", "email": f"p{n}@example.com", **more}


def test_past_the_limit_the_lead_is_stored_for_review_and_the_visitor_keeps_what_they_typed(
    client: TestClient, container: Container, clock: FakeClock
) -> None:
    for n in range(10):
        started = open_form(client)
        clock.current += timedelta(seconds=5)
        assert client.post("/forms/contact", data=person(n, started)).status_code == 200
    started = open_form(client)
    clock.current += timedelta(seconds=5)
    eleventh = person(10, started, name="Olga Last", message="Forty pallets to Rosario, please call")
    response = client.post("/forms/contact", data=eleventh)
    assert response.status_code == 429 and response.headers["retry-after"] == "600"
    page = response.text
    assert 'id="public-form"' in page and "Back to the dashboard" not in page
    assert 'value="Olga Last"' in page and "Forty pallets to Rosario, please call" in page
    assert "no need to send it again" in page
    [held] = [lead for lead in leads(container) if lead.contact_name == "Olga Last"]
    assert held.status == LeadStatus.SPAM and held.message == "Forty pallets to Rosario, please call"
    assert any("more than 10 forms from one address" in (entry.new or "") for entry in held.history)
    assert len(leads(container)) == 11
    # The same form sent again (a double click on that page) adds nothing and answers the same.
    again = client.post("/forms/contact", data=eleventh)
    assert again.status_code == 429 and "Forty pallets to Rosario, please call" in again.text
    assert len(leads(container)) == 11


def test_a_double_click_stores_one_lead_and_both_answers_are_the_thank_you(
    client: TestClient, container: Container, clock: FakeClock
) -> None:
    started = open_form(client)
    clock.current += timedelta(seconds=5)
    form = person(1, started, message="Quote for 3 containers")
    first, second = client.post("/forms/contact", data=form), client.post("/forms/contact", data=form)
    assert (first.status_code, second.status_code) == (200, 200)
    assert 'id="thanks"' in first.text and 'id="thanks"' in second.text
    [lead] = leads(container)
    assert lead.resubmissions == 0 and [e.field for e in lead.history if e.field == "resubmission"] == []


def test_a_used_start_token_is_refused_for_another_message_which_comes_back_to_be_sent_again(
    client: TestClient, container: Container, clock: FakeClock
) -> None:
    started = open_form(client)
    clock.current += timedelta(seconds=5)
    assert client.post("/forms/contact", data=person(1, started)).status_code == 200
    other = person(2, started, message="A different request")
    refused = client.post("/forms/contact", data=other)
    assert refused.status_code == 409
    assert 'value="p2@example.com"' in refused.text and "A different request" in refused.text
    assert [lead.email for lead in leads(container)] == ["p1@example.com"]
    fresh = STARTED.search(refused.text)
    assert fresh and fresh.group(1) != started
    # Sent again from that page, it is accepted at once: the new token keeps the original opening time.
    accepted = client.post("/forms/contact", data={**other, "started": fresh.group(1)})
    assert accepted.status_code == 200 and 'id="thanks"' in accepted.text
    assert sorted((lead.email, lead.status) for lead in leads(container)) == [
        ("p1@example.com", LeadStatus.NEW),
        ("p2@example.com", LeadStatus.NEW),
    ]


def test_the_site_is_the_page_that_embedded_the_form_not_this_app(
    client: TestClient, container: Container, clock: FakeClock
) -> None:
    from_referer = open_form(client, referer="https://shop.example/contact-us?x=1")
    from_parameter = open_form(client, "/forms/contact?site=https://Blog.Example/post/7")
    clock.current += timedelta(seconds=5)
    ours = {"referer": "http://testserver/forms/contact"}  # what the browser sends with the form itself
    assert client.post("/forms/contact", data=person(1, from_referer), headers=ours).status_code == 200
    thanks = client.post("/forms/contact", data=person(2, from_parameter), headers=ours)
    assert 'href="/forms/contact?site=blog.example"' in thanks.text
    assert sorted(lead.site for lead in leads(container)) == ["blog.example", "shop.example"]


def test_a_start_token_whose_site_was_changed_is_not_believed(
    client: TestClient, container: Container, clock: FakeClock
) -> None:
    payload, _, mac = open_form(client, referer="https://shop.example/").rpartition(".")
    start = json.loads(base64.urlsafe_b64decode(payload))
    assert start["site"] == "shop.example"
    forged = base64.urlsafe_b64encode(json.dumps({**start, "site": "rival.example"}).encode()).decode()
    clock.current += timedelta(seconds=5)
    sent = client.post(
        "/forms/contact", data=person(1, f"{forged}.{mac}"), headers={"referer": "https://rival.example/"}
    )
    assert sent.status_code == 200
    [lead] = leads(container)
    assert lead.site == "" and lead.status == LeadStatus.SPAM
    assert any("start token is missing or forged" in (entry.new or "") for entry in lead.history)
