"""Multi-row INSERTs of plain values, for the many rows a page of intake writes at once.

Through SQLAlchemy Core, every row is a dict whose values each pass through their column's type, and
PyMySQL then formats every datetime anew: for a sync page (100 leads, 100 history rows, 800 search
terms) that cost more CPU than the database spends storing the rows. Here each row is a tuple of
values converted once (a lead's creation time once, not once for each of its search terms), and a
page's rows go out in one statement whose parameters PyMySQL escapes in one pass.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from itertools import chain
from types import TracebackType
from typing import Any

import attrs
from pymysql.constants import CLIENT
from sqlalchemy import JSON, Dialect, Table, exc
from sqlalchemy.orm import Session

from leadsmanager.adapters.sql.column_types import UtcDateTime
from leadsmanager.adapters.sql.errors import run_driver_sql, translated

Row = tuple[Any, ...]
Ids = Callable[[list[int]], None]
CHUNK_ROWS = 1000  # rows in one statement at most, as SQLAlchemy's insertmanyvalues sends them


@functools.lru_cache(maxsize=1024)
def stored_time(value: datetime) -> str:
    """What UtcDateTime stores on both databases: naive UTC, always with microseconds. A new lead's
    time is on its row twice, on its first history row, its event and each of its search terms: the
    cache converts it once (equal instants store the same text, whatever their time zone)."""
    if value.tzinfo is None:
        raise ValueError("naive datetime reached the database; pass timezone-aware UTC")
    return value.astimezone(UTC).replace(tzinfo=None).isoformat(" ", "microseconds")


def _stored_time_or_none(value: datetime | None) -> str | None:
    return None if value is None else stored_time(value)


class BulkInsert:
    """INSERT INTO table (columns) VALUES …, each row a tuple of stored values in `columns` order."""

    def __init__(self, table: Table, columns: Sequence[str]) -> None:
        self.table = table
        self.columns = tuple(columns)
        kinds = [(i, table.c[name].type) for i, name in enumerate(self.columns)]
        self._conversions: list[tuple[int, Callable[[Any], Any]]] = [
            (i, _stored_time_or_none if isinstance(kind, UtcDateTime) else json.dumps)
            for i, kind in kinds
            if isinstance(kind, UtcDateTime | JSON)
        ]

    def stored(self, values: Row) -> Row:
        """A row of Python values as the columns' types store them: times as `stored_time`, JSON
        columns as JSON text (as the JSON type writes them); the rest as they are."""
        row = list(values)
        for i, convert in self._conversions:
            row[i] = convert(row[i])
        return tuple(row)

    def queue(self, writes: Writes, rows: Sequence[Row], *, then: Ids | None = None) -> None:
        """Insert the rows with `writes`; `then`, if given, gets their new ids in the order of `rows`."""
        dialect = _dialect(writes.session)
        if dialect.name == "sqlite":
            if then is not None:
                then(self.returning_ids(writes.session, rows))
            elif rows:
                run_driver_sql(writes.session, self._statement(dialect, 1), list(rows))  # executemany
            return
        if then is None:
            for chunk in _chunks(rows):
                writes.add(self._statement(dialect, len(chunk)), _flat(chunk))
            return
        # MySQL has no INSERT ... RETURNING: a statement a row, each answering with its id (its last
        # insert id), all of them still in the one round trip.
        returning = dialect.insert_returning
        chunks = _chunks(rows) if returning else [[row] for row in rows]
        parts: list[list[int]] = []

        def gathered(ids: list[int]) -> None:
            # Auto-increment ids ascend in VALUES order; SQLAlchemy's own multi-row RETURNING on MariaDB
            # relies on the same and sorts by the id.
            parts.append(sorted(ids))
            if len(parts) == len(chunks):
                then(list(chain.from_iterable(parts)))

        if not chunks:
            then([])
        for chunk in chunks:
            statement = self._statement(dialect, len(chunk), returning=returning)
            writes.add(statement, _flat(chunk), gathered, last_id=not returning)

    def returning_ids(self, session: Session, rows: Sequence[Row], *, on_duplicate: str = "") -> list[int]:
        """Insert the rows now; their new ids, in the order of `rows`."""
        dialect = _dialect(session)
        if dialect.name == "sqlite":
            # SQLite does not promise RETURNING in VALUES order: a row at a time, as SQLAlchemy does too.
            one = self._statement(dialect, 1, returning=True)
            return [int(run_driver_sql(session, one, row, on_duplicate=on_duplicate).scalar_one()) for row in rows]
        ids: list[int] = []
        with Writes(session, on_duplicate=on_duplicate) as writes:
            self.queue(writes, rows, then=ids.extend)
        return ids

    @functools.lru_cache(maxsize=256)  # noqa: B019  # a few tables and sizes; the instances live for good
    def _statement(self, dialect: Dialect, count: int, *, returning: bool = False) -> str:
        """Built once per dialect and size: building it cost as much CPU as sending it."""
        quote = dialect.identifier_preparer.quote
        marks = "(" + ", ".join(["?" if dialect.paramstyle == "qmark" else "%s"] * len(self.columns)) + ")"
        names = ", ".join(quote(c) for c in self.columns)
        table = dialect.identifier_preparer.format_table(self.table)
        ending = f" RETURNING {quote('id')}" if returning else ""
        # Only the schema's own names go into the text, quoted by the dialect; every value is a parameter.
        return f"INSERT INTO {table} ({names}) VALUES {', '.join([marks] * count)}{ending}"  # noqa: S608  # nosec B608


class Writes:
    """Statements that go to the database together, after the ones whose results they need: on MariaDB
    and MySQL as one query of several statements, one round trip instead of one each (the engine opens
    its connections with CLIENT.MULTI_STATEMENTS); on SQLite, which has no round trips, each as it is
    added. Each value is escaped by the driver exactly as for a statement of its own.

        with Writes(session) as writes:   # sent when the block ends without an error
            HISTORY.queue(writes, rows, then=mark_saved)
            TERMS.queue(writes, more_rows)
    """

    def __init__(self, session: Session, *, on_duplicate: str = "") -> None:
        self.session = session
        self._on_duplicate = on_duplicate  # what a refused row means, as for errors.run
        self._queued: list[Queued] = []

    def __enter__(self) -> Writes:
        return self

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None, tb: TracebackType | None) -> None:
        if kind is None:
            self.send()

    def add(self, sql: str, params: tuple[Any, ...], then: Ids | None = None, *, last_id: bool = False) -> None:
        """`sql` in the driver's placeholders; `then` gets the ids it returns (RETURNING id), or with
        `last_id` the id of the one row it inserted."""
        item = Queued(sql, params, then, last_id)
        if _dialect(self.session).name == "sqlite":
            self._one(item)
        else:
            self._queued.append(item)

    def send(self) -> None:
        queued, self._queued = self._queued, []
        if queued and not self.session.in_transaction():
            # Alone, so that a pooled connection the server closed is replaced (errors.run_driver_sql).
            self._one(queued.pop(0))
        driver = self.session.connection().connection.driver_connection if len(queued) > 1 else None
        if getattr(driver, "client_flag", 0) & CLIENT.MULTI_STATEMENTS:
            translated(lambda: _sent_together(driver, queued), on_duplicate=self._on_duplicate)
            return
        for item in queued:
            self._one(item)

    def _one(self, item: Queued) -> None:
        result = run_driver_sql(self.session, item.sql, item.params, on_duplicate=self._on_duplicate)
        item.answered(result.lastrowid, result.fetchall)


@attrs.frozen
class Queued:
    sql: str
    params: tuple[Any, ...]
    then: Ids | None
    last_id: bool

    def answered(self, last_row_id: Any, rows: Callable[[], Sequence[Sequence[Any]]]) -> None:
        """Hand `then` the statement's ids: the rows it returned, or the id of the one row it inserted."""
        if self.then is not None:
            self.then([int(last_row_id)] if self.last_id else [int(row[0]) for row in rows()])


def _sent_together(driver: Any, queued: list[Queued]) -> None:
    """One query of all the statements; each one's result in turn (the server stops at the first error)."""
    with driver.cursor() as cursor:
        sql = ";\n".join(cursor.mogrify(item.sql, item.params) for item in queued)
        try:
            cursor.execute(sql)  # no parameters: PyMySQL sends the text as it is
            for i, item in enumerate(queued):
                if i and not cursor.nextset():
                    raise RuntimeError(f"the server answered {i} of {len(queued)} statements")
                item.answered(cursor.lastrowid, cursor.fetchall)
        except driver.Error as e:
            raise exc.DBAPIError.instance(sql, None, e, driver.Error) from e


def _dialect(session: Session) -> Dialect:
    # Until its engine's first connection the dialect assumes no RETURNING: a process's first INSERT
    # may go the MySQL way, which is as correct.
    return session.get_bind().dialect


def _chunks(rows: Sequence[Row]) -> list[Sequence[Row]]:
    return [rows[start : start + CHUNK_ROWS] for start in range(0, len(rows), CHUNK_ROWS)]


def _flat(rows: Sequence[Row]) -> tuple[Any, ...]:
    """One statement's parameters: PyMySQL escapes them in one pass, cheaper than a pass per row."""
    return tuple(chain.from_iterable(rows))
