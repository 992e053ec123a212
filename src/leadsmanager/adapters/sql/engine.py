"""Engines for the two supported databases, each set up for safe concurrent use."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import orjson
from sqlalchemy import Engine, create_engine, event, make_url
from sqlalchemy.orm import Session, sessionmaker

POOL_SIZE = 20  # connections kept open per process
MAX_OVERFLOW = 20  # opened for bursts beyond that, and closed again when returned


def read_json(text: str | bytes) -> Any:
    """JSON columns (a lead's extras and UTM tags, objects of strings) read by orjson: a list page reads 100
    of them. orjson refuses a lone surrogate escape, which json.dumps may have written; json reads those."""
    try:
        return orjson.loads(text)
    except orjson.JSONDecodeError:
        return json.loads(text)


def make_engine(url: str, **options: Any) -> Engine:
    parsed = make_url(url)
    options.setdefault("json_deserializer", read_json)
    if parsed.get_backend_name() == "sqlite":
        return _sqlite_engine(url, parsed.database, **options)
    if parsed.get_backend_name() in ("mysql", "mariadb"):
        if "charset" not in parsed.query:
            parsed = parsed.update_query_dict({"charset": "utf8mb4"})
        # No pool_pre_ping: its round trip on every checkout cost as much as a request's ROLLBACK. A
        # connection the server closed is caught on its first statement instead (errors.run).
        options.setdefault("pool_recycle", 1800)
        # Starlette runs each request in a thread pool of 40, and each request holds one connection at
        # a time. A pool smaller than that closes and reopens connections under load (a TLS context and a
        # handshake each), which cost more CPU than the queries themselves.
        options.setdefault("pool_size", POOL_SIZE)
        options.setdefault("max_overflow", MAX_OVERFLOW)
        return create_engine(parsed, **options)
    raise ValueError(f"unsupported database {parsed.get_backend_name()!r}: use sqlite:/// or mysql+pymysql://")


def _sqlite_engine(url: str, database: str | None, **options: Any) -> Engine:
    if database and database != ":memory:":
        Path(database).parent.mkdir(parents=True, exist_ok=True)
    engine = create_engine(url, connect_args={"check_same_thread": False, "timeout": 30}, **options)

    @event.listens_for(engine, "connect")
    def _configure(dbapi_connection: Any, _record: Any) -> None:
        # Let SQLAlchemy, not the driver, open transactions (see the "begin" hook below).
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        for pragma in ("journal_mode=WAL", "foreign_keys=ON", "synchronous=NORMAL", "busy_timeout=30000"):
            cursor.execute(f"PRAGMA {pragma}")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _begin(connection: Any) -> None:
        # A real transaction around reads too: in WAL mode a writer whose snapshot went stale is
        # refused at once (SQLITE_BUSY_SNAPSHOT), which errors.py reports as a Conflict.
        connection.exec_driver_sql("BEGIN")

    return engine


def make_session_factory(engine: Engine) -> sessionmaker[Session]:
    return sessionmaker(engine, expire_on_commit=False)
