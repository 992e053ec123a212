"""A change's follow-up INSERTs sent together (bulk_insert.Writes): one round trip on MariaDB, and the
same rows, ids and failures as statements sent one by one."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import Engine, Row, func, select

from leadsmanager.adapters.sql import bulk_insert
from leadsmanager.adapters.sql.bulk_insert import BulkInsert, Writes
from leadsmanager.adapters.sql.engine import make_engine, make_session_factory
from leadsmanager.adapters.sql.tables import lead_history, leads
from leadsmanager.adapters.sql.unit_of_work import SqlAlchemyUnitOfWork
from leadsmanager.application.intake import LeadForm, Outcome, SubmitLead
from leadsmanager.application.queries import LeadQuery
from leadsmanager.domain.actor import Actor
from leadsmanager.domain.errors import StorageError
from leadsmanager.domain.lead import Channel
from leadsmanager.domain.status import LeadStatus
from tests.conftest import MYSQL_URL, UowFactory, ViewsFactory
from tests.integration.test_mariadb_connections import Commands
from tests.support import START, FakeClock, new_lead

HISTORY = BulkInsert(lead_history, ("lead_id", "field", "old", "new", "actor_id", "at"))
# Text that must reach the table as it is: quotes, statement separators, a comment, the driver's placeholders.
AWKWARD = "O'Brien\"; DELETE FROM leads; -- 100% %s %(x)s \\ ;"


@pytest.fixture
def engine(sql_engine: Engine) -> Engine:
    return sql_engine


def uow_of(engine: Engine) -> UowFactory:
    factory = make_session_factory(engine)
    return lambda: SqlAlchemyUnitOfWork(factory)


def notes(lead_id: int, *texts: str) -> list[tuple[Any, ...]]:
    return [HISTORY.stored((lead_id, "note", None, text, None, START)) for text in texts]


def stored_lead(uow: UowFactory, n: int = 1) -> int:
    with uow() as work:
        lead = new_lead(n)
        work.leads.add(lead)
        work.commit()
    assert lead.id is not None
    return lead.id


def noted(engine: Engine) -> list[Row[Any]]:
    with engine.connect() as connection:
        statement = select(lead_history.c.id, lead_history.c.new).where(lead_history.c.field == "note")
        return list(connection.execute(statement.order_by(lead_history.c.id)))


def test_queued_rows_are_stored_as_written_and_their_ids_handed_back_in_order(
    engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(bulk_insert, "CHUNK_ROWS", 2)  # five rows: three statements, the ids gathered over them
    lead_id = stored_lead(uow_of(engine))
    handed: list[list[int]] = []
    with make_session_factory(engine)() as session:
        with Writes(session) as writes:
            HISTORY.queue(writes, notes(lead_id, "a", AWKWARD, "c", "d", "e"), then=handed.append)
            HISTORY.queue(writes, [], then=handed.append)
        session.commit()
    rows = noted(engine)
    assert [r.new for r in rows] == ["a", AWKWARD, "c", "d", "e"]
    assert sorted(handed, key=len) == [[], [r.id for r in rows]]
    with engine.connect() as connection:
        assert connection.execute(select(func.count()).select_from(leads)).scalar_one() == 1


def test_a_statement_failing_after_others_fails_the_change_and_stores_nothing(engine: Engine) -> None:
    uow = uow_of(engine)
    lead_id = stored_lead(uow)
    # A broken foreign key would be refused again: a StorageError, not a collision worth retrying.
    with pytest.raises(StorageError), make_session_factory(engine)() as session:
        with Writes(session) as writes:
            HISTORY.queue(writes, notes(lead_id, "stored only if all of it is"))
            HISTORY.queue(writes, notes(lead_id + 1000, "a lead that does not exist"))  # its foreign key fails
            HISTORY.queue(writes, notes(lead_id, "after the failure"))
        session.commit()
    assert noted(engine) == []
    assert stored_lead(uow, 2) > lead_id  # the pool's connection is still good


@pytest.mark.mariadb
@pytest.mark.parametrize("returning", [True, False], ids=["mariadb", "as mysql"])
def test_a_new_lead_and_a_change_each_send_their_follow_up_rows_in_one_round_trip(
    returning: bool, mysql_uow: UowFactory, mysql_views: ViewsFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    own = make_engine(MYSQL_URL)
    uow = uow_of(own)
    try:
        lead_id = stored_lead(uow)  # the pool's first connection, and SQLAlchemy's first look at the server
        own.dialect.insert_returning = returning  # MySQL has no INSERT ... RETURNING
        commands = Commands(monkeypatch)
        with uow() as work:
            work.leads.add(new_lead(2, company=AWKWARD))  # the lead; then its history, terms, event and counts
            work.commit()
        assert commands.sent == {"INSERT": 2, "COMMIT": 1}
        commands.sent.clear()
        with uow() as work:
            lead = work.leads.get(lead_id)
            assert lead is not None
            lead.change_status(LeadStatus.CONTACTED, by=Actor.system(), at=START)
            work.leads.save(lead)  # the UPDATE; then its history, event and counts
            work.commit()
        assert commands.sent == {"SELECT": 1, "UPDATE": 1, "INSERT": 1, "COMMIT": 1}
    finally:
        own.dispose()
    with mysql_views() as views:
        assert [lead.company for lead in views.list(LeadQuery(search="Brien")).leads] == [AWKWARD]
    with mysql_uow() as work:
        changed = work.leads.get(lead_id, with_history=True)
        assert changed is not None
        assert [e.new for e in changed.history] == [LeadStatus.NEW.value, LeadStatus.CONTACTED.value]
        assert len(work.outbox.pending(10)) == 3  # each lead's "new" event, and the status change's


@pytest.mark.mariadb
def test_a_new_persons_intake_reads_only_the_pipeline(
    mysql_uow: UowFactory, mysql_views: ViewsFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    own = make_engine(MYSQL_URL)
    submit = SubmitLead(uow_of(own), FakeClock(), phone_region="US")
    try:
        submit(LeadForm(Channel.API, name="Ada One", email="ada@example.com"))  # the pool's first connection
        commands = Commands(monkeypatch)
        created = submit(LeadForm(Channel.API, name="Bo Two", email="bo@example.com", phone="+1 202 555 0102"))
        # The configured pipeline (where new leads start), then the lead and its follow-up rows.
        assert (created.outcome, commands.sent) == (Outcome.CREATED, {"SELECT": 1, "INSERT": 2, "COMMIT": 1})
        commands.sent.clear()
        again = submit(LeadForm(Channel.API, name="Bo Two", email="bo@example.com", message="call me"))
        assert (again.outcome, again.lead_id) == (Outcome.MERGED, created.lead_id)
        # The pipeline, the INSERT the open contact refused, the look-up and the lead read for update, then
        # the change.
        assert commands.sent == {"INSERT": 2, "SELECT": 3, "UPDATE": 1, "COMMIT": 1}
    finally:
        own.dispose()
    with mysql_views() as views:
        assert [(x.contact_name, x.resubmissions) for x in views.list(LeadQuery()).leads] == [
            ("Bo Two", 1),
            ("Ada One", 0),
        ]
