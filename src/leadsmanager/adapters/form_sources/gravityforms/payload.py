"""Reading a page of Gravity Forms entries: `{"total_count": N, "entries": [...], "_labels": {...}}`.

An entry keys each value by field id ("4") or, for a field of several inputs (a Name, an Address,
checkboxes), by input id ("1.3"); every field is present, an empty one as "". `_labels` names them:
a field's label, or for a field of inputs an object of its own and its inputs' labels. A value is named
by its label where that is safe (see field_names), an input as "Name (First)", the way the form reads.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Mapping
from typing import Any

from leadsmanager.adapters.form_sources.entries import OffContract, bad_response, json_body, row_id, text, utc_time
from leadsmanager.application.discovery.field_names import field_names
from leadsmanager.application.sync_types import RemoteSubmission, SubmissionPage

API = "Gravity Forms' REST API"
FIELD_ID = re.compile(r"[0-9]{1,9}(?:\.[0-9]{1,9})?", re.ASCII)
# Entry properties worth keeping with a lead; the others (IP, user agent, payment, starred) are not.
KEPT = frozenset({"source_url"})


def parse_page(
    body: bytes, *, site: str, form_id: str, after_id: str | None, mapped: Collection[str]
) -> SubmissionPage:
    try:
        return _page(json_body(body), after_id, mapped)
    except OffContract as e:
        raise bad_response(API, e, site=site, form_id=form_id) from None


def input_label(field: str, label: str, input_id: str) -> str:
    """An input's name, as Gravity Forms' own exports write it: "Name (First)"."""
    return f"{field} ({label or input_id})"


def labels_of(raw: Any) -> dict[str, str]:
    """Each field or input id's label; `[]` is how PHP sends a form without fields."""
    if raw == []:
        return {}
    if not isinstance(raw, dict):
        raise OffContract("'_labels' should be a JSON object")
    labels: dict[str, str] = {}
    for field_id, label in raw.items():
        if isinstance(label, str):
            labels[field_id] = label
        elif isinstance(label, dict) and isinstance(label.get("label"), str):  # a survey field and its choices
            labels[field_id] = label["label"]
        elif isinstance(label, dict):  # a field of inputs: its own label under its id, then each input's
            own = label.get(field_id)
            field = own if isinstance(own, str) else field_id
            inputs = {k: v for k, v in label.items() if k != field_id and isinstance(v, str)}
            labels.update({k: input_label(field, v, k) for k, v in inputs.items()})
            labels[field_id] = field
    return labels


def _page(data: Any, after_id: str | None, mapped: Collection[str]) -> SubmissionPage:
    if not isinstance(data, dict):
        raise OffContract("expected a JSON object")
    total, entries = data.get("total_count"), data.get("entries")
    if isinstance(total, str) and total.isascii() and total.isdigit():
        total = int(total)
    if not isinstance(total, int) or isinstance(total, bool) or not isinstance(entries, list):
        raise OffContract("'total_count' (a number) or 'entries' (a list) is missing")
    names = field_names(labels_of(data.get("_labels", [])), mapped)
    submissions = [_entry(entry, n, names) for n, entry in enumerate(entries, 1)]
    previous = -1 if after_id is None else int(after_id)
    for submission in submissions:
        if int(submission.id) <= previous:
            raise OffContract(f"entry ids must ascend after {after_id or 'the start'}; {submission.id} does not")
        previous = int(submission.id)
    # total_count counts every entry the search matches, this page's and the ones after it.
    return SubmissionPage.following(after_id, submissions, has_more=total > len(submissions))


def _entry(item: Any, n: int, names: Mapping[str, str]) -> RemoteSubmission:
    try:
        if not isinstance(item, dict):
            raise OffContract("not a JSON object")
        entry_id, created_at = row_id(item.get("id")), utc_time(item.get("date_created"), "'date_created'")
        fields: dict[str, str] = {}
        for key, value in item.items():
            filled = text(value) if FIELD_ID.fullmatch(key) or key in KEPT else None
            if filled is not None:
                name = names.get(key, key)
                fields[key if name in fields else name] = filled
        return RemoteSubmission(entry_id, created_at, fields)
    except OffContract as e:
        raise OffContract(f"entry #{n}: {e}") from None
