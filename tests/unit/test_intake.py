"""Submitting leads: validated, normalised, de-duplicated, never lost."""

from __future__ import annotations

import json

import pytest

from leadsmanager.application.intake import LeadForm, Outcome, SubmitLead
from leadsmanager.application.queries import LeadQuery
from leadsmanager.domain.actor import Actor
from leadsmanager.domain.errors import ValidationError
from leadsmanager.domain.lead import Channel
from leadsmanager.domain.roles import Role
from leadsmanager.domain.status import LeadStatus
from tests.conftest import UowFactory, ViewsFactory
from tests.support import FakeClock, make_user

SYSTEM = Actor.system()


@pytest.fixture
def submit(memory_uow: UowFactory, clock: FakeClock) -> SubmitLead:
    return SubmitLead(memory_uow, clock, phone_region="AR")


def all_leads(views_factory: ViewsFactory) -> list[object]:
    with views_factory() as views:
        return [views.lead(x.id) for x in views.list(LeadQuery()).leads if x.id]


def test_a_web_form_lead_is_stored_clean(submit: SubmitLead, memory_uow: UowFactory) -> None:
    form = LeadForm(
        Channel.WEB_FORM,
        name="  maría   LÓPEZ ",
        email=" Maria.Lopez@Example.COM",
        phone="011 15 5555-1234",
        service="Logistics",
        message="Need a quote\nfor 3 trucks",
        site="intralog.example",
        form_id="contact",
        extras={"Budget": "10k", "empty": " "},
        utm={"utm_source": "google", "utm_medium": "cpc", "ignored": "x"},
    )
    result = submit(form)
    with memory_uow() as uow:
        lead = uow.leads.get(result.lead_id)
    assert result.outcome is Outcome.CREATED
    assert lead is not None
    assert (lead.contact_name, lead.email, lead.phone) == ("maría LÓPEZ", "maria.lopez@example.com", "+5491155551234")
    assert lead.message == "Need a quote\nfor 3 trucks"
    assert lead.extras == {"Budget": "10k"}
    assert lead.utm == {"utm_source": "google", "utm_medium": "cpc"}
    assert (lead.status, lead.assignee_id, lead.source) == (LeadStatus.NEW, None, Channel.WEB_FORM)


def test_every_field_problem_is_reported_at_once_and_nothing_is_stored(
    submit: SubmitLead, memory_views: ViewsFactory
) -> None:
    with pytest.raises(ValidationError) as caught:
        submit(LeadForm(Channel.WEB_FORM, name="", email="not-an-email", phone="12", company="x" * 300))
    assert set(caught.value.fields) == {"name", "email", "phone", "company"}
    assert all_leads(memory_views) == []


def test_a_lead_needs_some_way_to_reach_the_person(submit: SubmitLead) -> None:
    with pytest.raises(ValidationError) as caught:
        submit(LeadForm(Channel.API, name="Ana"))
    assert caught.value.fields == {"email": "enter an email address or a phone number"}


@pytest.mark.parametrize(
    "second",
    [
        LeadForm(Channel.API, name="Ana L.", email="ANA@example.com", message="second try"),
        LeadForm(Channel.MANUAL, name="Ana", phone="+54 9 11 5555-1234", message="second try"),
    ],
)
def test_the_same_person_writing_again_joins_their_open_lead(
    submit: SubmitLead, memory_views: ViewsFactory, second: LeadForm
) -> None:
    first = submit(LeadForm(Channel.WEB_FORM, name="Ana", email="ana@example.com", phone="011 15 5555-1234"))
    again = submit(second)
    assert again.outcome is Outcome.MERGED and again.lead_id == first.lead_id
    [lead] = all_leads(memory_views)
    entry = lead.history[-1]  # type: ignore[attr-defined]
    assert entry.field == "resubmission"
    assert json.loads(entry.new)["message"] == "second try"


def test_after_a_lead_is_closed_the_person_gets_a_new_one(submit: SubmitLead, memory_uow: UowFactory) -> None:
    from leadsmanager.application.leads import ChangeStatus

    first = submit(LeadForm(Channel.WEB_FORM, name="Ana", email="ana@example.com"))
    ChangeStatus(memory_uow, FakeClock())(first.lead_id, LeadStatus.LOST, by=SYSTEM)
    second = submit(LeadForm(Channel.WEB_FORM, name="Ana", email="ana@example.com"))
    assert second.outcome is Outcome.CREATED and second.lead_id != first.lead_id


def test_an_external_id_is_imported_once(submit: SubmitLead, memory_views: ViewsFactory) -> None:
    form = LeadForm(Channel.WORDPRESS, name="Bo", email="bo@example.com", external_id="shop/7/1001")
    first, replay = submit(form), submit(form)
    assert (first.outcome, replay.outcome) == (Outcome.CREATED, Outcome.DUPLICATE)
    assert replay.lead_id == first.lead_id
    assert len(all_leads(memory_views)) == 1


def test_a_synced_lead_with_a_bad_phone_is_kept_with_the_raw_value(submit: SubmitLead, memory_uow: UowFactory) -> None:
    result = submit(LeadForm(Channel.WORDPRESS, name="", phone="call after 5", external_id="shop/7/1002"))
    with memory_uow() as uow:
        lead = uow.leads.get(result.lead_id)
    assert lead is not None and lead.phone is None
    assert lead.extras == {"invalid_phone": "call after 5"}


def test_an_employee_keeps_the_lead_they_enter(submit: SubmitLead, memory_uow: UowFactory) -> None:
    rep = make_user(memory_uow, Role.EMPLOYEE)
    other = make_user(memory_uow, Role.EMPLOYEE)
    form = LeadForm(Channel.MANUAL, name="Walk In", phone="+1 202 555 0100", assignee_id=other.id)
    result = submit(form, by=rep.as_actor())
    with memory_uow() as uow:
        lead = uow.leads.get(result.lead_id, with_history=True)
    assert lead is not None and lead.assignee_id == rep.id
    assert [(e.field, e.new, e.actor_id) for e in lead.history] == [
        ("status", "new", rep.id),
        ("assignee", str(rep.id), rep.id),
    ]


def test_a_manager_may_assign_only_to_an_active_user(submit: SubmitLead, memory_uow: UowFactory) -> None:
    boss = make_user(memory_uow, Role.MANAGER)
    gone = make_user(memory_uow, Role.EMPLOYEE, active=False)
    rep = make_user(memory_uow, Role.EMPLOYEE)
    with pytest.raises(ValidationError, match="active"):
        submit(LeadForm(Channel.MANUAL, name="A", email="a@example.com", assignee_id=gone.id), by=boss.as_actor())
    result = submit(LeadForm(Channel.MANUAL, name="A", email="a@example.com", assignee_id=rep.id), by=boss.as_actor())
    with memory_uow() as uow:
        lead = uow.leads.get(result.lead_id)
    assert lead is not None and lead.assignee_id == rep.id


def test_staff_entering_a_known_person_is_their_entry_not_the_persons_engagement(
    submit: SubmitLead, memory_uow: UowFactory
) -> None:
    boss = make_user(memory_uow, Role.MANAGER)
    rep = make_user(memory_uow, Role.EMPLOYEE)
    first = submit(LeadForm(Channel.WEB_FORM, name="Ana", email="ana@example.com"))
    with memory_uow() as uow:
        before = uow.leads.get(first.lead_id)
        assert before is not None
        score = before.score
    for staff in (boss, rep):
        entry = LeadForm(Channel.MANUAL, name="Ana", email="ana@example.com", message=f"called {staff.full_name}")
        assert submit(entry, by=staff.as_actor()).lead_id == first.lead_id
    with memory_uow() as uow:
        lead = uow.leads.get(first.lead_id, with_history=True)
    assert lead is not None
    assert [(e.field, e.actor_id) for e in lead.history[1:]] == [("resubmission", boss.id), ("resubmission", rep.id)]
    assert (lead.resubmissions, lead.score) == (0, score)
    again = submit(LeadForm(Channel.WEB_FORM, name="Ana", email="ana@example.com"))  # the person writing is
    with memory_uow() as uow:
        engaged = uow.leads.get(again.lead_id)
    assert engaged is not None and engaged.resubmissions == 1 and engaged.score > score
