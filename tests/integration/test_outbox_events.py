"""Typed lead events in the outbox: recorded by the aggregate, stored as a kind and JSON data (the format
rows have always had), read back typed, and relayed by their class."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import Engine, insert, select

from leadsmanager.adapters.event_records import event_record, read_event
from leadsmanager.adapters.sql.engine import make_session_factory
from leadsmanager.adapters.sql.tables import outbox_events
from leadsmanager.adapters.sql.unit_of_work import SqlAlchemyUnitOfWork
from leadsmanager.application.job_types import Notice, TaskName
from leadsmanager.application.jobs import RelayOutbox
from leadsmanager.application.notices import NoticeSettings
from leadsmanager.domain.actor import Actor
from leadsmanager.domain.errors import StorageError
from leadsmanager.domain.events import (
    DetailsCorrected,
    LeadAssigned,
    LeadEvent,
    LeadResubmitted,
    LeadSubmitted,
    NoteAdded,
    SpamReceived,
    StatusChanged,
)
from leadsmanager.domain.lead import Channel
from leadsmanager.domain.roles import Role
from leadsmanager.domain.status import LeadStatus
from tests.conftest import UowFactory
from tests.jobs_support import ListQueue
from tests.support import FakeClock, new_lead, submission

AT = datetime(2025, 5, 1, 12, tzinfo=UTC)
# Rows as every version since each kind came wrote them: (kind, data).
OLD_ROWS: list[tuple[str, dict[str, object], LeadEvent]] = [
    ("lead_submitted", {"channel": "web_form"}, LeadSubmitted(Channel.WEB_FORM)),
    ("status_changed", {"old": "new", "new": "contacted"}, StatusChanged(LeadStatus.NEW, LeadStatus.CONTACTED)),
    ("lead_assigned", {"old": None, "new": 7}, LeadAssigned(None, 7)),
    ("note_added", {}, NoteAdded()),
    ("lead_resubmitted", {"channel": "wordpress"}, LeadResubmitted(Channel.WORDPRESS)),
    ("spam_received", {"reason": "a link in the name"}, SpamReceived("a link in the name")),
    ("details_corrected", {"fields": ["name", "email"]}, DetailsCorrected(("name", "email"))),
]


def test_the_aggregate_records_typed_events() -> None:
    lead = new_lead(1)
    manager = Actor(user_id=3, role=Role.MANAGER, name="Max")
    lead.change_status(LeadStatus.CONTACTED, by=manager, at=AT)
    lead.assign(7, by=manager, at=AT)
    lead.add_note("called back", by=manager, at=AT)
    lead.record_resubmission(submission(1), at=AT)
    assert lead.collect_events() == [
        LeadSubmitted(Channel.WEB_FORM),
        StatusChanged(LeadStatus.NEW, LeadStatus.CONTACTED),
        LeadAssigned(None, 7),
        NoteAdded(),
        LeadResubmitted(Channel.WEB_FORM),
    ]
    spam = new_lead(2)
    spam.mark_spam("a link in the name", at=AT)
    assert spam.collect_events() == [SpamReceived("a link in the name")]


@pytest.mark.parametrize(("kind", "data", "event"), OLD_ROWS, ids=[k for k, _, _ in OLD_ROWS])
def test_each_event_is_stored_as_earlier_versions_stored_it(
    kind: str, data: dict[str, object], event: LeadEvent
) -> None:
    assert event_record(event) == (kind, data)
    assert read_event(kind, data) == event


def test_a_row_this_version_cannot_read_is_a_storage_error() -> None:
    with pytest.raises(StorageError, match="not one this version knows"):
        read_event("lead_exploded", {})
    with pytest.raises(StorageError, match="cannot read"):
        read_event("status_changed", {"old": "new"})


@pytest.fixture(params=["sqlite", pytest.param("mariadb", marks=pytest.mark.mariadb)])
def engine(request: pytest.FixtureRequest) -> Engine:
    if request.param == "mariadb":
        request.getfixturevalue("mysql_uow")  # empties the tables
        mysql: Engine = request.getfixturevalue("mysql_engine")
        return mysql
    sqlite: Engine = request.getfixturevalue("sqlite_engine")
    return sqlite


def test_rows_written_by_an_earlier_version_are_read_and_relayed(engine: Engine, clock: FakeClock) -> None:
    with engine.begin() as connection:
        for lead_id, (kind, data, _) in enumerate(OLD_ROWS, start=1):
            connection.execute(insert(outbox_events).values(lead_id=lead_id, kind=kind, data=data, created_at=AT))
    factory = make_session_factory(engine)
    uow: UowFactory = lambda: SqlAlchemyUnitOfWork(factory)  # noqa: E731
    with uow() as unit:
        assert [(e.lead_id, e.event) for e in unit.outbox.pending(10)] == [
            (lead_id, event) for lead_id, (_, _, event) in enumerate(OLD_ROWS, start=1)
        ]
    queue = ListQueue()
    assert RelayOutbox(uow, clock, queue, NoticeSettings()).drain() == len(OLD_ROWS)
    assert queue.tasks == [(TaskName.SEND_NOTICE, {"lead_id": 1, "notice": Notice.NEW_LEAD.value})]


def test_a_new_event_is_written_in_the_format_earlier_versions_read(engine: Engine) -> None:
    factory = make_session_factory(engine)
    with SqlAlchemyUnitOfWork(factory) as unit:
        unit.leads.add(new_lead(1))
        unit.commit()
    with engine.connect() as connection:
        rows = connection.execute(select(outbox_events.c.kind, outbox_events.c.data)).all()
    assert [tuple(r) for r in rows] == [("lead_submitted", {"channel": "web_form"})]
