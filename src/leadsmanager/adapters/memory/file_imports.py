"""Imports of files in memory: reads see what is committed and this unit of work's own writes."""

from __future__ import annotations

from collections.abc import Sequence

from leadsmanager.application.ports import FileImportRepository
from leadsmanager.domain.file_import import FileImport, RowRefusal


class FileImportStore:
    def __init__(self) -> None:
        self.imports: dict[str, FileImport] = {}
        self.refusals: dict[str, list[RowRefusal]] = {}

    def commit(self, saved: dict[str, FileImport], refused: dict[str, list[RowRefusal]]) -> None:
        self.imports.update(saved)
        for file_hash, rows in refused.items():
            self.refusals.setdefault(file_hash, []).extend(rows)


class MemoryFileImportRepository(FileImportRepository):
    """Writes wait in `saved` and `refused` until MemoryUnitOfWork.commit hands them to the store."""

    def __init__(self, store: FileImportStore) -> None:
        self._store = store
        self.saved: dict[str, FileImport] = {}
        self.refused: dict[str, list[RowRefusal]] = {}

    def get(self, file_hash: str) -> FileImport | None:
        return self.saved.get(file_hash, self._store.imports.get(file_hash))

    def save(self, file_import: FileImport) -> None:
        self.saved[file_import.file_hash] = file_import

    def add_refusals(self, file_hash: str, refusals: Sequence[RowRefusal]) -> None:
        self.refused.setdefault(file_hash, []).extend(refusals)

    def refusals(self, file_hash: str, *, after_row: int, limit: int) -> list[RowRefusal]:
        rows = [*self._store.refusals.get(file_hash, []), *self.refused.get(file_hash, [])]
        return sorted((r for r in rows if r.row > after_row), key=lambda r: r.row)[:limit]
