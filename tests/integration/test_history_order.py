"""A lead's history reads in time order (of one moment, in the order stored) from every storage, also when
it was stored otherwise, as an import stores another system's history with its original times."""

from __future__ import annotations

from datetime import timedelta

from leadsmanager.domain.lead import HistoryEntry, HistoryField, Lead
from leadsmanager.domain.pipeline import DEFAULT
from leadsmanager.domain.roles import Role
from tests.conftest import UowFactory, ViewsFactory
from tests.support import START, make_user, store, submission

HOUR = timedelta(hours=1)


def test_the_history_reads_by_time_then_as_stored(uow_factory: UowFactory, views_factory: ViewsFactory) -> None:
    rep = make_user(uow_factory, Role.EMPLOYEE).id
    stored_order = [
        HistoryEntry(HistoryField.STATUS, None, "new", None, START),
        HistoryEntry(HistoryField.STATUS, "new", "contacted", rep, START + 3 * HOUR),
        HistoryEntry(HistoryField.ASSIGNEE, None, str(rep), None, START),  # older than the move stored before it
        HistoryEntry(HistoryField.NOTE, None, "called", rep, START + HOUR),
        HistoryEntry(HistoryField.NOTE, None, "called again", rep, START + HOUR),  # same moment: stored order
    ]
    lead = Lead.imported(submission(1), status="contacted", history=stored_order, pipeline=DEFAULT, at=START)
    [lead_id] = store(uow_factory, lead)
    expected = [
        ("status", "new"),
        ("assignee", str(rep)),
        ("note", "called"),
        ("note", "called again"),
        ("status", "contacted"),
    ]
    with views_factory() as views:
        page = views.lead(lead_id)
    assert page is not None and [(e.field.value, e.new) for e in page.history] == expected
    with uow_factory() as uow:
        again = uow.leads.get(lead_id, with_history=True)
    assert again is not None and [(e.field.value, e.new) for e in again.history] == expected
