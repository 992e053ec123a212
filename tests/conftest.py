"""Fixtures for every database the product supports: in-memory, SQLite and MariaDB.

MariaDB tests use LEADSMANAGER_TEST_MYSQL_URL (default: root on 127.0.0.1:3306, database `test`).
They skip with the reason printed when the server is unreachable, unless
LEADSMANAGER_REQUIRE_SERVICES=1 (set by .ci/run), which turns that into a failure.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
import redis
from sqlalchemy import Engine, inspect, text

from leadsmanager.adapters.memory.store import MemoryStore
from leadsmanager.adapters.memory.unit_of_work import MemoryUnitOfWork
from leadsmanager.adapters.memory.views import MemoryLeadViews
from leadsmanager.adapters.sql.engine import make_engine, make_session_factory
from leadsmanager.adapters.sql.migrate import upgrade
from leadsmanager.adapters.sql.tables import metadata
from leadsmanager.adapters.sql.unit_of_work import SqlAlchemyUnitOfWork
from leadsmanager.adapters.sql.views.leads import SqlLeadViews
from leadsmanager.adapters.sql.views.search_memory import SearchMemory
from leadsmanager.application.ports import LeadViews, UnitOfWork
from tests.support import FakeClock

MYSQL_URL = os.environ.get("LEADSMANAGER_TEST_MYSQL_URL", "mysql+pymysql://root@127.0.0.1:3306/test")
REDIS_URL = os.environ.get("LEADSMANAGER_TEST_REDIS_URL", "redis://127.0.0.1:6379/15")
# The discard port: nothing listens there on a test machine, so connecting is refused at once.
NOBODY_LISTENS = "127.0.0.1:9"
REQUIRE_SERVICES = os.environ.get("LEADSMANAGER_REQUIRE_SERVICES") == "1"

UowFactory = Callable[[], UnitOfWork]
ViewsFactory = Callable[[], LeadViews]


def service_missing(what: str, error: Exception) -> None:
    message = f"{what} is not reachable ({error.__class__.__name__}: {error})"
    if REQUIRE_SERVICES:
        pytest.fail(message + "; LEADSMANAGER_REQUIRE_SERVICES=1 makes this a failure", pytrace=False)
    pytest.skip(message)


def reset(engine: Engine, revision: str = "head") -> None:
    """Drop every table (ours and Alembic's), then migrate from scratch up to `revision`."""
    with engine.begin() as connection:
        if connection.dialect.name == "mysql":
            connection.execute(text("SET FOREIGN_KEY_CHECKS=0"))
        for name in inspect(connection).get_table_names():
            connection.execute(text(f"DROP TABLE {connection.dialect.identifier_preparer.quote(name)}"))
        if connection.dialect.name == "mysql":
            connection.execute(text("SET FOREIGN_KEY_CHECKS=1"))
    upgrade(engine, revision)


def empty(engine: Engine) -> None:
    with engine.begin() as connection:
        for table in reversed(metadata.sorted_tables):
            connection.execute(table.delete())


@pytest.fixture(scope="session")
def mysql_engine() -> Iterator[Engine]:
    engine = make_engine(MYSQL_URL)
    try:
        with engine.connect():
            pass
    except Exception as e:  # any driver error means the same thing here: no server
        engine.dispose()
        service_missing(f"MariaDB at {engine.url.render_as_string(hide_password=True)}", e)
    reset(engine)
    yield engine
    engine.dispose()


@pytest.fixture
def sqlite_engine(tmp_path: Path) -> Iterator[Engine]:
    engine = make_engine(f"sqlite:///{tmp_path / 'leads.sqlite3'}")
    upgrade(engine)
    yield engine
    engine.dispose()


@pytest.fixture(scope="session")
def mysql_engine_as_mysql(mysql_engine: Engine) -> Iterator[Engine]:
    """The MariaDB test database through an engine told what MySQL lacks: INSERT ... RETURNING."""
    engine = make_engine(MYSQL_URL)
    with engine.connect():
        pass  # the dialect learns the server's features on its first connection
    engine.dialect.insert_returning = False
    yield engine
    engine.dispose()


SQL_ENGINES = {"sqlite": "sqlite_engine", "mariadb": "mysql_engine", "mysql": "mysql_engine_as_mysql"}


@pytest.fixture(params=["sqlite", *(pytest.param(name, marks=pytest.mark.mariadb) for name in ("mariadb", "mysql"))])
def sql_engine(request: pytest.FixtureRequest) -> Iterator[Engine]:
    """Each SQL database the product ships (MySQL as MariaDB without RETURNING), emptied before and after."""
    engine: Engine = request.getfixturevalue(SQL_ENGINES[request.param])
    empty(engine)
    yield engine
    empty(engine)


@pytest.fixture
def mysql_uow(mysql_engine: Engine) -> UowFactory:
    empty(mysql_engine)
    factory = make_session_factory(mysql_engine)
    return lambda: SqlAlchemyUnitOfWork(factory)


@pytest.fixture
def mysql_views(mysql_engine: Engine) -> ViewsFactory:
    """Read views of what `mysql_uow` writes (request that first: it empties the database)."""
    return views_of(mysql_engine)


def views_of(engine: Engine, memory: SearchMemory | None = None) -> ViewsFactory:
    """Read views of the engine's database; searches planned with `memory` (a fresh one if not given)."""
    factory, kept = make_session_factory(engine, read_only=True), memory or SearchMemory()
    return lambda: SqlLeadViews(factory, kept)


@pytest.fixture
def memory_store() -> MemoryStore:
    return MemoryStore()


@pytest.fixture
def memory_uow(memory_store: MemoryStore) -> UowFactory:
    return lambda: MemoryUnitOfWork(memory_store)


@pytest.fixture
def memory_views(memory_store: MemoryStore) -> ViewsFactory:
    return lambda: MemoryLeadViews(memory_store)


@pytest.fixture(params=["memory", "sqlite", pytest.param("mariadb", marks=pytest.mark.mariadb)])
def uow_factory(request: pytest.FixtureRequest) -> UowFactory:
    """The same contract, held by every storage the product ships."""
    if request.param == "memory":
        factory: UowFactory = request.getfixturevalue("memory_uow")
        return factory
    if request.param == "sqlite":
        session_factory = make_session_factory(request.getfixturevalue("sqlite_engine"))
        return lambda: SqlAlchemyUnitOfWork(session_factory)
    mysql: UowFactory = request.getfixturevalue("mysql_uow")
    return mysql


PlannedViews = Callable[[SearchMemory], ViewsFactory]


@pytest.fixture
def planned_views(request: pytest.FixtureRequest, uow_factory: UowFactory) -> PlannedViews:
    """Read views of the storage `uow_factory` writes to, SQL searches planned with the memory given."""
    storage = request.node.callspec.params["uow_factory"]
    if storage == "memory":
        memory: ViewsFactory = request.getfixturevalue("memory_views")
        return lambda _: memory
    engine = request.getfixturevalue("sqlite_engine" if storage == "sqlite" else "mysql_engine")
    return lambda planner: views_of(engine, planner)


@pytest.fixture
def views_factory(planned_views: PlannedViews) -> ViewsFactory:
    """Read views of the storage `uow_factory` writes to."""
    return planned_views(SearchMemory())


SERIAL_WRITES = (
    "on SQLite every write transaction begins IMMEDIATE, holding the one write lock from its start: no other"
    " writer can change rows between its reads and its writes, so this interleaving cannot happen there"
)


def interleaving_writers(request: pytest.FixtureRequest) -> None:
    """For a test that opens a second writing unit of work while another, in the same thread, is open."""
    if request.node.callspec.params.get("uow_factory") == "sqlite":
        pytest.skip(SERIAL_WRITES)


@pytest.fixture
def redis_url() -> str:
    """The test Redis, which must answer (it is not flushed: tests that need it empty flush it)."""
    try:
        redis.Redis.from_url(REDIS_URL, socket_timeout=2).ping()
    except redis.RedisError as e:
        service_missing(f"Redis at {REDIS_URL}", e)
    return REDIS_URL


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()
