"""The WordPress sync's cursors in the database, one row per (site, form)."""

from __future__ import annotations

from typing import Any, cast

from sqlalchemy import CursorResult, Row, insert, select, update
from sqlalchemy.orm import Session

from leadsmanager.adapters.sql.errors import run
from leadsmanager.adapters.sql.tables import sync_cursors
from leadsmanager.application.ports import SyncCursorRepository
from leadsmanager.domain.sync_cursor import SyncCursor


class SqlSyncCursorRepository(SyncCursorRepository):
    def __init__(self, session: Session) -> None:
        self._session = session

    def get(self, site: str, form_id: str) -> SyncCursor | None:
        c = sync_cursors.c
        row = run(self._session, select(sync_cursors).where(c.site == site, c.form_id == form_id)).first()
        return None if row is None else _to_cursor(row)

    def save(self, cursor: SyncCursor) -> None:
        # Update, else insert: portable across SQLite and MariaDB. Two syncs saving a new form's first
        # cursor at once collide on the primary key, a TransientConflict the caller may retry.
        c = sync_cursors.c
        values = _values(cursor)
        statement = update(sync_cursors).where(c.site == cursor.site, c.form_id == cursor.form_id).values(values)
        if cast(CursorResult[Any], run(self._session, statement)).rowcount == 0:
            first = insert(sync_cursors).values(site=cursor.site, form_id=cursor.form_id, **values)
            run(self._session, first, on_duplicate="another sync stored this form's cursor at the same moment")

    def list(self) -> list[SyncCursor]:
        statement = select(sync_cursors).order_by(sync_cursors.c.site, sync_cursors.c.form_id)
        return [_to_cursor(r) for r in run(self._session, statement)]


def _values(cursor: SyncCursor) -> dict[str, Any]:
    return {
        "after_id": cursor.after_id,
        "last_run_at": cursor.last_run_at,
        "last_error": cursor.last_error,
        "imported_total": cursor.imported_total,
        "succeeded_at": cursor.succeeded_at,
        "failed_at": cursor.failed_at,
        "newest_entry_at": cursor.newest_entry_at,
    }


def _to_cursor(row: Row[Any]) -> SyncCursor:
    return SyncCursor(**row._mapping)
