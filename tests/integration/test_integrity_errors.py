"""Which refusals of the database are worth another attempt: only a duplicate unique key (and lock
collisions, see test_mariadb_concurrency and test_sqlite_writers). Any other broken rule (NOT NULL, a
foreign key, a value too long) would be refused again: it is a StorageError at once, never retried."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime

import pytest
from sqlalchemy import Engine, insert
from sqlalchemy.orm import Session

from leadsmanager.adapters.sql.engine import make_session_factory
from leadsmanager.adapters.sql.errors import run
from leadsmanager.adapters.sql.tables import users
from leadsmanager.adapters.sql.unit_of_work import SqlAlchemyUnitOfWork
from leadsmanager.application.ports import UnitOfWork
from leadsmanager.application.transactions import in_transaction
from leadsmanager.domain.errors import StorageError, TransientConflict
from leadsmanager.domain.roles import Role
from leadsmanager.domain.session import WebSession
from leadsmanager.domain.user import User
from tests.conftest import UowFactory

AT = datetime(2025, 3, 1, 9, tzinfo=UTC)
USER = {
    "email": "rita@example.com",
    "full_name": "Rita Rep",
    "role": "employee",
    "active": True,
    "password_hash": "hash",
    "session_version": 0,
    "created_at": AT,
}


@pytest.fixture(params=["sqlite", pytest.param("mariadb", marks=pytest.mark.mariadb)])
def engine(request: pytest.FixtureRequest) -> Engine:
    name = "sqlite_engine" if request.param == "sqlite" else "mysql_engine"
    engine: Engine = request.getfixturevalue(name)
    if request.param == "mariadb":
        request.getfixturevalue("mysql_uow")  # empties the tables
    return engine


@pytest.fixture
def uow(engine: Engine) -> UowFactory:
    factory = make_session_factory(engine)
    return lambda: SqlAlchemyUnitOfWork(factory)


def attempted(uow: UowFactory, change: Callable[[UnitOfWork], object]) -> tuple[int, Exception]:
    """How many times `change` ran before `in_transaction` gave up, and what it raised."""
    runs: list[int] = []

    def counted(unit: UnitOfWork) -> object:
        runs.append(1)
        return change(unit)

    with pytest.raises(Exception) as raised:
        in_transaction(uow, counted)
    assert isinstance(raised.value, Exception)
    return len(runs), raised.value


def test_a_broken_foreign_key_is_a_storage_error_tried_once(uow: UowFactory) -> None:
    nobody = WebSession("k" * 64, 999_999, 0, "c" * 64, AT, AT)
    runs, error = attempted(uow, lambda unit: unit.sessions.add(nobody))
    assert (runs, type(error)) == (1, StorageError)
    assert "nothing was saved" in str(error)


def test_a_duplicate_unique_key_is_a_collision_retried(uow: UowFactory) -> None:
    in_transaction(uow, lambda unit: unit.users.add(User("rita@example.com", "Rita", Role.EMPLOYEE, "h", AT)))
    again = User("rita@example.com", "Rita Again", Role.EMPLOYEE, "h", AT)
    runs, error = attempted(uow, lambda unit: unit.users.add(again))
    assert (runs, type(error)) == (3, TransientConflict)


def test_a_missing_required_value_is_a_storage_error(engine: Engine) -> None:
    with Session(engine) as session, pytest.raises(StorageError, match="breaking one of its rules"):
        run(session, insert(users).values({**USER, "email": None}), on_duplicate="taken")


def test_a_duplicate_names_what_was_taken(engine: Engine) -> None:
    with Session(engine) as session:
        run(session, insert(users).values(USER))
        with pytest.raises(TransientConflict) as raised:
            run(session, insert(users).values(USER), on_duplicate="that email is taken")
    assert str(raised.value) == "that email is taken"


@pytest.mark.mariadb
def test_a_value_too_long_is_a_storage_error_on_mariadb(mysql_engine: Engine, mysql_uow: UowFactory) -> None:
    with Session(mysql_engine) as session, pytest.raises(StorageError):
        run(session, insert(users).values({**USER, "full_name": "x" * 201}), on_duplicate="taken")
