"""Pooled MariaDB connections: what a request sends over them, and a connection the server closed.

The pool hands out connections without pinging them first, so a connection the server has closed
(a restart, a timeout, a KILL) is only found on first use; every path that opens a transaction must
then carry on with a fresh connection instead of failing the request.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import pymysql.connections
import pytest
from sqlalchemy import Engine, create_engine, text
from sqlalchemy.pool import NullPool, QueuePool

from leadsmanager.adapters.probes import database_probe
from leadsmanager.adapters.sql.engine import make_engine, make_session_factory
from leadsmanager.adapters.sql.rate_limits import SqlRateLimiter
from leadsmanager.adapters.sql.unit_of_work import SqlAlchemyUnitOfWork
from leadsmanager.application.leads import ListLeads
from leadsmanager.application.queries import LeadQuery
from leadsmanager.domain.actor import Actor
from leadsmanager.domain.errors import StorageError
from leadsmanager.domain.pipeline import DEFAULT
from leadsmanager.domain.status import LeadStatus
from tests.conftest import MYSQL_URL, NOBODY_LISTENS, UowFactory, ViewsFactory, views_of
from tests.support import START, new_lead

pytestmark = pytest.mark.mariadb
SYSTEM = Actor.system()


@pytest.fixture
def engine(mysql_engine: Engine) -> Iterator[Engine]:
    """A pool of its own (on the migrated test database), so that killing its connections touches no other test."""
    own = make_engine(MYSQL_URL)
    yield own
    own.dispose()


@pytest.fixture
def uow(engine: Engine, mysql_uow: UowFactory) -> UowFactory:
    factory = make_session_factory(engine)
    return lambda: SqlAlchemyUnitOfWork(factory)


@pytest.fixture
def views(engine: Engine, mysql_uow: UowFactory) -> ViewsFactory:
    return views_of(engine)


def kill_pooled_connections(engine: Engine) -> int:
    """Ends, on the server, every connection the engine's pool holds; returns how many."""
    pool = engine.pool
    assert isinstance(pool, QueuePool)
    held = [engine.connect() for _ in range(pool.checkedin())]  # all at once, so each is seen once
    ids = [c.execute(text("SELECT CONNECTION_ID()")).scalar_one() for c in held]
    for connection in held:
        connection.close()
    killer = create_engine(MYSQL_URL, poolclass=NullPool)
    with killer.connect() as connection:
        for ident in ids:
            connection.execute(text(f"KILL CONNECTION {int(ident)}"))
    killer.dispose()
    return len(ids)


def test_a_list_page_after_its_pooled_connection_was_killed_is_answered(
    uow: UowFactory, views: ViewsFactory, engine: Engine
) -> None:
    with uow() as work:
        work.leads.add(new_lead(1))
        work.commit()
    assert kill_pooled_connections(engine) >= 1
    page = ListLeads(views, lambda: DEFAULT)(LeadQuery(statuses=(LeadStatus.NEW,)), by=SYSTEM)
    assert [lead.contact_name for lead in page.leads] == ["Person 1"]


def test_a_write_after_its_pooled_connection_was_killed_is_stored(
    uow: UowFactory, views: ViewsFactory, engine: Engine
) -> None:
    with uow() as work:
        work.leads.get(1)
    assert kill_pooled_connections(engine) >= 1
    with uow() as work:
        work.leads.add(new_lead(2))
        work.commit()
    with views() as read:
        assert [lead.contact_name for lead in read.list(LeadQuery()).leads] == ["Person 2"]


def test_the_rate_limit_and_the_readiness_probe_survive_a_killed_connection(
    engine: Engine, mysql_uow: UowFactory
) -> None:
    limiter = SqlRateLimiter(engine)
    window = timedelta(minutes=1)
    assert limiter.hit("api:test", limit=5, window=window, now=START)
    assert kill_pooled_connections(engine) >= 1
    assert limiter.hit("api:test", limit=5, window=window, now=START)
    assert database_probe(engine).ok
    assert kill_pooled_connections(engine) >= 1
    assert database_probe(engine).ok


class Commands:
    """Every command PyMySQL sends (a statement's first word, PING, ...), while counting."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.sent: Counter[str] = Counter()
        original = pymysql.connections.Connection._execute_command

        def counted(connection: Any, command: int, sql: Any) -> Any:
            text_ = sql.decode(errors="replace") if isinstance(sql, bytes) else sql
            self.sent[text_.split(None, 1)[0].upper() if text_ else f"command {command}"] += 1
            return original(connection, command, sql)

        monkeypatch.setattr(pymysql.connections.Connection, "_execute_command", counted)


def test_a_database_that_cannot_be_reached_is_tried_once_a_request(monkeypatch: pytest.MonkeyPatch) -> None:
    attempts: list[object] = []
    connect = pymysql.connections.Connection.connect

    def counted(connection: Any, *args: Any) -> Any:
        attempts.append(connection)
        return connect(connection, *args)

    monkeypatch.setattr(pymysql.connections.Connection, "connect", counted)
    engine = make_engine(f"mysql+pymysql://root@{NOBODY_LISTENS}/nothing")
    with pytest.raises(StorageError):
        ListLeads(views_of(engine), lambda: DEFAULT)(LeadQuery(), by=SYSTEM)
    engine.dispose()
    assert len(attempts) == 1  # not once more when the unit of work ends


def test_a_list_page_costs_its_select_and_one_rollback(views: ViewsFactory, monkeypatch: pytest.MonkeyPatch) -> None:
    list_leads = ListLeads(views, lambda: DEFAULT)
    list_leads(LeadQuery(), by=SYSTEM)  # the pool's first connection, and SQLAlchemy's first look at the server
    commands = Commands(monkeypatch)
    for _ in range(5):
        list_leads(LeadQuery(statuses=(LeadStatus.NEW,)), by=SYSTEM)
    assert commands.sent == {"SELECT": 5, "ROLLBACK": 5}


def test_a_write_sends_no_rollback_after_its_commit(uow: UowFactory, monkeypatch: pytest.MonkeyPatch) -> None:
    def store(n: int) -> None:
        with uow() as work:
            work.leads.add(new_lead(n))
            work.commit()

    store(1)
    commands = Commands(monkeypatch)
    for n in range(2, 5):
        store(n)
    assert commands.sent["COMMIT"] == 3
    assert "ROLLBACK" not in commands.sent  # the pool's reset is skipped: the server said nothing is open


def test_a_connection_back_in_the_pool_after_a_commit_or_a_failure_starts_afresh(mysql_uow: UowFactory) -> None:
    one = make_engine(MYSQL_URL, pool_size=1, max_overflow=0)  # every unit of work gets the same connection
    factory = make_session_factory(one)
    single: UowFactory = lambda: SqlAlchemyUnitOfWork(factory)  # noqa: E731
    single_views = views_of(one)  # the same pool of one connection
    try:
        with single() as work:
            work.leads.add(new_lead(1))
            work.commit()
        with mysql_uow() as other:  # another connection stores a lead meanwhile
            other.leads.add(new_lead(2))
            other.commit()
        with single_views() as read:  # a new snapshot, not one left open since the commit
            assert len(read.list(LeadQuery()).leads) == 2
        with pytest.raises(RuntimeError), single() as work:
            work.leads.add(new_lead(3))
            raise RuntimeError("the use case fails before it commits")
        with single_views() as read:
            assert sorted(lead.contact_name for lead in read.list(LeadQuery()).leads) == ["Person 1", "Person 2"]
        with single() as work:
            assert work.leads.find_open_by_contacts(["person3@example.com"], []) == []
    finally:
        one.dispose()
