"""`leadsmanager import`: bring existing leads in from files (`import csv`)."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import BinaryIO

import click

from leadsmanager.application.imports import FIELDS, CsvImport, ImportProgress, ImportSummary, field_name
from leadsmanager.application.imports.csv_file import CsvShape, Opener, shape
from leadsmanager.domain.errors import ValidationError
from leadsmanager.domain.file_import import ImportCounts, RowRefusal
from leadsmanager.entrypoints.cli.context import OPERATOR, container, reports_errors
from leadsmanager.entrypoints.cli.progress import Progress
from leadsmanager.entrypoints.formats.import_errors import write_refusals


@click.group("import")
def import_leads() -> None:
    """Bring existing leads in from files, by the same intake rules as every channel."""


@import_leads.command("csv")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--map", "mapping", multiple=True, metavar="COLUMN=FIELD", help=f"fields: {', '.join(FIELDS)}")
@click.option("--separator", type=click.Choice([",", ";"]), default=None, help="[default: sniffed from the header]")
@click.option("--dry-run", is_flag=True, help="count what would be created, merged and refused; write nothing")
@click.option("--errors", "errors_file", type=click.Path(dir_okay=False, path_type=Path), help="refused rows as CSV")
@click.option("--progress/--no-progress", "show_progress", default=None, help="[default: on a terminal]")
@click.pass_context
@reports_errors
def import_csv(
    ctx: click.Context,
    *,
    file: Path,
    mapping: tuple[str, ...],
    separator: str | None,
    dry_run: bool,
    errors_file: Path | None,
    show_progress: bool | None,
) -> None:
    """Import the leads of a CSV file (UTF-8, a header row); run it again to resume after a stop."""
    columns = _mapping(mapping)
    source = CsvImport(_opener(file), file.name, columns, separator)
    importer = container(ctx).use_cases.import_csv()
    progress = Progress.chosen(show_progress)
    refused: list[RowRefusal] = []

    def on_batch(done: ImportProgress) -> None:
        c = done.counts
        progress.show(f"row {done.next_row - 1:,}: {c.created:,} new, {c.merged:,} merged, {c.refused:,} refused")

    summary = importer(
        source,
        by=OPERATOR,
        dry_run=dry_run,
        on_batch=on_batch if progress.enabled else None,
        on_refused=refused.append if dry_run and errors_file else None,
    )
    progress.done()
    if errors_file is not None:
        rows = refused if dry_run else importer.refusals(summary.file_hash)
        # In the file's own separator: a `;` file is what a Spanish Excel writes and reads back into columns.
        _write_errors(errors_file, summary.columns, rows, shape(source.open_file, file.name, separator=separator))
    click.echo(summary_line(summary, errors_file))
    for reason, count in summary.reasons:
        rows = ", ".join(f"{n:,}" for n in summary.rows_of.get(reason, ()))
        more = " …" if count > len(summary.rows_of.get(reason, ())) else ""
        click.echo(f"  refused {count:,} (row{'s' if count > 1 else ''} {rows}{more}): {reason}")


def summary_line(s: ImportSummary, errors_file: Path | None) -> str:
    if s.finished_before is not None:
        when = s.finished_before.strftime("%Y-%m-%d %H:%M UTC")
        return f"{s.file_name} was imported to its end on {when}: nothing to do ({_counts(s.total)})"
    verb = "would import" if s.dry_run else "imported"
    rows = f"rows {s.first_row:,}-{s.next_row - 1:,}" if s.next_row > s.first_row else "no rows"
    line = f"{s.file_name}: {verb} {rows}: {_counts(s.counts, would=s.dry_run)}"
    if not s.dry_run and s.total != s.counts:
        line += f" (every run: {_counts(s.total)})"
    if errors_file is not None:
        line += f"; refused rows in {errors_file}"
    return line


def _counts(c: ImportCounts, *, would: bool = False) -> str:
    new = "new leads" if not would else "to create"
    return f"{c.created:,} {new}, {c.merged:,} merged, {c.duplicates:,} already imported, {c.refused:,} refused"


def _mapping(given: Iterable[str]) -> dict[str, str]:
    columns: dict[str, str] = {}
    for item in given:
        column, equals, target = item.rpartition("=")
        if not equals or not column.strip():
            raise ValidationError(f"--map {item!r}: write it as COLUMN=FIELD, e.g. --map 'Correo=email'")
        columns[column.strip()] = field_name(target)
    return columns


def _opener(path: Path) -> Opener:
    def open_file() -> BinaryIO:
        try:
            return path.open("rb")
        except OSError as e:
            raise ValidationError(f"cannot read {path}: {e.strerror or e}") from None

    open_file().close()  # an unreadable file is refused before anything else
    return open_file


def _write_errors(path: Path, columns: tuple[str, ...], rows: Iterable[RowRefusal], read: CsvShape) -> None:
    try:
        with path.open("w", encoding="utf-8-sig", newline="") as out:
            write_refusals(out, columns, rows, separator=read.separator)
    except OSError as e:
        raise ValidationError(f"cannot write {path}: {e.strerror or e}") from None
