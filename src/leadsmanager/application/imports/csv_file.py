"""Reading a CSV file a row at a time: UTF-8 with or without a byte order mark, `;` or `,` between values.

Nothing holds the whole file: it is hashed in blocks, and its rows are read from a stream. Rows are
numbered as a spreadsheet numbers them: the header is row 1, so the first lead is row 2 (a value with a
line break inside quotes is still one row).
"""

from __future__ import annotations

import codecs
import csv
import hashlib
import io
from collections.abc import Callable, Iterator
from typing import BinaryIO

from attrs import frozen

from leadsmanager.domain.errors import ValidationError
from leadsmanager.domain.file_import import FIRST_ROW

Opener = Callable[[], BinaryIO]
SEPARATORS = (",", ";")
SAMPLE_BYTES = 64 * 1024
FIELD_LIMIT = 1_000_000  # characters in one value: larger is not a lead's, but a broken quote
_BLOCK = 1024 * 1024
_NOT_CSV = "is not a CSV file"
_SAVE_AS = "save it from the spreadsheet as 'CSV UTF-8'"


@frozen
class CsvRow:
    number: int
    values: tuple[str, ...]


@frozen
class CsvShape:
    """What the file's start says: its separator and its header's column names."""

    separator: str
    columns: tuple[str, ...]


def file_hash(open_file: Opener) -> str:
    """SHA-256 of the file's bytes, read in blocks: what identifies an import."""
    digest = hashlib.sha256()
    with open_file() as stream:
        while block := stream.read(_BLOCK):
            digest.update(block)
    return digest.hexdigest()


def shape(open_file: Opener, name: str, *, separator: str | None = None) -> CsvShape:
    """The separator (`separator`, else the one the header line uses more) and the header's columns."""
    with open_file() as stream:
        sample = stream.read(SAMPLE_BYTES)
    text = _sample_text(sample, name)
    first_line = text.splitlines()[0] if text.strip() else ""
    if not first_line.strip():
        raise ValidationError(f"{name} {_NOT_CSV}: its first line, the header naming the columns, is empty")
    chosen = separator or max(SEPARATORS, key=first_line.count)
    columns = next(_records(io.StringIO(text), chosen, name))
    named = tuple(c.strip() for c in columns)
    duplicates = sorted({c for c in named if named.count(c) > 1})
    if duplicates:
        raise ValidationError(f"{name}: the header names a column twice: {', '.join(map(repr, duplicates))}")
    return CsvShape(chosen, named)


def rows(open_file: Opener, name: str, separator: str) -> Iterator[CsvRow]:
    """Every row after the header, numbered from FIRST_ROW; blank rows are skipped but keep their number."""
    with open_file() as stream:
        text = io.TextIOWrapper(stream, encoding="utf-8-sig", newline="")
        records = _records(text, separator, name)
        next(records, None)  # the header
        for number, values in enumerate(records, start=FIRST_ROW):
            if any(v.strip() for v in values):
                yield CsvRow(number, tuple(values))


def _records(text: io.TextIOBase | io.StringIO, separator: str, name: str) -> Iterator[list[str]]:
    csv.field_size_limit(FIELD_LIMIT)
    reader = csv.reader(text, delimiter=separator, strict=False)
    try:
        yield from reader
    except UnicodeDecodeError:
        raise ValidationError(f"{name} is not UTF-8 text after row {reader.line_num}: {_SAVE_AS}") from None
    except csv.Error as e:
        raise ValidationError(f"{name}: row near line {reader.line_num} cannot be read: {e}") from None


def _sample_text(sample: bytes, name: str) -> str:
    if not sample:
        raise ValidationError(f"{name} is empty")
    if b"\x00" in sample or sample.startswith(b"PK\x03\x04"):
        raise ValidationError(f"{name} {_NOT_CSV} (a spreadsheet workbook or another binary file?): {_SAVE_AS}")
    try:
        # The sample may end inside a character: only a complete one that is not UTF-8 refuses the file.
        return codecs.getincrementaldecoder("utf-8-sig")().decode(sample, final=len(sample) < SAMPLE_BYTES)
    except UnicodeDecodeError:
        raise ValidationError(f"{name} {_NOT_CSV} in UTF-8: {_SAVE_AS}") from None
