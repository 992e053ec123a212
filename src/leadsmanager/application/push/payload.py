"""What form plugins push, read as flat text fields: nested objects become dotted keys.

Plugins post JSON (Gravity Forms' Webhooks add-on, CF7 to Webhook, Formidable's Send API Data) or a
PHP-style form (`form[id]=...&fields[email][value]=...`, as WordPress' HTTP API encodes an array). Both
become one flat mapping of text: `{"a": {"b": 1}}` is `a.b = "1"`, a list of plain values is one value
joined by ", " (a checkbox's choices), a list holding objects is indexed (`items.0.name`), and null is
left out. Anything that cannot be read so is an UnreadablePush, which says why.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from typing import Any
from urllib.parse import parse_qsl

from leadsmanager.application.parsing import json_document
from leadsmanager.domain.errors import ValidationError

MAX_FIELDS = 1000
# `a[b][c]` nests; deeper keys than this are kept as they came, one flat field.
MAX_BRACKET_DEPTH = 16
_BRACKETED = re.compile(rf"([^\[\]]+)((?:\[[^\[\]]*\]){{1,{MAX_BRACKET_DEPTH}}})")
_SEGMENT = re.compile(r"\[([^\[\]]*)\]")
Scalar = str | int | float | bool


class UnreadablePush(ValidationError):
    """A pushed body that holds no submission we can read: not JSON, not an object, too many fields."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason, {"body": reason})


def text_of(body: bytes) -> str:
    try:
        return body.decode("utf-8")
    except UnicodeDecodeError:
        raise UnreadablePush("the body is not UTF-8 text") from None


def json_fields(body: bytes) -> dict[str, str]:
    """A JSON object's fields; a list of exactly one object (Formidable's default body) is that object."""
    try:
        data = json_document(body)
    except ValidationError:
        raise UnreadablePush("the body is not JSON") from None
    if isinstance(data, list) and len(data) == 1 and isinstance(data[0], dict):
        data = data[0]
    if isinstance(data, list):
        raise UnreadablePush(f"the body is a JSON list of {len(data)} items, not one submission (an object)")
    if not isinstance(data, dict):
        raise UnreadablePush("the body is JSON but not an object of fields")
    return flattened(data)


def form_pairs(body: bytes) -> list[tuple[str, str]]:
    """An application/x-www-form-urlencoded body's name/value pairs, in order."""
    try:
        return parse_qsl(text_of(body), keep_blank_values=True, max_num_fields=MAX_FIELDS)
    except ValueError:
        raise UnreadablePush(f"the form has more than {MAX_FIELDS} fields") from None


def nested(pairs: list[tuple[str, str]]) -> dict[str, Any]:
    """PHP's reading of a form: `a[b]=1&a[c]=2` is `{"a": {"b": "1", "c": "2"}}`, `a[]` appends."""
    tree: dict[str, Any] = {}
    for name, value in pairs:
        match = _BRACKETED.fullmatch(name)
        path = [match.group(1), *_SEGMENT.findall(match.group(2))] if match else [name]
        node = tree
        for segment in path[:-1]:
            child = node.get(segment)
            if not isinstance(child, dict):
                child = node[segment] = {}
            node = child
        last = path[-1] or str(len(node))
        node[last] = value
    return tree


def form_fields(body: bytes) -> dict[str, str]:
    return flattened(nested(form_pairs(body)))


def flattened(data: Mapping[str, Any]) -> dict[str, str]:
    fields: dict[str, str] = {}
    for name, value in data.items():  # the top level is always an object, even with keys 0, 1, ...
        _flatten(value, str(name), fields)
    if len(fields) > MAX_FIELDS:
        raise UnreadablePush(f"the submission has more than {MAX_FIELDS} fields")
    return fields


def _flatten(value: Any, key: str, into: dict[str, str]) -> None:
    if isinstance(value, dict):
        if (items := _as_list(value)) is not None:
            _flatten(items, key, into)
            return
        for name, item in value.items():
            _flatten(item, f"{key}.{name}", into)
    elif isinstance(value, list):
        if all(v is None or isinstance(v, Scalar) for v in value):
            into[key] = ", ".join(_text(v) for v in value if v is not None and _text(v))
        else:
            for n, item in enumerate(value):
                _flatten(item, f"{key}.{n}", into)
    elif value is not None:
        into[key] = _text(value)


def _as_list(value: dict[str, Any]) -> list[Any] | None:
    """A PHP list as a form encodes it (`a[0]=x&a[1]=y`) is a list, so its values join like JSON's."""
    if value and list(value) == [str(n) for n in range(len(value))]:
        return list(value.values())
    return None


def _text(value: Scalar) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return value if isinstance(value, str) else json.dumps(value)
