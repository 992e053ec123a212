"""Engines for the two supported databases, each set up for safe concurrent use."""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path
from typing import Any

import orjson
from pymysql import converters
from pymysql.constants import CLIENT, FIELD_TYPE, SERVER_STATUS
from sqlalchemy import Connection, Engine, create_engine, event, exc, make_url
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.pool import PoolResetState

from leadsmanager.adapters.sql.errors import translate

POOL_SIZE = 20  # connections kept open per process
MAX_OVERFLOW = 20  # opened for bursts beyond that, and closed again when returned


def read_json(text: str | bytes) -> Any:
    """JSON columns (a lead's extras and UTM tags, objects of strings) read by orjson: a list page reads 100
    of them. orjson refuses a lone surrogate escape, which json.dumps may have written; json reads those."""
    try:
        return orjson.loads(text)
    except orjson.JSONDecodeError:
        return json.loads(text)


def read_datetime(text: str) -> datetime | str:
    """A DATETIME as MariaDB sends it ('2025-10-31 07:18:43.027438') read by datetime's C parser, and
    anything else by PyMySQL's own reader, whose regular expression and int() calls cost far more, for
    the many datetimes of a list page (bench/README.md)."""
    if len(text) >= 19 and text[10] == " " and (len(text) == 19 or (text[19] == "." and text[20:].isdigit())):
        try:
            return datetime.fromisoformat(text)
        except ValueError:
            pass  # out of range, such as a zero date
    return converters.convert_datetime(text)  # type: ignore[no-any-return]


# PyMySQL's conversions (by Python type to write, by MySQL field type to read), with ours for DATETIME.
CONVERSIONS = {**converters.conversions, FIELD_TYPE.DATETIME: read_datetime, FIELD_TYPE.TIMESTAMP: read_datetime}


def make_engine(url: str, **options: Any) -> Engine:
    parsed = make_url(url)
    options.setdefault("json_deserializer", read_json)
    if parsed.get_backend_name() == "sqlite":
        return _sqlite_engine(url, parsed.database, **options)
    if parsed.get_backend_name() in ("mysql", "mariadb"):
        if "charset" not in parsed.query:
            parsed = parsed.update_query_dict({"charset": "utf8mb4"})
        if parsed.get_driver_name() == "pymysql":
            # MULTI_STATEMENTS lets bulk_insert.Writes send a change's follow-up INSERTs in one round trip
            # (every value in them escaped by the driver). connect_args replace the dialect's own flags,
            # so FOUND_ROWS, which makes an UPDATE's rowcount the rows matched, is kept here.
            given = parsed.query.get("client_flag", "0")
            flags = int(given if isinstance(given, str) else given[-1]) | CLIENT.FOUND_ROWS | CLIENT.MULTI_STATEMENTS
            options["connect_args"] = {"conv": CONVERSIONS, "client_flag": flags, **options.get("connect_args", {})}
        # No pool_pre_ping: its round trip on every checkout cost as much as a request's ROLLBACK. A
        # connection the server closed is caught on its first statement instead (errors.run).
        options.setdefault("pool_recycle", 1800)
        # Starlette runs each request in a thread pool of 40, and each request holds one connection at
        # a time. A pool smaller than that closes and reopens connections under load (a TLS context and a
        # handshake each), which cost more CPU than the queries themselves.
        options.setdefault("pool_size", POOL_SIZE)
        options.setdefault("max_overflow", MAX_OVERFLOW)
        if parsed.get_driver_name() != "pymysql":
            return create_engine(parsed, **options)
        engine = create_engine(parsed, pool_reset_on_return=None, **options)
        event.listen(engine, "commit", _committing)
        event.listen(engine, "begin", _beginning)
        event.listen(engine, "reset", _reset_unless_committed)
        return engine
    raise ValueError(f"unsupported database {parsed.get_backend_name()!r}: use sqlite:/// or mysql+pymysql://")


# Set on a pooled connection's record when its transaction commits, cleared when another begins.
_COMMITTED = "leadsmanager.committed"


def _committing(connection: Connection) -> None:
    connection.info[_COMMITTED] = True


def _beginning(connection: Connection) -> None:
    connection.info.pop(_COMMITTED, None)


def _reset_unless_committed(dbapi_connection: Any, record: Any, state: PoolResetState) -> None:
    """The pool's own reset sent a ROLLBACK on every checkin, also right after a COMMIT: a round trip of
    every write for nothing. A connection closed with its transaction open was rolled back already
    (`transaction_was_reset`). One whose last transaction committed, and whose last OK packet from the
    server says no transaction is open, needs nothing. Anything else is rolled back as before."""
    if state.terminate_only or state.transaction_was_reset:
        return
    committed = record.info.pop(_COMMITTED, False)
    status = dbapi_connection.server_status
    if not committed or status is None or status & SERVER_STATUS.SERVER_STATUS_IN_TRANS:
        dbapi_connection.rollback()


# How long an SQLite write waits for another one to finish before it gives up ('database is locked').
# Writes are short (milliseconds), so only a stuck process makes one wait this long.
SQLITE_BUSY_TIMEOUT_SECONDS = 30
# An execution option: transactions on an engine carrying it only read (see `reading`).
READING = "leadsmanager_reading"


def reading(engine: Engine) -> Engine:
    """The same engine and pool, for transactions that only read. On SQLite they begin DEFERRED and so
    never wait for, or hold up, a writer; on MySQL/MariaDB nothing changes."""
    return engine.execution_options(**{READING: True})


def _sqlite_engine(url: str, database: str | None, **options: Any) -> Engine:
    if database and database != ":memory:":
        Path(database).parent.mkdir(parents=True, exist_ok=True)
    connect_args = {"check_same_thread": False, "timeout": SQLITE_BUSY_TIMEOUT_SECONDS}
    engine = create_engine(url, connect_args=connect_args, **options)

    @event.listens_for(engine, "connect")
    def _configure(dbapi_connection: Any, _record: Any) -> None:
        # Let SQLAlchemy, not the driver, open transactions (see the "begin" hook below).
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        busy_timeout = f"busy_timeout={SQLITE_BUSY_TIMEOUT_SECONDS * 1000}"
        for pragma in ("journal_mode=WAL", "foreign_keys=ON", "synchronous=NORMAL", busy_timeout):
            cursor.execute(f"PRAGMA {pragma}")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _begin(connection: Connection) -> None:
        # A transaction that may write takes SQLite's one write lock when it begins, waiting its turn
        # (the busy timeout) behind any other writer. Begun DEFERRED, it would read first and, if
        # another writer committed meanwhile, be refused at its first write at once
        # (SQLITE_BUSY_SNAPSHOT, a 409) with no waiting at all. Reads (`reading`) begin DEFERRED:
        # in WAL mode they see a snapshot and never wait.
        deferred = connection.get_execution_options().get(READING, False)
        connection.exec_driver_sql("BEGIN" if deferred else "BEGIN IMMEDIATE")

    return engine


# Where a session keeps the connection of its current transaction (see `release`).
CONNECTION = "leadsmanager.connection"


def make_session_factory(engine: Engine, *, read_only: bool = False) -> sessionmaker[Session]:
    """Sessions for units of work; `read_only` ones are for use cases that never write (see `reading`)."""
    factory = sessionmaker(reading(engine) if read_only else engine, expire_on_commit=False)
    event.listen(factory, "after_begin", _remember_connection)
    return factory


def _remember_connection(session: Session, _transaction: Any, connection: Connection) -> None:
    session.info[CONNECTION] = connection


def release(session: Session, error: BaseException | None) -> None:
    """End a unit of work's or a view's session, rolling back whatever it did not commit; a database
    error it ended on is raised again as the product's own."""
    connection = session.info.pop(CONNECTION, None)
    try:
        if connection is not None and session.in_transaction():
            # Closing the connection rolls back its transaction, and the pool then skips the
            # ROLLBACK it sends on every checkin; rolling back through the session sent both.
            connection.close()
    except exc.DBAPIError:
        pass  # the connection is gone; the database rolled back on its own
    finally:
        session.close()
    if isinstance(error, exc.DBAPIError):
        raise translate(error) from error
