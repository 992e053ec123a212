"""A fake of INTRALOG's "Custom Form API" plugin v1.2 over Formidable, quirks included.

`GET /wp-json/custom/v1/form-submissions/{form_id}` (numeric ids only; the route needs `edit_posts`)
answers every entry of the form on each call, in no guaranteed order (shuffled here), no paging:
`{"message", "form_submissions": [...], "sql_query", "num_entries"}`. An entry is `{"id": "<string>",
"created_at", "updated_at"` (`Y-m-d H:i:s` UTC), then one key per field *label*; an empty field is
absent; checkbox and multi-select answers are PHP-serialized arrays. Two fields with one label: the
later overwrites the earlier. A form without entries answers 404 "No form submissions found".
With the plugin inactive (`active = False`) the route does not exist: WordPress's 404 `rest_no_route`.
"""

from __future__ import annotations

import random
import re
from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

from tests.integration.fake_sources.site import FakeSite, Reply, json_reply

ROUTE = re.compile(r"/wp-json/custom/v1/form-submissions/([0-9]+)")
SQL = (
    "SELECT i.id, i.created_at, i.updated_at, f.name, m.meta_value FROM wp_frm_items i"
    " JOIN wp_frm_item_metas m ON m.item_id = i.id JOIN wp_frm_fields f ON f.id = m.field_id WHERE i.form_id = {}"
)
Answer = str | Sequence[str]  # one value, or a checkbox's several (stored PHP-serialized)


class FakeIntralog(FakeSite):
    def __init__(self, *, seed: int = 16, **site: Any) -> None:
        super().__init__(**site)
        self._entries: dict[str, dict[str, dict[str, Any]]] = {}
        self._shuffle = random.Random(seed).shuffle
        self.listings = 0  # listings served: the plugin sends every entry each time, so each one is costly
        self.active = True
        self.broken: dict[str, Reply] = {}  # forms answered with this instead of their listing, until removed

    def add(self, form_id: str, *entries: Mapping[str, Any]) -> None:
        """Entries exactly as the plugin would send them (see `entry`), or malformed on purpose."""
        with self._lock:
            stored = self._entries.setdefault(form_id, {})
            for raw in entries:
                stored[str(raw.get("id", len(stored) + 1))] = dict(raw)

    def form_of(self, path: str) -> str | None:
        route = ROUTE.fullmatch(path)
        return route.group(1) if route is not None and self.active else None

    def answer(self, form_id: str, query: Mapping[str, str]) -> Reply:
        if form_id in self.broken:
            return self.broken[form_id]
        entries = list(self._entries.get(form_id, {}).values())
        sql = SQL.format(form_id)
        if not entries:
            found = {"message": "No form submissions found", "form_id": int(form_id), "sql_query": sql}
            return json_reply(404, {**found, "num_entries": 0})
        self._shuffle(entries)
        self.listings += 1
        listing = {"message": "Form submissions retrieved successfully", "form_submissions": entries}
        return json_reply(200, {**listing, "sql_query": sql, "num_entries": len(entries)})


def entry(entry_id: int, created_at: datetime, fields: Sequence[tuple[str, Answer]]) -> dict[str, Any]:
    """An entry as the plugin builds it: labels as keys in field order (a repeated label overwrites),
    empty fields left out, several answers PHP-serialized; `created_at` is a UTC time."""
    when = created_at.strftime("%Y-%m-%d %H:%M:%S")
    values = {label: v if isinstance(v, str) else serialized(v) if v else "" for label, v in fields}
    return {"id": str(entry_id), "created_at": when, "updated_at": when, **{k: v for k, v in values.items() if v}}


def serialized(answers: Sequence[str]) -> str:
    """PHP's serialize() of a list of strings: lengths in UTF-8 bytes."""
    items = "".join(f'i:{n};s:{len(a.encode())}:"{a}";' for n, a in enumerate(answers))
    return f"a:{len(answers)}:{{{items}}}"
