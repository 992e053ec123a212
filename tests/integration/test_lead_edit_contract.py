"""Correcting a lead's details, held by every storage (memory, SQLite, MariaDB): the history, the search
terms, the report counts, the open-contact keys and the version."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from zoneinfo import ZoneInfo

import pytest

from leadsmanager.adapters.sql.views.search_memory import SearchMemory
from leadsmanager.application.leads import LeadChanges, UpdateLead
from leadsmanager.application.queries import LeadQuery
from leadsmanager.application.reports import ReportQuery, Reports
from leadsmanager.domain.actor import Actor
from leadsmanager.domain.errors import Conflict, TransientConflict
from leadsmanager.domain.lead import HistoryField, Lead
from leadsmanager.domain.period import Period
from leadsmanager.domain.roles import Role
from tests.conftest import PlannedViews, UowFactory, ViewsFactory, interleaving_writers
from tests.support import START, FakeClock, new_lead, store

BOSS = Actor(user_id=None, role=Role.MANAGER, name="an integration")


def corrected(uow_factory: UowFactory, lead_id: int, **details: str) -> Lead:
    return UpdateLead(uow_factory, FakeClock(), phone_region="US")(lead_id, LeadChanges(details=details), by=BOSS)


def test_corrections_read_back_with_their_history(uow_factory: UowFactory) -> None:
    [lead_id] = store(uow_factory, new_lead(1, company=""))
    saved = corrected(uow_factory, lead_id, name="Ana Paz", email="ana@paz.example", company="Paz SA", phone="")
    with uow_factory() as uow:
        loaded = uow.leads.get(lead_id, with_history=True)
    assert loaded is not None and loaded.version == saved.version == 2
    assert (loaded.contact_name, loaded.email, loaded.phone, loaded.company) == (
        "Ana Paz",
        "ana@paz.example",
        None,
        "Paz SA",
    )
    assert loaded.score == saved.score
    assert [(e.field, e.old, e.new) for e in loaded.history[1:]] == [
        ("name", "Person 1", "Ana Paz"),
        ("email", "person1@example.com", "ana@paz.example"),
        ("phone", "+12025550001", None),
        ("company", None, "Paz SA"),
    ]


@pytest.mark.parametrize("common", [10_000, 1], ids=["rare-terms-plan", "probing-plan"])
def test_a_corrected_lead_is_found_by_its_new_details_and_not_its_old(
    uow_factory: UowFactory, planned_views: PlannedViews, common: int
) -> None:
    lead_id, other = store(
        uow_factory,
        new_lead(1, contact_name="Quentin Yarrow", company="Old Works", email="quentin@old.example"),
        new_lead(2, contact_name="Someone Else", company="Other", at=START + timedelta(minutes=1)),
    )
    views = planned_views(SearchMemory(common=common))

    def found(search: str) -> list[int]:
        with views() as read:
            return [x.id for x in read.list(LeadQuery(search=search)).leads if x.id is not None]

    assert found("yarrow") == [lead_id]  # searched once before: a planner may remember counts
    corrected(
        uow_factory,
        lead_id,
        name="Beatriz Ñandú",
        company="New Freight",
        email="bea@new.example",
        phone="+1 202 555 0199",
    )
    for old in ("quentin", "yarrow", "old", "5550001"):
        assert found(old) == [], old
    for new in ("beatriz", "nandu", "freight", "bea@new", "5550199", "+1 202 555 0199"):
        assert found(new) == [lead_id], new
    assert found("someone") == [other]
    corrected(uow_factory, lead_id, message="only the message: the terms stay")
    assert found("nandu") == [lead_id]


def test_a_corrected_service_moves_the_lead_in_the_reports(
    uow_factory: UowFactory, views_factory: ViewsFactory
) -> None:
    lead_id, _ = store(uow_factory, new_lead(1, service="Solar"), new_lead(2, service="Solar"))
    corrected(uow_factory, lead_id, service="Roofing")
    period = Period(START.date(), START.date(), ZoneInfo("UTC"))
    clock = FakeClock(START + timedelta(hours=1), step=timedelta(0))
    report = Reports(views_factory, clock, follow_up=timedelta(hours=24))(ReportQuery(period), by=BOSS)
    assert sorted(report.services) == [("Roofing", 1), ("Solar", 1)]


def test_the_storage_refuses_a_second_open_lead_with_one_contact(uow_factory: UowFactory) -> None:
    """The use case names the other lead; should a lead take the contact meanwhile, the open-contact keys
    still refuse the save, and the use case, run again, names it."""
    _, second = store(uow_factory, new_lead(1), new_lead(2))
    for details in ({HistoryField.EMAIL: "person1@example.com"}, {HistoryField.PHONE: "+12025550001"}):
        with pytest.raises(TransientConflict), uow_factory() as uow:
            lead = uow.leads.get(second)
            assert lead is not None
            lead.correct(details, by=BOSS, at=START)
            uow.leads.save(lead)
            uow.commit()
    with uow_factory() as uow:
        kept = uow.leads.get(second)
    assert kept is not None and (kept.email, kept.phone, kept.version) == ("person2@example.com", "+12025550002", 1)


def test_two_corrections_from_one_version_one_wins(uow_factory: UowFactory, request: pytest.FixtureRequest) -> None:
    """Both read version 1 before either saves: the second save is refused, and nothing of it is kept."""
    interleaving_writers(request)
    [lead_id] = store(uow_factory, new_lead(1))
    with uow_factory() as first, uow_factory() as second:
        mine, theirs = first.leads.get(lead_id), second.leads.get(lead_id)
        assert mine is not None and theirs is not None
        mine.correct({HistoryField.NAME: "Mine"}, by=BOSS, at=START)
        theirs.correct({HistoryField.NAME: "Theirs", HistoryField.COMPANY: "Theirs Co"}, by=BOSS, at=START)
        first.leads.save(mine)
        first.commit()
        with pytest.raises(Conflict):
            second.leads.save(theirs)
            second.commit()
    assert_only_mine(uow_factory, lead_id)


def test_two_corrections_sent_with_one_version_one_wins(uow_factory: UowFactory) -> None:
    """Through the use case, one after the other as SQLite's single writer runs them: the second is refused."""
    [lead_id] = store(uow_factory, new_lead(1))
    update: Callable[..., Lead] = UpdateLead(uow_factory, FakeClock(), phone_region="US")
    update(lead_id, LeadChanges(details={"name": "Mine"}), by=BOSS, expected_version=1)
    with pytest.raises(Conflict, match="changed by someone else"):
        update(lead_id, LeadChanges(details={"name": "Theirs", "company": "Theirs Co"}), by=BOSS, expected_version=1)
    assert_only_mine(uow_factory, lead_id)


def assert_only_mine(uow_factory: UowFactory, lead_id: int) -> None:
    with uow_factory() as uow:
        final = uow.leads.get(lead_id, with_history=True)
    assert final is not None and (final.contact_name, final.company, final.version) == ("Mine", "Company 1", 2)
    assert [(e.field, e.new) for e in final.history] == [("status", "new"), ("name", "Mine")]
