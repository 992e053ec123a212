"""Reading the Custom Form API's JSON: `{"form_submissions": [...], ...}`, each entry keyed by field label.

An entry is `{"id": "1234", "created_at": "2026-03-01 09:00:00", "updated_at": ..., "<label>": "<value>"}`:
the id a string of digits, times in UTC without an offset, a field left empty absent. Checkbox and
multi-select answers come PHP-serialized and become one value joined by ", ". Strict about what places an
entry (its id, its time: a wrong cursor would skip or repeat leads), lenient about what a person filled in.
Only entries after the cursor are read closely: one broken long ago does not stop the form.
"""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime
from typing import Any

from leadsmanager.adapters.form_sources.php_serialized import array_of_scalars, looks_serialized
from leadsmanager.adapters.form_sources.site import ROW_ID
from leadsmanager.application.parsing import json_document
from leadsmanager.application.sync_types import FormSourceBadResponse, RemoteSubmission
from leadsmanager.domain.errors import ValidationError

TIME = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2} [0-9]{2}:[0-9]{2}:[0-9]{2}")
NOT_FIELDS = frozenset({"id", "created_at", "updated_at"})
EMPTY_FORM = "No form submissions found"  # the message of its 404 for a form without entries
JOINED = ", "


class _OffFormat(Exception):
    """Why a response is not the plugin's; becomes a FormSourceBadResponse naming the site and form."""


def entries_after(body: bytes, after: int, *, site: str, form_id: str) -> list[RemoteSubmission]:
    """The listing's entries with an id above `after`, ascending by id, each id once."""
    try:
        newer: dict[int, dict[str, Any]] = {}
        for n, entry in enumerate(_key(_document(body), "form_submissions", list, "a list"), 1):
            number = _id(entry, n)
            if number > after:
                newer.setdefault(number, entry)
        return [_submission(number, newer[number]) for number in sorted(newer)]
    except _OffFormat as e:
        raise FormSourceBadResponse(
            f"the response is not the Custom Form API's: {e}", site=site, form_id=form_id
        ) from None


def is_empty_form(body: bytes) -> bool:
    """Whether a 404 is the plugin saying the form has no entries (not a missing route or form)."""
    data = _object_or_none(body)
    return data is not None and data.get("message") == EMPTY_FORM and "code" not in data


def wordpress_code(body: bytes) -> str | None:
    """The code of a WordPress REST error (`rest_no_route`), if the body is one."""
    code = (_object_or_none(body) or {}).get("code")
    return code if isinstance(code, str) else None


def _object_or_none(body: bytes) -> dict[str, Any] | None:
    try:
        data = json_document(body)
    except ValidationError:
        return None
    return data if isinstance(data, dict) else None


def _document(body: bytes) -> dict[str, Any]:
    try:
        data = json_document(body)
    except ValidationError as e:
        hint = " (an HTML page: a PHP notice, or a login or error page in front of the API?)"
        raise _OffFormat(f"{e}{hint if body.lstrip()[:1] == b'<' else ''}") from None
    if not isinstance(data, dict):
        raise _OffFormat("expected a JSON object")
    return data


def _key(data: dict[str, Any], key: str, kind: type[Any], described: str) -> Any:
    value = data.get(key)
    if not isinstance(value, kind):
        raise _OffFormat(f"{key!r} is missing or not {described}")
    return value


def _id(entry: Any, n: int) -> int:
    if not isinstance(entry, dict):
        raise _OffFormat(f"entry #{n} is not a JSON object")
    value = entry.get("id")
    if isinstance(value, int) and not isinstance(value, bool):
        value = str(value)
    if not isinstance(value, str) or not ROW_ID.fullmatch(value):
        raise _OffFormat(f"entry #{n}'s id {str(value)[:40]!r} is not a number")
    return int(value)


def _submission(number: int, entry: dict[str, Any]) -> RemoteSubmission:
    fields = {label: _text(value) for label, value in entry.items() if label not in NOT_FIELDS}
    return RemoteSubmission(str(number), _created_at(number, entry), {k: v for k, v in fields.items() if v})


def _created_at(number: int, entry: dict[str, Any]) -> datetime:
    value = entry.get("created_at")
    if isinstance(value, str) and TIME.fullmatch(value):
        try:
            return datetime.strptime(value, "%Y-%m-%d %H:%M:%S").replace(tzinfo=UTC)
        except ValueError:  # no such day (2026-02-30), or MySQL's zero date
            pass
    raise _OffFormat(f"entry {number}'s created_at {str(value)[:40]!r} is not a Y-m-d H:i:s time")


def _text(value: Any) -> str:
    """A field's value as one text; a list of answers joined, anything else kept as it came."""
    if value is None or isinstance(value, bool):
        return "1" if value is True else ""
    if isinstance(value, str):
        answers = array_of_scalars(value) if looks_serialized(value) else None
        return value if answers is None else _joined(answers)
    if isinstance(value, int | float):
        return str(value)
    answers = list(value.values() if isinstance(value, dict) else value)
    if all(isinstance(a, str | int | float) and not isinstance(a, bool) for a in answers):
        return _joined([str(a) for a in answers])
    return json.dumps(value, ensure_ascii=False)


def _joined(answers: list[str]) -> str:
    return JOINED.join(a for a in (answer.strip() for answer in answers) if a)
