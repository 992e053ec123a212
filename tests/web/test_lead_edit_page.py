"""The lead page's details form: corrections saved with each change in the history, and any refusal
(a stale page, a bad value, another open lead's contact) back on the page with what was typed."""

from __future__ import annotations

import re
from collections.abc import Callable

from starlette.testclient import TestClient

from leadsmanager.application.intake import HANDLED_BY_THE_TEAM
from leadsmanager.application.leads import LeadChanges
from leadsmanager.domain.actor import Actor
from leadsmanager.entrypoints.bootstrap.container import Container
from tests.web.conftest import Staff, csrf_of
from tests.web.test_stale_forms import lead, open_page

DETAILS = {
    "name": "Lead 0",
    "email": "lead0@example.com",
    "phone": "",
    "company": "",
    "service": "",
    "message": "",
}


def details_form(page: str) -> str:
    found = re.search(r'<form method="post" action="/leads/\d+/details" id="edit-lead">(.*?)</form>', page, re.S)
    assert found, "the page has no details form"
    return found.group(1)


def test_the_form_holds_the_leads_details_for_whoever_may_work_it(
    as_role: Callable[[str], TestClient], staff: Staff
) -> None:
    form = details_form(as_role("employee").get(f"/leads/{staff.leads['employee']}").text)
    assert 'value="Lead 0"' in form and 'value="lead0@example.com"' in form and 'name="version" value="2"' in form
    assert 'id="edit-lead"' in as_role("manager").get(f"/leads/{staff.leads['employee']}").text
    assert as_role("employee").get(f"/leads/{staff.leads['employee2']}").status_code == 404


def test_saved_corrections_show_in_the_history_old_to_new(
    as_role: Callable[[str], TestClient], staff: Staff, container: Container
) -> None:
    lead_id, rep = staff.leads["employee"], as_role("employee")
    token, version = open_page(rep, lead_id)
    typed = {**DETAILS, "name": "Ana  Paz", "phone": "202-555-0123", "company": "Paz & Hijos", "message": "a\r\nb"}

    sent = rep.post(f"/leads/{lead_id}/details", data={"csrf_token": token, "version": version, **typed})

    assert sent.status_code == 303 and sent.headers["location"] == f"/leads/{lead_id}"
    page = rep.get(f"/leads/{lead_id}").text
    assert "Details saved" in page
    history = dict(re.findall(r'<li data-field="(\w+)">([^<]*)</li>', page))
    assert history["name"].split("  ")[1] == "name: Lead 0 -&gt; Ana Paz"
    assert history["phone"].split("  ")[1] == "phone: (none) -&gt; +12025550123"
    assert history["company"].split("  ")[1] == "company: (none) -&gt; Paz &amp; Hijos"
    assert history["message"].split("  ")[1] == "message: (none) -&gt; a\nb"
    assert all(history[field].endswith("(Employee)") for field in ("name", "phone", "company", "message"))
    saved = lead(container, lead_id)
    assert (saved.contact_name, saved.phone, saved.version) == ("Ana Paz", "+12025550123", int(version) + 1)
    assert 'value="Ana Paz"' in details_form(page) and f'name="version" value="{saved.version}"' in page


def test_sending_the_details_unchanged_changes_nothing(
    as_role: Callable[[str], TestClient], staff: Staff, container: Container
) -> None:
    lead_id, rep = staff.leads["employee"], as_role("employee")
    token, version = open_page(rep, lead_id)
    sent = rep.post(f"/leads/{lead_id}/details", data={"csrf_token": token, "version": version, **DETAILS})
    assert sent.status_code == 303 and "Nothing was changed" in rep.get(f"/leads/{lead_id}").text
    assert lead(container, lead_id).version == int(version)


def test_a_stale_page_comes_back_with_what_was_typed(
    as_role: Callable[[str], TestClient], staff: Staff, container: Container
) -> None:
    lead_id, manager = staff.leads["nobody"], as_role("manager")
    token, version = open_page(manager, lead_id)
    container.update_lead()(lead_id, LeadChanges(details={"company": "Someone Else's Fix"}), by=Actor.system())
    typed = {**DETAILS, "name": "My Fix", "email": "lead2@example.com", "message": "Two lines\nof it"}

    sent = manager.post(f"/leads/{lead_id}/details", data={"csrf_token": token, "version": version, **typed})

    assert sent.status_code == 409 and "changed by someone else" in sent.text and "kept in the form" in sent.text
    form = details_form(sent.text)
    assert 'value="My Fix"' in form and "Two lines\nof it</textarea>" in form
    assert (
        '<details class="w3-card w3-white w3-padding w3-margin-bottom edit-card" id="edit-details" open>' in sent.text
    )
    assert f'name="version" value="{int(version) + 1}"' in form  # sending it again now works
    assert lead(container, lead_id).contact_name == "Lead 2"


def test_bad_values_are_marked_by_their_fields_and_kept(
    as_role: Callable[[str], TestClient], staff: Staff, container: Container
) -> None:
    lead_id, rep = staff.leads["employee"], as_role("employee")
    token, version = open_page(rep, lead_id)
    typed = {**DETAILS, "name": "", "email": "lead0@", "phone": "12345"}

    sent = rep.post(f"/leads/{lead_id}/details", data={"csrf_token": token, "version": version, **typed})

    assert sent.status_code == 400
    form = details_form(sent.text)
    errors = dict(re.findall(r'data-error-for="(\w+)">([^<]*)', form))
    assert set(errors) == {"email", "phone"} and errors["phone"] == "not a valid phone number"
    assert 'value="lead0@"' in form and 'value="12345"' in form
    cleared = rep.post(
        f"/leads/{lead_id}/details", data={"csrf_token": token, "version": version, **DETAILS, "name": ""}
    )
    assert cleared.status_code == 400 and 'data-error-for="name"' in details_form(cleared.text)
    assert lead(container, lead_id).version == int(version)


def test_another_open_leads_contact_is_refused_with_a_link_to_it(
    as_role: Callable[[str], TestClient], staff: Staff, container: Container
) -> None:
    lead_id, other, manager = staff.leads["nobody"], staff.leads["employee2"], as_role("manager")
    token, version = open_page(manager, lead_id)
    typed = {**DETAILS, "name": "Lead 2", "email": "LEAD1@example.com"}

    sent = manager.post(f"/leads/{lead_id}/details", data={"csrf_token": token, "version": version, **typed})

    assert sent.status_code == 409
    link = re.search(r'<a href="/leads/(\d+)" data-taken-by="\d+">([^<]*)</a>', details_form(sent.text))
    assert link and (int(link.group(1)), link.group(2)) == (other, f"Open lead #{other} (Lead 1)")
    assert 'value="LEAD1@example.com"' in details_form(sent.text)
    assert lead(container, lead_id).email == "lead2@example.com"


def test_an_employee_is_told_only_that_the_team_has_the_contact(
    as_role: Callable[[str], TestClient], staff: Staff
) -> None:
    lead_id, rep = staff.leads["employee"], as_role("employee")
    token, version = open_page(rep, lead_id)
    typed = {**DETAILS, "email": "lead1@example.com"}

    sent = rep.post(f"/leads/{lead_id}/details", data={"csrf_token": token, "version": version, **typed})

    assert sent.status_code == 409 and HANDLED_BY_THE_TEAM in sent.text
    assert "data-taken-by" not in sent.text and f"/leads/{staff.leads['employee2']}" not in sent.text
    assert csrf_of(sent.text)
