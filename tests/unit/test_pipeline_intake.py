"""Intake and openness follow the configured pipeline: new leads start in its starting stage, suspected
spam goes to its spam stage, and a lead's openness is its stage's kind."""

from __future__ import annotations

from datetime import timedelta

import pytest

from leadsmanager.adapters.memory.store import MemoryStore
from leadsmanager.application.intake import LeadForm, Outcome, SubmitLead
from leadsmanager.application.leads import LeadChanges, ListLeads, UpdateLead
from leadsmanager.application.queries import LeadQuery
from leadsmanager.domain.actor import Actor
from leadsmanager.domain.errors import ValidationError
from leadsmanager.domain.lead import Channel
from leadsmanager.domain.pipeline import INTRALOG, StageKind
from leadsmanager.domain.roles import Role
from tests.conftest import UowFactory, ViewsFactory
from tests.support import FakeClock

MANAGER = Actor(user_id=7, role=Role.MANAGER, name="Max")


@pytest.fixture
def submit(memory_store: MemoryStore, memory_uow: UowFactory, clock: FakeClock) -> SubmitLead:
    memory_store.pipeline.pipeline = INTRALOG
    return SubmitLead(memory_uow, clock, phone_region="AR")


def test_a_new_lead_starts_where_the_configured_pipeline_starts(submit: SubmitLead) -> None:
    created = submit(LeadForm(Channel.WEB_FORM, name="Ana Paz", email="ana@example.com"))
    lead = created.lead
    assert lead is not None and created.outcome is Outcome.CREATED
    assert (lead.status, lead.status_kind, lead.stage_reached) == ("esperandoDatos", StageKind.OPEN, "esperandoDatos")
    assert [(e.old, e.new) for e in lead.history] == [(None, "esperandoDatos")]


def test_suspected_spam_goes_to_the_pipelines_spam_stage(submit: SubmitLead) -> None:
    form = LeadForm(Channel.WEB_FORM, name="Bot", email="bot@example.com", spam_reason="honeypot filled")
    created = submit(form)
    assert created.outcome is Outcome.SPAM and created.lead is not None
    assert (created.lead.status, created.lead.status_kind) == ("spam", StageKind.SPAM)
    assert [(e.old, e.new) for e in created.lead.history][:2] == [(None, "esperandoDatos"), ("esperandoDatos", "spam")]


def test_an_excluded_lead_is_closed_waits_for_nobody_and_a_new_message_makes_a_new_lead(
    submit: SubmitLead, memory_uow: UowFactory, clock: FakeClock
) -> None:
    first = submit(LeadForm(Channel.WEB_FORM, name="Job Seeker", email="cv@example.com"))
    with memory_uow() as uow:
        lead = uow.leads.get(first.lead_id)
        assert lead is not None
        lead.change_status("negativo", by=MANAGER, at=clock.now(), pipeline=uow.pipeline.get())
        uow.leads.save(lead)
        uow.commit()
    assert (lead.status_kind, lead.is_open, lead.waiting(clock.now() + timedelta(days=9))) == (
        StageKind.EXCLUDED,
        False,
        None,
    )
    again = submit(LeadForm(Channel.WEB_FORM, name="Job Seeker", email="cv@example.com"))
    assert again.outcome is Outcome.CREATED and again.lead_id != first.lead_id


def test_status_changes_and_list_filters_take_the_configured_pipelines_keys(
    submit: SubmitLead, memory_uow: UowFactory, memory_views: ViewsFactory, clock: FakeClock
) -> None:
    created = submit(LeadForm(Channel.WEB_FORM, name="Ana Paz", email="ana@example.com"))
    update = UpdateLead(memory_uow, clock, phone_region="AR")
    moved = update(created.lead_id, LeadChanges(status="faltacotizar"), by=MANAGER)  # the key, case aside
    assert (moved.status, moved.status_kind) == ("faltaCotizar", StageKind.OPEN)
    with pytest.raises(ValidationError) as refused:
        update(created.lead_id, LeadChanges(status="won"), by=MANAGER)
    assert "use one of: esperandoDatos, faltaCotizar" in str(refused.value)
    listed = ListLeads(memory_views, lambda: INTRALOG)
    assert [x.id for x in listed(LeadQuery(statuses=("faltaCotizar",)), by=MANAGER).leads] == [created.lead_id]
    with pytest.raises(ValidationError, match="unknown status 'qualified'"):
        listed(LeadQuery(statuses=("qualified",)), by=MANAGER)
