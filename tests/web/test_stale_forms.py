"""A form sent from a page that went stale: a note is kept, anything refused comes back with what was typed."""

from __future__ import annotations

import re
from collections.abc import Callable

from dependency_injector import providers
from starlette.testclient import TestClient

from leadsmanager.domain.actor import Actor
from leadsmanager.domain.errors import TransientConflict
from leadsmanager.domain.lead import Lead
from leadsmanager.domain.status import LeadStatus
from leadsmanager.entrypoints.bootstrap.container import Container
from tests.web.conftest import Staff, csrf_of

VERSION = re.compile(r'name="version" value="(\d+)"')


def lead(container: Container, lead_id: int) -> Lead:
    return container.get_lead()(lead_id, by=Actor.system()).lead


def open_page(client: TestClient, lead_id: int) -> tuple[str, str]:
    """The CSRF token and the lead's version, as the page the person has open holds them."""
    page = client.get(f"/leads/{lead_id}").text
    found = VERSION.search(page)
    assert found
    return csrf_of(page), found.group(1)


def test_a_note_typed_on_a_stale_page_is_saved(
    as_role: Callable[[str], TestClient], staff: Staff, container: Container
) -> None:
    lead_id = staff.leads["employee"]
    rep = as_role("employee")
    token, version = open_page(rep, lead_id)
    container.change_status()(lead_id, LeadStatus.CONTACTED, by=Actor.system())  # a colleague, meanwhile

    sent = rep.post(f"/leads/{lead_id}/note", data={"csrf_token": token, "version": version, "note": "Called back"})

    assert sent.status_code == 303
    after = lead(container, lead_id)
    assert [e.new for e in after.history if e.field == "note"] == ["Called back"]
    assert after.status == LeadStatus.CONTACTED and after.version == int(version) + 2


def test_a_stale_status_change_comes_back_with_the_choice_kept(
    as_role: Callable[[str], TestClient], staff: Staff, container: Container
) -> None:
    lead_id = staff.leads["nobody"]
    manager = as_role("manager")
    token, version = open_page(manager, lead_id)
    container.assign_lead()(lead_id, staff.ids["employee"], by=Actor.system())

    sent = manager.post(f"/leads/{lead_id}/status", data={"csrf_token": token, "version": version, "status": "lost"})

    assert sent.status_code == 409
    assert "changed by someone else" in sent.text and "kept in the form" in sent.text
    assert '<option value="lost" selected>' in sent.text
    assert f'name="version" value="{int(version) + 1}"' in sent.text  # sending it again now works
    assert lead(container, lead_id).status == LeadStatus.NEW


def test_a_stale_assignment_comes_back_with_the_choice_kept(
    as_role: Callable[[str], TestClient], staff: Staff, container: Container
) -> None:
    lead_id = staff.leads["nobody"]
    manager = as_role("manager")
    token, version = open_page(manager, lead_id)
    container.change_status()(lead_id, LeadStatus.CONTACTED, by=Actor.system())
    chosen = str(staff.ids["employee2"])

    sent = manager.post(f"/leads/{lead_id}/assign", data={"csrf_token": token, "version": version, "assignee": chosen})

    assert sent.status_code == 409 and "kept in the form" in sent.text
    assert re.search(rf'<option value="{chosen}" selected>', sent.text)
    assert lead(container, lead_id).assignee_id is None


def test_a_refused_note_keeps_its_text(
    as_role: Callable[[str], TestClient], staff: Staff, container: Container
) -> None:
    lead_id = staff.leads["employee"]
    rep = as_role("employee")
    token, version = open_page(rep, lead_id)
    text = "A long call & a longer story " * 400

    sent = rep.post(f"/leads/{lead_id}/note", data={"csrf_token": token, "version": version, "note": text})

    assert sent.status_code == 400 and "at most 10,000 characters" in sent.text
    assert "A long call &amp; a longer story" in sent.text.split('id="note"')[1]
    assert not [e for e in lead(container, lead_id).history if e.field == "note"]


def test_a_refused_change_on_the_users_page_comes_back_with_what_was_typed(
    as_role: Callable[[str], TestClient], staff: Staff
) -> None:
    admin = as_role("admin")
    token = csrf_of(admin.get("/users").text)
    me, rep = staff.ids["admin"], staff.ids["employee"]

    demoted = admin.post(f"/users/{me}", data={"csrf_token": token, "change": "role", "role": "manager"})
    bad_phone = admin.post(f"/users/{rep}", data={"csrf_token": token, "change": "phone", "phone": "call me maybe"})

    assert demoted.status_code == 409 and "Not saved: this is the last active admin" in demoted.text
    my_row = demoted.text.split('data-email="admin@example.com"')[1].split("</tr>")[0]
    assert '<option value="manager" selected>' in my_row
    assert bad_phone.status_code == 400 and 'id="change-error"' in bad_phone.text
    rep_row = bad_phone.text.split('data-email="employee@example.com"')[1].split("</tr>")[0]
    assert 'value="call me maybe"' in rep_row


def test_a_new_lead_refused_for_a_collision_comes_back_with_what_was_typed(
    as_role: Callable[[str], TestClient], staff: Staff, container: Container
) -> None:
    def collides(*args: object, **kwargs: object) -> None:
        raise TransientConflict("the change collided with another one at the same moment; reload and try again")

    manager = as_role("manager")
    token = csrf_of(manager.get("/leads/new").text)
    container.submit_lead.override(providers.Object(collides))
    typed = {"csrf_token": token, "name": "Nadia Ortiz", "email": "nadia@example.com", "message": "Two lines\nof text"}

    try:
        sent = manager.post("/leads/new", data=typed)
    finally:
        container.submit_lead.reset_override()

    assert sent.status_code == 409 and "What you typed is kept below" in sent.text
    assert 'value="Nadia Ortiz"' in sent.text and 'value="nadia@example.com"' in sent.text
    assert "Two lines\nof text</textarea>" in sent.text
