"""Building CSV files of leads for the import tests and the bench."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import BinaryIO

from leadsmanager.application.imports import CsvImport


def csv_text(rows: Iterable[Iterable[str]], *, separator: str = ",") -> str:
    out = io.StringIO()
    csv.writer(out, delimiter=separator, lineterminator="\r\n").writerows(rows)
    return out.getvalue()


def opener(data: bytes) -> Callable[[], BinaryIO]:
    return lambda: io.BytesIO(data)


def source(data: bytes | str, mapping: dict[str, str] | None = None, **options: str) -> CsvImport:
    raw = data.encode() if isinstance(data, str) else data
    return CsvImport(opener(raw), "leads.csv", mapping or {}, **options)


def file_source(path: Path, mapping: dict[str, str] | None = None) -> CsvImport:
    return CsvImport(lambda: path.open("rb"), path.name, mapping or {})
