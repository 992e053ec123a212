"""What a run of an import made of its rows so far: counts, refusals and their reasons, and its summary."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Sequence
from datetime import datetime

from attrs import Factory, frozen

from leadsmanager.application.imports.csv_file import CsvRow
from leadsmanager.application.imports.outcomes import DryRun
from leadsmanager.application.intake import Outcome, SubmitResult
from leadsmanager.domain.errors import ValidationError
from leadsmanager.domain.file_import import FileImport, ImportCounts, RowRefusal

FIRST_ROWS = 5  # the rows a reason names, so that a person finds them in the file
OnBatch = Callable[["ImportProgress"], None]
OnRefused = Callable[[RowRefusal], None]


@frozen
class ImportProgress:
    next_row: int
    counts: ImportCounts


@frozen
class ImportSummary:
    file_hash: str
    file_name: str
    columns: tuple[str, ...]
    first_row: int  # where this run started
    next_row: int
    counts: ImportCounts  # this run's rows
    total: ImportCounts  # every run's of this file (a dry run: this one's)
    reasons: tuple[tuple[str, int], ...]  # why rows were refused, most frequent first
    dry_run: bool = False
    finished_before: datetime | None = None  # the file was imported to its end already
    rows_of: dict[str, tuple[int, ...]] = Factory(dict)  # a reason's first rows (FIRST_ROWS), in this run


Verdict = Outcome | SubmitResult | ValidationError


@frozen
class Batch:
    done: Sequence[tuple[CsvRow, Verdict]]
    counts: ImportCounts
    refusals: list[RowRefusal]

    @classmethod
    def of(cls, done: Sequence[tuple[CsvRow, Verdict]]) -> Batch:
        outcomes = Counter(_outcome(v) for _, v in done)
        refusals = [RowRefusal(row.number, row.values, reason(v)) for row, v in done if isinstance(v, ValidationError)]
        counts = ImportCounts(
            outcomes[Outcome.CREATED], outcomes[Outcome.MERGED], outcomes[Outcome.DUPLICATE], len(refusals)
        )
        return cls(done, counts, refusals)


class Run:
    def __init__(self, state: FileImport, *, dry_run: bool, on_batch: OnBatch | None, on_refused: OnRefused | None):
        self.state, self.first_row, self.dry_run = state, state.next_row, dry_run
        self.dry = DryRun()
        self.counts = ImportCounts()
        self.reasons: Counter[str] = Counter()
        self.rows_of: dict[str, list[int]] = {}
        self._on_batch, self._on_refused = on_batch, on_refused

    def add(self, next_row: int, done: Sequence[tuple[CsvRow, Verdict]]) -> None:
        batch = Batch.of(done)
        self.counts += batch.counts
        self.state = self.state.advanced(next_row, batch.counts, at=self.state.updated_at)
        for refusal in batch.refusals:
            self.reasons[refusal.reason] += 1
            rows = self.rows_of.setdefault(refusal.reason, [])
            if len(rows) < FIRST_ROWS:
                rows.append(refusal.row)
            if self._on_refused is not None:
                self._on_refused(refusal)
        if self._on_batch is not None:
            self._on_batch(ImportProgress(next_row, self.counts))

    def summary(self, *, finished_before: datetime | None = None) -> ImportSummary:
        s = self.state
        total = self.counts if self.dry_run else s.counts
        reasons = tuple(self.reasons.most_common())
        return ImportSummary(
            s.file_hash, s.file_name, s.columns, self.first_row, s.next_row, self.counts, total, reasons,
            dry_run=self.dry_run, finished_before=finished_before,
            rows_of={why: tuple(rows) for why, rows in self.rows_of.items()},
        )  # fmt: skip


def _outcome(verdict: Verdict) -> Outcome | None:
    if isinstance(verdict, SubmitResult):
        return verdict.outcome
    return verdict if isinstance(verdict, Outcome) else None


def reason(error: ValidationError) -> str:
    """A refusal's reason without the row's own values, so that rows refused alike count together."""
    if error.fields:
        return "; ".join(f"{name}: {problem}" for name, problem in error.fields.items())
    return str(error)
