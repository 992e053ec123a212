"""Reading a page of Formidable entries: an object keyed by each entry's item_key, in the order asked for.

Each entry is `{"id": "4119", "item_key": "sxmwc", "meta": {<field key>: value}, "created_at":
"2017-06-05 06:05:34", ...}`, created_at in UTC. `meta` holds every field, an empty one as "", a
checkbox or multi-select as a list, and beside a value shown differently from how it is stored (an
option with separate values) the stored one as `<field key>-value`: the shown one is kept. Entries
carry field keys only, no labels. PHP sends an empty page, and empty meta, as `[]`.
"""

from __future__ import annotations

from typing import Any

from leadsmanager.adapters.form_sources.entries import OffContract, bad_response, json_body, row_id, text, utc_time
from leadsmanager.application.sync_types import RemoteSubmission

API = "Formidable's API"
STORED = "-value"


def parse_page(body: bytes, *, site: str, form_id: str) -> list[RemoteSubmission]:
    """The page's entries in the order sent."""
    try:
        data = json_body(body)
        if data == []:
            return []
        if not isinstance(data, dict):
            raise OffContract("expected an object of entries keyed by item_key")
        return [_entry(item, key) for key, item in data.items()]
    except OffContract as e:
        raise bad_response(API, e, site=site, form_id=form_id) from None


def _entry(item: Any, key: str) -> RemoteSubmission:
    try:
        if not isinstance(item, dict):
            raise OffContract("not a JSON object")
        entry_id, created_at = row_id(item.get("id")), utc_time(item.get("created_at"), "'created_at'")
        meta = item.get("meta", [])
        if meta == []:
            return RemoteSubmission(entry_id, created_at, {})
        if not isinstance(meta, dict):
            raise OffContract("'meta' should be an object of field keys")
        shown = {k: v for k, v in meta.items() if not (k.endswith(STORED) and k.removesuffix(STORED) in meta)}
        fields = {k: filled for k, v in shown.items() if (filled := text(v)) is not None}
        return RemoteSubmission(entry_id, created_at, fields)
    except OffContract as e:
        raise OffContract(f"entry {key[:40]!r}: {e}") from None
