"""Lists sorted by score, best first, page by page, on every storage; and the index each page walks."""

from __future__ import annotations

from datetime import timedelta

import pytest
from attrs import evolve

from leadsmanager.adapters.sql.views.list_pages import walk
from leadsmanager.application.leads import ListLeads
from leadsmanager.application.queries import Cursor, LeadQuery
from leadsmanager.domain.actor import Actor
from leadsmanager.domain.errors import ValidationError
from leadsmanager.domain.lead import Channel
from leadsmanager.domain.pipeline import DEFAULT
from leadsmanager.domain.status import LeadStatus
from tests.conftest import UowFactory, ViewsFactory
from tests.support import START, new_lead, submission

SYSTEM = Actor.system()


def stored(uow_factory: UowFactory) -> dict[str, int]:
    """Six leads: scores 70, 70, 30, 20, 100 and 70 (the last one contacted)."""
    leads = {
        "a": new_lead(1, message="hi"),  # 15+15+10 contact, 10 web form, 15 service, 5 message
        "b": new_lead(2, message="hi"),
        "c": new_lead(3, email=None, phone="+12025550003", company="", service="", message="hi"),
        "d": new_lead(4, channel=Channel.API, email=None, company="", service="", message=""),
        "e": new_lead(5, channel=Channel.MANUAL, message="x" * 90),
        "f": new_lead(6, message="hi"),
    }
    for i, lead in enumerate(leads.values()):
        lead.created_at = START + timedelta(minutes=i)
    leads["e"].record_resubmission(submission(5), at=START)
    leads["e"].record_resubmission(submission(5), at=START)
    leads["f"].change_status(LeadStatus.CONTACTED, by=SYSTEM, at=START)
    with uow_factory() as uow:
        for lead in leads.values():
            uow.leads.add(lead)
        uow.commit()
    assert [x.score for x in leads.values()] == [70, 70, 30, 20, 100, 70]
    return {name: lead.id for name, lead in leads.items() if lead.id is not None}


def pages(views_factory: ViewsFactory, query: LeadQuery) -> list[list[int | None]]:
    found: list[list[int | None]] = []
    after = None
    list_leads = ListLeads(views_factory, lambda: DEFAULT)
    while True:
        page = list_leads(evolve(query, after=after, limit=2), by=SYSTEM)
        found.append([x.id for x in page.leads])
        if page.next_cursor is None:
            return found
        after = page.next_cursor


def test_best_first_with_ties_newest_first(uow_factory: UowFactory, views_factory: ViewsFactory) -> None:
    ids = stored(uow_factory)
    got = pages(views_factory, LeadQuery(by_score=True))
    assert got == [[ids["e"], ids["f"]], [ids["b"], ids["a"]], [ids["c"], ids["d"]]]


def test_filters_and_search_keep_the_score_order(uow_factory: UowFactory, views_factory: ViewsFactory) -> None:
    ids = stored(uow_factory)
    new = pages(views_factory, LeadQuery(by_score=True, statuses=(LeadStatus.NEW,)))
    assert flat(new) == [ids["e"], ids["b"], ids["a"], ids["c"], ids["d"]]
    searched = pages(views_factory, LeadQuery(by_score=True, search="person"))
    assert flat(searched) == [ids["e"], ids["f"], ids["b"], ids["a"], ids["c"], ids["d"]]
    assert flat(pages(views_factory, LeadQuery(by_score=True, search="person2@example.com"))) == [ids["b"]]


def flat(pages: list[list[int | None]]) -> list[int | None]:
    return [lead_id for page in pages for lead_id in page]


def test_a_cursor_from_another_order_is_refused(uow_factory: UowFactory, views_factory: ViewsFactory) -> None:
    ids = stored(uow_factory)
    newest = ListLeads(views_factory, lambda: DEFAULT)(LeadQuery(limit=2), by=SYSTEM).next_cursor
    assert newest is not None and newest.score is None
    with pytest.raises(ValidationError, match="another order"):
        ListLeads(views_factory, lambda: DEFAULT)(LeadQuery(by_score=True, after=newest), by=SYSTEM)
    best = Cursor(START, ids["a"], 70)
    assert Cursor.decode(best.encode()) == best
    with pytest.raises(ValidationError, match="another order"):
        ListLeads(views_factory, lambda: DEFAULT)(LeadQuery(after=best), by=SYSTEM)


@pytest.mark.parametrize(
    ("query", "index"),
    [
        (LeadQuery(by_score=True), "ix_leads_score_id"),
        (LeadQuery(by_score=True, statuses=(LeadStatus.NEW,)), "ix_leads_status_score_id"),
        (LeadQuery(by_score=True, assignee_id=3, statuses=(LeadStatus.NEW,)), "ix_leads_assignee_id_score_id"),
        (LeadQuery(by_score=True, unassigned=True), "ix_leads_assignee_id_score_id"),
        (LeadQuery(by_score=True, statuses=(LeadStatus.NEW, LeadStatus.CONTACTED)), None),
        (LeadQuery(by_score=True, source=Channel.API), "ix_leads_score_id"),
    ],
)
def test_a_score_page_walks_an_index_that_ends_in_score(query: LeadQuery, index: str | None) -> None:
    chosen = walk(query)
    assert (chosen and chosen.index) == index
