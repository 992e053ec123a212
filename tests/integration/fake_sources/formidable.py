"""A fake of Formidable's API add-on (frm/v2) on loopback, answering as the add-on does, quirks included.

- Without the add-on active (or with plain permalinks) its routes do not exist: 404 `rest_no_route`.
- Credentials: an application password (a wrong one is 401 `incorrect_password`), or the site's API
  key as the Basic user name with any password (a wrong key is a user WordPress does not know: 401
  `invalid_username`). A user lacking the capability (frm_view_entries for entries, frm_view_forms for
  fields), or no credentials at all: 403 `rest_forbidden_context`.
- `GET /frm/v2/forms/{id or key}/entries`: `order_by` (id by default), `order` `asc` or `desc` in lower
  case (ASC by default; anything else 400 `rest_invalid_param`), `page` and `page_size` (25 by default)
  by offset, no filter by id. The body is an object keyed by each entry's item_key, in the order asked,
  `[]` when empty. `meta` holds every field of the form by field key, an empty one as ""; checkboxes
  are lists; an option with a separate value shows its label and adds the stored `<key>-value`. Ids and
  form ids are strings, created_at UTC without offset. An unknown form has no entries: not an error.
- `GET /frm/v2/forms`: an object keyed by form key, `limit` forms (20 by default; page and page_size
  are ignored), a repeater's child form among them (its parent_form_id set); needs no capability.
- `GET /frm/v2/forms/{id}/fields`: an object keyed by field key (`[]` without fields); needs frm_view_forms.
"""

from __future__ import annotations

import hashlib
import itertools
import re
from collections.abc import Iterable, Mapping
from datetime import datetime, timedelta
from typing import Any

from attrs import field, frozen

from tests.integration.fake_sources.site import USERNAME, FakeSite, Reply, basic_credentials, error, json_reply
from tests.support import START

API_KEY = "95SX-LM4Z-DDTC-HP8A"
ROUTE = re.compile(r"/wp-json/frm/v2/(forms(?:/[\w-]+/(?:entries|fields))?)")


@frozen
class FrmField:
    """A form field; `options` as (label, stored value) when the field uses separate values."""

    key: str
    name: str
    type: str = "text"
    options: tuple[tuple[str, str], ...] = ()


@frozen
class _Form:
    id: int
    key: str
    name: str
    fields: tuple[FrmField, ...]
    parent: int = 0


@frozen
class _Entry:
    id: int
    form_id: int
    created_at: str
    meta: dict[str, Any] = field(factory=dict)


class FakeFormidable(FakeSite):
    def __init__(self) -> None:
        super().__init__()
        self.active = True
        self.can_view_entries = True
        self.can_view_forms = True
        # Entries that arrive right after the site served a page of entries, by page number: a sync walking.
        self.arriving: dict[str, list[tuple[int, Mapping[str, Any]]]] = {}
        self._forms: dict[int, _Form] = {}
        self._entries: list[_Entry] = []
        self._ids = itertools.count(1)  # one sequence across every form, as in its table

    def add_form(self, form_id: int, key: str, name: str, *fields: FrmField, parent: int = 0) -> None:
        with self._lock:
            self._forms[form_id] = _Form(form_id, key, name, fields, parent)

    def add(self, form_id: int, *metas: Mapping[str, Any], at: datetime = START) -> list[str]:
        """Entries sent through the form, a minute apart from `at`, values by field key; returns their ids."""
        with self._lock:
            return self._store(form_id, metas, at)

    def put(self, form_id: int, entry_id: int, meta: Mapping[str, Any], at: datetime) -> None:
        """An entry of a given id: rows becoming visible out of id order, as a slow insert makes them."""
        with self._lock:
            self._entries.append(_Entry(entry_id, form_id, at.strftime("%Y-%m-%d %H:%M:%S"), dict(meta)))

    def form_of(self, path: str) -> str | None:
        """The route within frm/v2 ("forms", "forms/4/entries", "forms/4/fields"); none without the add-on."""
        route = ROUTE.fullmatch(path)
        return route.group(1) if route is not None and self.active else None

    def refusal(self, authorization: str | None, form_id: str) -> Reply | None:
        credentials = basic_credentials(authorization)
        if credentials is not None and credentials[0] == API_KEY:
            return None
        if credentials is not None and credentials[0] != USERNAME:  # WordPress's own check of the user
            return error(401, "invalid_username", "Unknown username. Check again or try your email address.")
        if credentials is not None and not self.signs_in(*credentials):
            return error(401, "incorrect_password", "The provided password is an invalid application password.")
        allowed = {"entries": self.can_view_entries, "fields": self.can_view_forms}.get(
            form_id.rsplit("/", maxsplit=1)[-1], True
        )
        if credentials is None or not allowed:
            return error(
                403,
                "rest_forbidden_context",
                f"Sorry, you are not allowed to view {form_id.rsplit('/', maxsplit=1)[-1]}",
            )
        return None

    def answer(self, form_id: str, query: Mapping[str, str]) -> Reply:
        parts = form_id.split("/")
        if len(parts) == 1:
            return self._listed(query)
        if parts[2] == "fields":
            return self._fields(parts[1])
        return self._entries_of(parts[1], query)

    def _store(self, form_id: int, metas: Iterable[Mapping[str, Any]], at: datetime) -> list[str]:
        ids = []
        for n, meta in enumerate(metas):
            entry = _Entry(next(self._ids), form_id, (at + timedelta(minutes=n)).strftime("%Y-%m-%d %H:%M:%S"))
            entry.meta.update(meta)
            self._entries.append(entry)
            ids.append(str(entry.id))
        return ids

    def _listed(self, query: Mapping[str, str]) -> Reply:
        forms = sorted(self._forms.values(), key=lambda f: f.id)[: int(query.get("limit", "20"))]
        listed = {
            f.key: {"id": str(f.id), "form_key": f.key, "name": f.name, "parent_form_id": str(f.parent)} for f in forms
        }
        return json_reply(200, listed or [])

    def _fields(self, id_or_key: str) -> Reply:
        form = self._form(id_or_key)
        fields = {
            f.key: {"id": str(n), "field_key": f.key, "name": f.name, "type": f.type, "options": ""}
            for n, f in enumerate(form.fields if form else (), 1)
        }
        return json_reply(200, fields or [])

    def _entries_of(self, id_or_key: str, query: Mapping[str, str]) -> Reply:
        order = query.get("order", "ASC")
        if order not in ("asc", "desc", "ASC"):  # WordPress checks the enum, which is lower case
            return error(400, "rest_invalid_param", "Invalid parameter(s): order")
        form = self._form(id_or_key)
        rows = [e for e in self._entries if form is not None and e.form_id == form.id]
        by = query.get("order_by", "id")
        rows.sort(key=lambda e: (e.created_at, e.id) if by == "created_at" else e.id, reverse=order == "desc")
        size, page = int(query.get("page_size", "25")), query.get("page", "1")
        shown = rows[size * (int(page) - 1) : size * int(page)]
        reply = json_reply(200, {_item_key(e.id): _described(e, form) for e in shown if form is not None} or [])
        for arriving_form, meta in self.arriving.pop(page, []):
            self._store(arriving_form, [meta], START)
        return reply

    def _form(self, id_or_key: str) -> _Form | None:
        return next((f for f in self._forms.values() if id_or_key in (str(f.id), f.key)), None)


def _item_key(entry_id: int) -> str:
    """Formidable's item keys are random; these are stable, and do not sort like the ids."""
    return hashlib.sha256(str(entry_id).encode()).hexdigest()[:6]


def _described(entry: _Entry, form: _Form) -> dict[str, Any]:
    meta: dict[str, Any] = {}
    for f in form.fields:
        value = entry.meta.get(f.key, "")
        labels = {stored: label for label, stored in f.options}
        meta[f.key] = labels.get(value, value) if isinstance(value, str) else value
        if f.options and value != "":
            meta[f.key + "-value"] = value
    return {
        "id": str(entry.id),
        "item_key": _item_key(entry.id),
        "name": "",
        "ip": "203.0.113.7",
        "meta": meta or [],
        "form_id": str(form.id),
        "post_id": "0",
        "user_id": "0",
        "parent_item_id": "0",
        "is_draft": "0",
        "updated_by": "0",
        "created_at": entry.created_at,
        "updated_at": entry.created_at,
    }
