"""A fake Gravity Forms REST API v2 on loopback, answering as the plugin does, quirks included.

- The API exists only once enabled (Forms → Settings → REST API): until then its routes answer 404
  `rest_no_route`.
- Credentials: a key pair (ck_…/cs_…) or an application password, as Basic; a wrong one is 401
  `gform_rest_authentication_error`, none 401 `rest_forbidden`; a user lacking the capability
  (gravityforms_view_entries for entries, gravityforms_edit_forms for forms) 403 `rest_forbidden`.
- `GET /gf/v2/forms/{id}/entries`: `search` is JSON, which Gravity Forms URL-decodes once more;
  `field_filters` compare `id` as a number with `is_numeric`; sorting defaults to id DESC and paging to
  10 from offset 0 (`paging[offset]` or `paging[current_page]`); `total_count` counts every entry the
  search matches. Entry ids and form ids are strings; every field or input of the form is in each entry,
  an empty one as ""; a multi-select's value is a list. `_labels=1` adds the form's labels: a field's
  label, an object of its own and its inputs' labels for a field of inputs, `{"label", "choices"}` for
  a survey field, and `[]` for a form without fields. An unknown form has no entries: not an error.
- `GET /gf/v2/forms`: an object keyed by form id (`[]` without forms) with each form's entry count as
  a string; `GET /gf/v2/forms/{id}`: the form; an unknown one answers 500 `gf_not_found`.
"""

from __future__ import annotations

import itertools
import json
import re
from collections.abc import Mapping
from datetime import datetime, timedelta
from typing import Any
from urllib.parse import unquote_plus

from attrs import frozen

from tests.integration.fake_sources.site import FakeSite, Reply, basic_credentials, error, json_reply
from tests.support import START

KEY, SECRET = "ck_5b1a0fd2c3e4f5a6b7c8d9e0", "cs_0e9d8c7b6a5f4e3d2c1b0a9f"
FORBIDDEN = "Sorry, you are not allowed to do that."
ROUTE = re.compile(r"/wp-json/gf/v2/(forms(?:/[0-9]+(?:/entries)?)?)")


@frozen
class GfField:
    """A form field; a field of inputs (a Name, an Address, checkboxes) lists them as (input id, label)."""

    id: int
    label: str
    type: str = "text"
    inputs: tuple[tuple[str, str], ...] = ()
    hidden: tuple[str, ...] = ()  # inputs hidden in the form's settings

    def value_keys(self) -> list[str]:
        return [i for i, _ in self.inputs] or [str(self.id)]


@frozen
class _Form:
    title: str
    fields: tuple[GfField, ...]


class FakeGravityForms(FakeSite):
    def __init__(self) -> None:
        super().__init__()
        self.api_enabled = True
        self.can_view_entries = True
        self.can_edit_forms = True
        self._forms: dict[int, _Form] = {}
        self._entries: list[dict[str, Any]] = []
        self._ids = itertools.count(1)  # entry ids are one sequence across every form, as in its table

    def add_form(self, form_id: int, title: str, *fields: GfField) -> None:
        with self._lock:
            self._forms[form_id] = _Form(title, fields)

    def add(self, form_id: int, *values: Mapping[str, Any], at: datetime = START) -> list[str]:
        """Entries sent through the form, a minute apart from `at`; returns their ids."""
        with self._lock:
            ids = []
            for n, given in enumerate(values):
                entry_id = str(next(self._ids))
                self._entries.append(_entry(entry_id, form_id, self._forms[form_id], given, at + timedelta(minutes=n)))
                ids.append(entry_id)
            return ids

    def put(self, form_id: int, entry_id: int, values: Mapping[str, Any], at: datetime) -> None:
        """An entry of a given id: rows becoming visible out of id order, as a slow insert makes them."""
        with self._lock:
            self._entries.append(_entry(str(entry_id), form_id, self._forms[form_id], values, at))

    def form_of(self, path: str) -> str | None:
        """The route within gf/v2 ("forms", "forms/1", "forms/1/entries"); none until the API is enabled."""
        route = ROUTE.fullmatch(path)
        return route.group(1) if route is not None and self.api_enabled else None

    def refusal(self, authorization: str | None, form_id: str) -> Reply | None:
        credentials = basic_credentials(authorization)
        if credentials is None:
            return error(401, "rest_forbidden", FORBIDDEN)
        user, password = credentials
        if user.startswith("ck_"):
            if user != KEY:
                return error(401, "gform_rest_authentication_error", "Unknown username.")
            if password != SECRET:
                return error(401, "gform_rest_authentication_error", "Consumer secret is invalid.")
        elif not self.signs_in(user, password):
            why = "The provided password is an invalid application password."
            return error(401, "gform_rest_authentication_error", why)
        allowed = self.can_view_entries if form_id.endswith("/entries") else self.can_edit_forms
        return None if allowed else error(403, "rest_forbidden", FORBIDDEN)

    def answer(self, form_id: str, query: Mapping[str, str]) -> Reply:
        parts = form_id.split("/")
        if len(parts) == 3:
            return self._entries_of(int(parts[1]), query)
        return self._form(int(parts[1])) if len(parts) == 2 else self._listed()

    def _listed(self) -> Reply:
        listed = {
            str(form_id): {"id": str(form_id), "title": form.title, "entries": str(len(self._of(form_id)))}
            for form_id, form in sorted(self._forms.items())
        }
        return json_reply(200, listed or [])

    def _form(self, form_id: int) -> Reply:
        form = self._forms.get(form_id)
        if form is None:  # a WP_Error without a status: WordPress answers 500
            return json_reply(500, {"code": "gf_not_found", "message": "Form not found", "data": None})
        fields = [_described(f) for f in form.fields]
        return json_reply(200, {"id": form_id, "title": form.title, "fields": fields, "is_active": "1"})

    def _entries_of(self, form_id: int, query: Mapping[str, str]) -> Reply:
        criteria = json.loads(unquote_plus(query["search"])) if query.get("search") else {}
        rows = [e for e in self._of(form_id) if all(_matches(e, f) for f in criteria.get("field_filters", []))]
        descending = query.get("sorting[direction]", "DESC").upper() != "ASC"
        rows.sort(key=lambda e: _sort_key(e, query.get("sorting[key]", "id")), reverse=descending)
        size = int(query.get("paging[page_size]", "10"))
        offset = size * (int(query["paging[current_page]"]) - 1) if "paging[current_page]" in query else 0
        offset = int(query.get("paging[offset]", offset))
        body: dict[str, Any] = {"total_count": len(rows), "entries": rows[offset : offset + size]}
        if query.get("_labels"):
            form = self._forms.get(form_id)
            body["_labels"] = _labels(form.fields) if form and form.fields else []
        return json_reply(200, body)

    def _of(self, form_id: int) -> list[dict[str, Any]]:
        return [e for e in self._entries if e["form_id"] == str(form_id)]


def _entry(entry_id: str, form_id: int, form: _Form, given: Mapping[str, Any], at: datetime) -> dict[str, Any]:
    created = at.strftime("%Y-%m-%d %H:%M:%S")
    entry: dict[str, Any] = {
        "id": entry_id,
        "form_id": str(form_id),
        "post_id": None,
        "date_created": created,
        "date_updated": created,
        "is_starred": "0",
        "is_read": "0",
        "ip": "203.0.113.7",
        "source_url": "https://shop.example.com/contact/",
        "user_agent": "Mozilla/5.0 (X11; Linux x86_64)",
        "currency": "USD",
        "payment_status": None,
        "created_by": None,
        "status": "active",
    }
    entry.update({key: given.get(key, "") for field in form.fields for key in field.value_keys()})
    return entry


def _matches(entry: Mapping[str, Any], condition: Mapping[str, Any]) -> bool:
    value, wanted = entry.get(str(condition["key"]), ""), condition["value"]
    if condition.get("is_numeric"):
        value, wanted = float(value or 0), float(wanted)
    operator = condition.get("operator", "is")
    comparisons = {">": value > wanted, "<": value < wanted, "is": value == wanted, "=": value == wanted}
    return bool(comparisons[operator])


def _sort_key(entry: Mapping[str, Any], key: str) -> Any:
    return int(entry["id"]) if key == "id" else str(entry.get(key, ""))


def _labels(fields: tuple[GfField, ...]) -> dict[str, Any]:
    labels: dict[str, Any] = {}
    for field in fields:
        if field.type == "likert":
            labels[str(field.id)] = {"label": field.label, "choices": {"glikertcol1": "Agree"}}
        elif field.inputs:
            labels[str(field.id)] = {str(field.id): field.label, **dict(field.inputs)}
        else:
            labels[str(field.id)] = field.label
    return labels


def _described(field: GfField) -> dict[str, Any]:
    inputs = [
        {"id": i, "label": label, "name": "", **({"isHidden": True} if i in field.hidden else {})}
        for i, label in field.inputs
    ]
    return {
        "id": field.id,
        "label": field.label,
        "adminLabel": "",
        "type": field.type,
        "inputs": inputs or None,
        "isRequired": False,
    }
