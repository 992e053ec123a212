"""Import a CSV file of leads by the intake rules every channel follows, a batch at a time.

Transaction boundary: each batch of rows is stored by SubmitLead.page in one transaction together with
the import's position (the next row) and the rows it refused, so a crash leaves no batch half-stored,
and running the same file again (the same bytes: an import is identified by their SHA-256) resumes at
the row after the last batch stored. Each row's external id (`csv/` and its id in the other system, or
a hash of its values) makes a row imported again, from this file or another, a duplicate.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping, Sequence
from datetime import timedelta, tzinfo
from itertools import islice
from typing import Protocol

from attrs import field, frozen

from leadsmanager.application.imports.columns import ColumnMap
from leadsmanager.application.imports.csv_file import CsvRow, CsvShape, Opener, file_hash, rows, shape
from leadsmanager.application.imports.runs import Batch, ImportSummary, OnBatch, OnRefused, Run
from leadsmanager.application.intake import LeadForm, SubmitResult, to_submission
from leadsmanager.application.intake.submit import PageDone
from leadsmanager.application.ports import Clock, UnitOfWork, UnitOfWorkFactory
from leadsmanager.domain.actor import Actor
from leadsmanager.domain.errors import Conflict, PermissionDenied, ValidationError
from leadsmanager.domain.file_import import FileImport, RowRefusal
from leadsmanager.domain.lead import Submission
from leadsmanager.domain.roles import Permission

BATCH_ROWS = 500
# A row dated later than this is a typing mistake (a year 2062), not a lead from the future.
CLOCK_SLACK = timedelta(days=1)


class Intake(Protocol):
    """SubmitLead: a page of forms stored in one transaction with what the caller writes in `then`."""

    def page(
        self, forms: Sequence[LeadForm], *, then: PageDone | None = None
    ) -> list[SubmitResult | ValidationError]: ...


@frozen
class CsvImport:
    """A file to import: how to open it (again: it is read more than once), its name, the column map."""

    open_file: Opener
    file_name: str
    mapping: Mapping[str, str] = field(factory=dict)
    separator: str | None = None


@frozen
class Preview:
    shape: CsvShape
    rows: tuple[CsvRow, ...]
    suggested: Mapping[str, str]  # the field each column fills unless mapped otherwise


class ImportCsv:
    def __init__(
        self,
        submit: Intake,
        uow: UnitOfWorkFactory,
        clock: Clock,
        *,
        phone_region: str,
        zone: tzinfo,
        batch_rows: int = BATCH_ROWS,
    ) -> None:
        self._submit, self._uow, self._clock = submit, uow, clock
        self._region, self._zone, self._batch = phone_region, zone, batch_rows

    def preview(self, source: CsvImport, *, rows_shown: int = 5) -> Preview:
        found = shape(source.open_file, source.file_name, separator=source.separator)
        first = tuple(islice(rows(source.open_file, source.file_name, found.separator), rows_shown))
        return Preview(found, first, ColumnMap.of(found.columns, {}).fields)

    def __call__(
        self,
        source: CsvImport,
        *,
        by: Actor,
        dry_run: bool = False,
        on_batch: OnBatch | None = None,
        on_refused: OnRefused | None = None,
    ) -> ImportSummary:
        if not by.can(Permission.IMPORT_LEADS):
            raise PermissionDenied("only admins may import leads")
        found = shape(source.open_file, source.file_name, separator=source.separator)
        columns = ColumnMap.of(found.columns, source.mapping)
        if not columns.reaches():  # refused before a run that would refuse every row marks the file imported
            listed = ", ".join(map(repr, found.columns))
            raise ValidationError(
                f"no column fills the email or the phone: map a column to one of them (the file's columns: {listed})",
                {"map": "no email or phone column"},
            )
        state = self._state(file_hash(source.open_file), source, columns, found.separator)
        run = Run(state, dry_run=dry_run, on_batch=on_batch, on_refused=on_refused)
        if state.finished_at is not None:
            return run.summary(finished_before=state.finished_at)
        pending = (r for r in rows(source.open_file, source.file_name, found.separator) if r.number >= state.next_row)
        for batch in _batches(pending, self._batch):
            prepared = [(row, self._form(columns, row)) for row in batch]
            if dry_run:
                self._plan(run, prepared)
            else:
                self._store(run, prepared)
        if not dry_run:
            done = run.state.finished(at=self._clock.now())
            self._save(done)
            run.state = done
        return run.summary()

    def refusals(self, hash_: str, *, chunk: int = 1000) -> Iterator[RowRefusal]:
        """Every row of the file's import that intake refused, in row order, read a chunk at a time."""
        after = 0
        while True:
            with self._uow() as uow:
                found = uow.imports.refusals(hash_, after_row=after, limit=chunk)
            yield from found
            if len(found) < chunk:
                return
            after = found[-1].row

    def stored(self, hash_: str) -> FileImport | None:
        with self._uow() as uow:
            return uow.imports.get(hash_)

    def _state(self, hash_: str, source: CsvImport, columns: ColumnMap, separator: str) -> FileImport:
        stored = self.stored(hash_)
        if stored is None:
            now = self._clock.now()
            return FileImport(
                hash_,
                source.file_name,
                columns.columns,
                columns.fields,
                started_at=now,
                updated_at=now,
                separator=separator,
            )
        if stored.finished_at is None and dict(stored.mapping) != dict(columns.fields):
            raise Conflict(
                f"{source.file_name} was imported up to row {stored.next_row - 1} with another column map; "
                f"finish it with the same map ({_described(stored.mapping)})"
            )
        return stored

    def _form(self, columns: ColumnMap, row: CsvRow) -> LeadForm | ValidationError:
        try:
            return columns.lead_form(row, zone=self._zone, latest=self._clock.now() + CLOCK_SLACK)
        except ValidationError as e:
            return e

    def _plan(self, run: Run, prepared: list[tuple[CsvRow, LeadForm | ValidationError]]) -> None:
        checked = [(row, self._checked(f)) for row, f in prepared]
        with self._uow() as uow:  # read only: never committed
            valid = [s for _, s in checked if isinstance(s, Submission)]
            outcomes = iter(run.dry.outcomes(uow, valid))
        run.add(
            checked[-1][0].number + 1, [(row, next(outcomes) if isinstance(s, Submission) else s) for row, s in checked]
        )

    def _checked(self, form: LeadForm | ValidationError) -> Submission | ValidationError:
        if isinstance(form, ValidationError):
            return form
        try:
            return to_submission(form, region=self._region)
        except ValidationError as e:
            return e

    def _store(self, run: Run, prepared: list[tuple[CsvRow, LeadForm | ValidationError]]) -> None:
        forms = [f for _, f in prepared if isinstance(f, LeadForm)]
        next_row = prepared[-1][0].number + 1
        kept: list[Batch] = []

        def keep(uow: UnitOfWork, results: Sequence[SubmitResult | ValidationError]) -> None:
            given = iter(results)
            done = [(row, next(given) if isinstance(f, LeadForm) else f) for row, f in prepared]
            batch = Batch.of(done)
            uow.imports.add_refusals(run.state.file_hash, batch.refusals)
            uow.imports.save(run.state.advanced(next_row, batch.counts, at=self._clock.now()))
            kept[:] = [batch]  # a retried transaction replaces what the failed attempt made

        self._submit.page(forms, then=keep)
        run.add(next_row, kept[0].done)

    def _save(self, state: FileImport) -> None:
        with self._uow() as uow:
            uow.imports.save(state)
            uow.commit()


def _batches(items: Iterable[CsvRow], size: int) -> Iterator[list[CsvRow]]:
    iterator = iter(items)
    while batch := list(islice(iterator, size)):
        yield batch


def _described(mapping: Mapping[str, str]) -> str:
    return " ".join(f"--map {column}={target}" for column, target in mapping.items())
