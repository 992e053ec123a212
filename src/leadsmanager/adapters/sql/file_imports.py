"""Imports of files in the database: one row per file, and one per row intake refused."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, cast

from sqlalchemy import CursorResult, Row, insert, select, update
from sqlalchemy.orm import Session

from leadsmanager.adapters.sql.errors import run
from leadsmanager.adapters.sql.tables import file_import_refusals, file_imports
from leadsmanager.application.ports import FileImportRepository
from leadsmanager.domain.file_import import FileImport, ImportCounts, RowRefusal


class SqlFileImportRepository(FileImportRepository):
    def __init__(self, session: Session) -> None:
        self._session = session

    def get(self, file_hash: str) -> FileImport | None:
        statement = select(file_imports).where(file_imports.c.file_hash == file_hash)
        row = run(self._session, statement).first()
        return None if row is None else _to_import(row)

    def save(self, file_import: FileImport) -> None:
        # Update, else insert, as the sync's cursors: two runs of one new file at once collide on the key.
        values = _values(file_import)
        where = file_imports.c.file_hash == file_import.file_hash
        if cast(CursorResult[Any], run(self._session, update(file_imports).where(where).values(values))).rowcount == 0:
            first = insert(file_imports).values(file_hash=file_import.file_hash, **values)
            run(self._session, first, on_duplicate="another run of this file stored its position at the same moment")

    def add_refusals(self, file_hash: str, refusals: Sequence[RowRefusal]) -> None:
        if refusals:
            rows = [
                {"file_hash": file_hash, "row_no": r.row, "row_values": list(r.values), "reason": r.reason}
                for r in refusals
            ]
            run(self._session, insert(file_import_refusals), rows, on_duplicate="these rows were refused already")

    def refusals(self, file_hash: str, *, after_row: int, limit: int) -> list[RowRefusal]:
        c = file_import_refusals.c
        statement = (
            select(c.row_no, c.row_values, c.reason)
            .where(c.file_hash == file_hash, c.row_no > after_row)
            .order_by(c.row_no)
            .limit(limit)
        )
        return [RowRefusal(int(r.row_no), tuple(r.row_values), r.reason) for r in run(self._session, statement)]


def _values(f: FileImport) -> dict[str, Any]:
    return {
        "file_name": f.file_name[:255],
        "columns": list(f.columns),
        "mapping": [[column, target] for column, target in f.mapping.items()],
        "started_at": f.started_at,
        "updated_at": f.updated_at,
        "next_row": f.next_row,
        "created": f.counts.created,
        "merged": f.counts.merged,
        "duplicates": f.counts.duplicates,
        "refused": f.counts.refused,
        "finished_at": f.finished_at,
        "separator": f.separator,
    }


def _to_import(row: Row[Any]) -> FileImport:
    r = row._mapping
    return FileImport(
        r["file_hash"],
        r["file_name"],
        tuple(r["columns"]),
        {column: target for column, target in r["mapping"]},
        started_at=r["started_at"],
        updated_at=r["updated_at"],
        next_row=int(r["next_row"]),
        counts=ImportCounts(int(r["created"]), int(r["merged"]), int(r["duplicates"]), int(r["refused"])),
        finished_at=r["finished_at"],
        separator=r["separator"],
    )
