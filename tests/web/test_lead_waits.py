"""The list and a lead's page show how long it waited for a first response, and its score."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import timedelta

from starlette.testclient import TestClient

from leadsmanager.domain.actor import Actor
from leadsmanager.domain.roles import Role
from leadsmanager.entrypoints.bootstrap.container import Container
from tests.support import FakeClock
from tests.web.conftest import Staff, csrf_of


def cell(page: str, kind: str, lead_id: int) -> tuple[str, str]:
    found = re.search(rf'<td class="([^"]*)" data-{kind}="{lead_id}">([^<]*)</td>', page)
    assert found, f"no {kind} cell for lead {lead_id}"
    return found.group(2), found.group(1)


def test_the_list_shows_each_wait_and_flags_the_overdue(
    as_role: Callable[[str], TestClient], container: Container, staff: Staff, clock: FakeClock
) -> None:
    rep = Actor(staff.ids["employee"], Role.EMPLOYEE, "rep")
    clock.current += timedelta(minutes=30)
    container.add_note()(staff.leads["employee"], "called, no answer", by=rep)
    clock.current += timedelta(hours=25)
    page = as_role("manager").get("/leads").text
    assert cell(page, "wait", staff.leads["employee"])[0] == "after 30 min"
    waiting, css = cell(page, "wait", staff.leads["nobody"])
    assert waiting.startswith("waiting 25 h") and "overdue" in css
    assert cell(page, "score", staff.leads["nobody"])[0] == "25"  # email 15, web form 10; nothing else given


def test_the_list_sorts_by_score(as_role: Callable[[str], TestClient], container: Container, staff: Staff) -> None:
    from leadsmanager.application.intake import LeadForm
    from leadsmanager.domain.lead import Channel

    full = LeadForm(Channel.WEB_FORM, name="Best", email="best@example.com", phone="(202) 555-0199", service="Solar")
    best = container.submit_lead()(full).lead_id
    page = as_role("manager").get("/leads?sort=score").text
    ids = [int(x) for x in re.findall(r'data-score="(\d+)"', page)]
    assert ids[0] == best and len(ids) == 4
    assert 'value="score" selected' in page
    assert as_role("manager").get("/leads?sort=sideways").status_code == 400


def test_a_leads_page_explains_its_score_and_wait(
    as_role: Callable[[str], TestClient], container: Container, staff: Staff, clock: FakeClock
) -> None:
    lead = staff.leads["nobody"]
    clock.current += timedelta(hours=2)
    manager = as_role("manager")  # after the clock moved: an idle session would have ended
    page = manager.get(f"/leads/{lead}").text
    assert re.search(r'id="lead-first-response" class="">waiting 2 h', page)
    assert 'id="score-total">25<' in page
    assert re.search(r'data-factor="contact data"><th>contact data</th><td class="nowrap">15 / 40', page)
    assert "no phone number" in page and "sent our web form (+10)" in page
    token = csrf_of(page)
    manager.post(f"/leads/{lead}/status", data={"csrf_token": token, "status": "contacted"})
    answered = manager.get(f"/leads/{lead}").text
    assert re.search(r'id="lead-first-response" class="">after 2 h', answered)
