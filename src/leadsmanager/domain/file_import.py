"""A file of existing leads being imported: where it stands, so a run that stopped resumes at the next row."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime

from attrs import evolve, frozen

FIRST_ROW = 2  # row 1 of a CSV file is its header; rows are numbered as a spreadsheet shows them


@frozen
class ImportCounts:
    created: int = 0
    merged: int = 0
    duplicates: int = 0  # rows already imported (by this file or another): nothing changed
    refused: int = 0

    def __add__(self, other: ImportCounts) -> ImportCounts:
        return ImportCounts(
            self.created + other.created,
            self.merged + other.merged,
            self.duplicates + other.duplicates,
            self.refused + other.refused,
        )

    @property
    def rows(self) -> int:
        return self.created + self.merged + self.duplicates + self.refused


@frozen
class RowRefusal:
    """A row intake refused: its number, its values in the header's order, and why."""

    row: int
    values: tuple[str, ...]
    reason: str


@frozen
class FileImport:
    """One file's import, identified by the SHA-256 of its bytes; `next_row` is the first row not yet stored."""

    file_hash: str
    file_name: str
    columns: tuple[str, ...]
    mapping: Mapping[str, str]
    started_at: datetime
    updated_at: datetime
    next_row: int = FIRST_ROW
    counts: ImportCounts = ImportCounts()
    finished_at: datetime | None = None
    # The file's own separator: its refused rows are written back in it, as the file's spreadsheet reads them.
    separator: str = ","

    def advanced(self, next_row: int, counts: ImportCounts, *, at: datetime) -> FileImport:
        """A batch of rows was stored, in the same transaction as this position."""
        return evolve(self, next_row=next_row, counts=self.counts + counts, updated_at=at)

    def finished(self, *, at: datetime) -> FileImport:
        return evolve(self, finished_at=at, updated_at=at)
