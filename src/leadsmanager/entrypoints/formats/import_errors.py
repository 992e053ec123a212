"""An import's refused rows as CSV: the row number, the reason, then the row's values under its header."""

from __future__ import annotations

import csv
from collections.abc import Iterable, Iterator
from typing import TextIO

from leadsmanager.domain.file_import import RowRefusal
from leadsmanager.entrypoints.formats.spreadsheet import spreadsheet_cell

ROW, REASON = "row", "reason"


def refusal_lines(columns: tuple[str, ...], refusals: Iterable[RowRefusal]) -> Iterator[list[str]]:
    yield [ROW, REASON, *columns]
    for r in refusals:
        yield [str(r.row), *(spreadsheet_cell(v) for v in (r.reason, *r.values))]


def write_refusals(
    out: TextIO, columns: tuple[str, ...], refusals: Iterable[RowRefusal], *, separator: str = ","
) -> int:
    """Write the report, its cells apart by `separator`; the number of refused rows written."""
    writer = csv.writer(out, delimiter=separator)
    written = -1
    for line in refusal_lines(columns, refusals):
        writer.writerow(line)
        written += 1
    return written
