"""Elementor Pro's Webhook form action, read: one form-encoded POST, in one of two shapes.

- Simple (the default): each field's label is a key (`No Label <id>` when it has none), its value the
  field's text (a checkbox's choices joined by ", "), then the form's metadata by title ("Date",
  "Page URL", ...), `form_id` and `form_name`.
- "Advanced Data" on: `form[id]`, `form[name]`, `fields[<id>][id|type|title|value|raw_value|required]`
  per field and `meta[<key>][title|value]` per metadata row (date, time, page_url, user_agent,
  remote_ip, credit).

Simple fields are keyed by label; advanced ones by the field's ID (its Advanced tab), or by label when
the form's mapping names the label and not the ID: one mapping by labels reads both shapes. Metadata
rows are kept as fields too, keyed by their key in the advanced shape, except Elementor's credit.
"""

from __future__ import annotations

from collections.abc import Collection
from typing import Any

from attrs import field, frozen

from leadsmanager.application.push.payload import UnreadablePush, form_pairs, nested

SIMPLE_FORM_ID = "form_id"
FORM_NAME = "form_name"
NOT_ELEMENTOR = "no form_id (or form[id] with Advanced Data): not the body of Elementor's Webhook action"


@frozen
class ElementorSubmission:
    form_id: str
    fields: dict[str, str]
    # An advanced field's label by its ID; none in the simple shape, whose keys are the labels.
    labels: dict[str, str] = field(factory=dict)

    def keyed_for(self, mapped: Collection[str]) -> dict[str, str]:
        """The fields, each advanced one by its label if the mapping names that and not its ID."""

        def key(name: str) -> str:
            label = self.labels.get(name, "")
            return label if label and name not in mapped and label in mapped else name

        return {key(name): value for name, value in self.fields.items()}


def elementor_submission(body: bytes) -> ElementorSubmission:
    pairs = form_pairs(body)
    if any(name == "form[id]" for name, _ in pairs):
        return _advanced(nested(pairs))
    fields = dict(pairs)  # a key sent twice keeps its last value, as PHP reads it
    form_id = fields.pop(SIMPLE_FORM_ID, "").strip()
    if not form_id:
        raise UnreadablePush(NOT_ELEMENTOR)
    return ElementorSubmission(form_id, fields)


def _advanced(tree: dict[str, Any]) -> ElementorSubmission:
    form = _object(tree.get("form"))
    form_id = form.get("id")
    if not isinstance(form_id, str) or not form_id.strip():
        raise UnreadablePush(NOT_ELEMENTOR)
    fields: dict[str, str] = {}
    labels: dict[str, str] = {}
    for field_id, row in _object(tree.get("fields")).items():
        value, title = _object(row).get("value"), _object(row).get("title")
        if isinstance(value, str):
            fields[field_id] = value
        if isinstance(title, str):
            labels[field_id] = title
    if isinstance(name := form.get("name"), str):
        fields[FORM_NAME] = name
    for key, row in _object(tree.get("meta")).items():
        value = _object(row).get("value")
        if isinstance(value, str) and key != "credit":
            fields.setdefault(key, value)  # a field with the same ID wins
    return ElementorSubmission(form_id.strip(), fields, labels)


def _object(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}
