"""One parser per kind of value that arrives as text, each refusing bad input with a ValidationError.

Python's own parsers are too generous for outside input: `str.isdigit()` and `int()` take `²` and
`٣`, `int()` refuses more than 4,300 digits with a bare ValueError, `date.max` has no next day, and
`json.loads` recurses once per nesting level until it raises RecursionError.
"""

from __future__ import annotations

import json
import re
from datetime import UTC, date, datetime
from itertools import accumulate
from typing import Any

from leadsmanager.domain.errors import ValidationError

MAX_ID = 2**63 - 1  # what a signed 64-bit id column holds
MAX_ENTITY_TAG_CHARS = 40
MAX_JSON_DEPTH = 64
_DAY = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}", re.ASCII)
# A JSON string, or an unterminated one running to the end: either way the brackets inside it do not nest.
# Possessive, and reaching the end when unterminated, so the scan stays linear on any input.
_STRING = re.compile(r'"(?:[^"\\]|\\.)*+(?:"|\Z)', re.DOTALL)
_NOT_BRACKETS = re.compile(r"[^\[\]{}]+")
_STEP = {"[": 1, "{": 1, "]": -1, "}": -1}


def whole_number(text: str, field: str, *, minimum: int = 0, maximum: int = MAX_ID) -> int:
    """ASCII digits only (no sign, space, `_` or other scripts' digits), from `minimum` to `maximum`."""
    if not (text.isascii() and text.isdigit()):
        raise ValidationError(f"{field} must be a whole number, not {_shown(text)}", {field: "not a whole number"})
    significant = text.lstrip("0") or "0"
    if len(significant) > len(str(maximum)) or not minimum <= int(significant) <= maximum:
        message = f"{field} must be from {minimum} to {maximum}"
        raise ValidationError(message, {field: f"from {minimum} to {maximum}"})
    return int(significant)


def calendar_day(text: str, field: str) -> date:
    """A day written YYYY-MM-DD, up to the last day that still has a next one (a period's end is the day after)."""
    try:
        if not _DAY.fullmatch(text):
            raise ValueError(text)
        day = date.fromisoformat(text)
    except ValueError:
        raise ValidationError(f"{field} must be a date like 2026-03-01", {field: "not a date"}) from None
    if day == date.max:
        raise ValidationError(f"{field} must be a date before {date.max}", {field: "out of range"})
    return day


def instant(text: str, field: str) -> datetime:
    """An ISO 8601 date and time with its UTC offset, in UTC. A naive time is refused: it could not be
    compared with stored ones. `fields[field]` says why: "not ISO 8601", "no UTC offset" or "out of range"."""
    try:
        when = datetime.fromisoformat(text)
    except ValueError:
        raise ValidationError(f"{field} must be an ISO 8601 time", {field: "not ISO 8601"}) from None
    if when.utcoffset() is None:
        raise ValidationError(f"{field} must carry its UTC offset", {field: "no UTC offset"})
    try:
        return when.astimezone(UTC)
    except OverflowError:  # year 1 or 9999 pushed past the calendar by its offset
        raise ValidationError(f"{field} is out of range", {field: "out of range"}) from None


def entity_tag(text: str, field: str = "If-Match") -> int:
    """A version as this product writes it in an ETag: `"3"`, also weak (`W/"3"`) or unquoted."""
    tag = text.strip().removeprefix("W/")
    if len(tag) > MAX_ENTITY_TAG_CHARS:
        raise ValidationError(f'{field} must be an ETag from this API, such as "3"', {field: "too long"})
    if tag[:1] == '"' and tag[-1:] == '"' and len(tag) >= 2:
        tag = tag[1:-1]
    try:
        return whole_number(tag, field)
    except ValidationError:
        raise ValidationError(f'{field} must be an ETag from this API, such as "3"', {field: "not an ETag"}) from None


def json_document(raw: bytes | str, field: str = "body", *, max_depth: int = MAX_JSON_DEPTH) -> Any:
    """UTF-8 JSON (a leading byte-order mark is allowed), nested at most `max_depth` arrays and objects deep."""
    try:
        text = raw.decode("utf-8-sig") if isinstance(raw, bytes) else raw
    except UnicodeDecodeError:
        raise ValidationError(f"the {field} is not UTF-8", {field: "not UTF-8"}) from None
    if nesting(text) > max_depth:
        message = f"the {field} nests arrays and objects more than {max_depth} deep"
        raise ValidationError(message, {field: f"nested more than {max_depth} deep"})
    try:
        return json.loads(text)
    except ValueError:
        raise ValidationError(f"the {field} is not valid JSON", {field: "not valid JSON"}) from None


def nesting(text: str) -> int:
    """How deep the JSON text's arrays and objects nest: at least as deep as a parser would go before any error."""
    brackets = _NOT_BRACKETS.sub("", _STRING.sub("", text))
    if len(brackets) <= 1:
        return len(brackets)
    return max(accumulate(map(_STEP.__getitem__, brackets)))


def _shown(text: str) -> str:
    return repr(text) if len(text) <= 20 else repr(text[:20]) + "…"
