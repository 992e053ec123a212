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
from typing import Any

from sqlalchemy import JSON, Dialect, Table
from sqlalchemy.orm import Session

from leadsmanager.adapters.sql.errors import run_driver_sql
from leadsmanager.adapters.sql.tables import UtcDateTime

Row = tuple[Any, ...]
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

    def rows(self, session: Session, rows: Sequence[Row]) -> None:
        dialect = _dialect(session)
        if dialect.name == "sqlite":
            if rows:
                run_driver_sql(session, self._statement(dialect, 1), list(rows))  # sqlite3's executemany
            return
        for chunk in _chunks(rows):
            run_driver_sql(session, self._statement(dialect, len(chunk)), _flat(chunk))

    def returning_ids(self, session: Session, rows: Sequence[Row], *, on_duplicate: str = "") -> list[int]:
        """The new rows' ids, in the order of `rows`."""
        dialect = _dialect(session)
        if dialect.name == "sqlite":
            # SQLite does not promise RETURNING in VALUES order: a row at a time, as SQLAlchemy does too.
            one = self._statement(dialect, 1, returning=True)
            return [int(run_driver_sql(session, one, row, on_duplicate=on_duplicate).scalar_one()) for row in rows]
        ids: list[int] = []
        for chunk in _chunks(rows):
            statement = self._statement(dialect, len(chunk), returning=True)
            found = run_driver_sql(session, statement, _flat(chunk), on_duplicate=on_duplicate).scalars()
            # Auto-increment ids ascend in VALUES order; SQLAlchemy's own multi-row RETURNING on MariaDB
            # relies on the same and sorts by the id.
            ids += sorted(int(i) for i in found)
        return ids

    def _statement(self, dialect: Dialect, count: int, *, returning: bool = False) -> str:
        quote = dialect.identifier_preparer.quote
        marks = "(" + ", ".join(["?" if dialect.paramstyle == "qmark" else "%s"] * len(self.columns)) + ")"
        names = ", ".join(quote(c) for c in self.columns)
        table = dialect.identifier_preparer.format_table(self.table)
        ending = f" RETURNING {quote('id')}" if returning else ""
        # Only the schema's own names go into the text, quoted by the dialect; every value is a parameter.
        return f"INSERT INTO {table} ({names}) VALUES {', '.join([marks] * count)}{ending}"  # noqa: S608  # nosec B608


def _dialect(session: Session) -> Dialect:
    return session.get_bind().dialect


def _chunks(rows: Sequence[Row]) -> list[Sequence[Row]]:
    return [rows[start : start + CHUNK_ROWS] for start in range(0, len(rows), CHUNK_ROWS)]


def _flat(rows: Sequence[Row]) -> tuple[Any, ...]:
    """One statement's parameters: PyMySQL escapes them in one pass, cheaper than a pass per row."""
    return tuple(chain.from_iterable(rows))
