"""The sync's cursors in memory: reads see committed cursors and this unit of work's own saves."""

from __future__ import annotations

from leadsmanager.application.ports import SyncCursorRepository
from leadsmanager.domain.sync_cursor import SyncCursor

Key = tuple[str, str]


class MemorySyncCursorRepository(SyncCursorRepository):
    """Saves wait in `saved` until MemoryUnitOfWork.commit copies them into the committed mapping."""

    def __init__(self, committed: dict[Key, SyncCursor]) -> None:
        self._committed = committed
        self.saved: dict[Key, SyncCursor] = {}

    def get(self, site: str, form_id: str) -> SyncCursor | None:
        key = (site, form_id)
        return self.saved.get(key, self._committed.get(key))

    def save(self, cursor: SyncCursor) -> None:
        self.saved[(cursor.site, cursor.form_id)] = cursor  # frozen: nothing can change it behind our back

    def list(self) -> list[SyncCursor]:
        return [cursor for _, cursor in sorted({**self._committed, **self.saved}.items())]
