"""From a synced form's submission to a LeadForm: mapped fields, UTM tags, everything else as extras.

The result always passes intake (the WordPress channel is lenient about contact data): values too long
for a lead are cut and fields beyond the extras limit are folded into one, so that a single odd
submission can never stall a sync. One with no email and no phone at all is refused before intake, by
the sync and the push intakes alike (failed_submissions.check_reachable), and waits in the
failed-submissions inbox.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from functools import cached_property
from typing import Any

from attrs import Attribute, field, frozen

from leadsmanager.application.intake.form import MAX_EXTRAS, TEXT_LIMITS, LeadForm
from leadsmanager.application.intake.labels import field_label as field_label  # noqa: PLC0414 (re-exported)
from leadsmanager.application.intake.routing import StageRoute, route_of
from leadsmanager.application.sync_types import RemoteSubmission
from leadsmanager.domain.errors import ValidationError
from leadsmanager.domain.lead import UTM_FIELDS, Channel

LEAD_FIELDS = ("name", "email", "phone", "company", "service", "message")
# Site names become environment variable names; both bounds keep external ids within 191 characters.
SITE_NAME = re.compile(r"[a-z0-9][a-z0-9_]{0,39}")
FORM_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9_-]{0,99}")
# The limits intake enforces (normalise_name, clean_message, TEXT_LIMITS); contact data is capped at
# what intake keeps of an invalid value.
LIMITS = {
    "name": 200,
    "email": 2000,
    "phone": 2000,
    "company": TEXT_LIMITS["company"],
    "service": TEXT_LIMITS["service"],
    "message": 10_000,
}
EXTRA_NAME_LIMIT = 100
EXTRA_VALUE_LIMIT = 2000
SUBMITTED_AT = "submitted_at"
OVERFLOW = "more_fields"


def check_site_name(_: Any, attribute: Attribute[str], value: str) -> None:
    if not SITE_NAME.fullmatch(value):
        raise ValidationError(f"site name {value!r} must be 1-40 lower-case letters, digits or _", {"site": "invalid"})


def _check_form_id(_: Any, attribute: Attribute[str], value: str) -> None:
    if not FORM_ID.fullmatch(value):
        message = f"form id {value!r} must be 1-100 letters, digits, _ or -"
        raise ValidationError(message, {"form_id": "invalid"})


def _labelled(fields: Mapping[str, str]) -> dict[str, str]:
    return {field_label(k): v for k, v in fields.items()}


def _check_fields(_: Any, attribute: Attribute[Mapping[str, str]], value: Mapping[str, str]) -> None:
    for form_field, lead_field in value.items():
        if not form_field or lead_field not in LEAD_FIELDS:
            message = f"field {form_field!r} must map to one of {', '.join(LEAD_FIELDS)}, not {lead_field!r}"
            raise ValidationError(message, {"fields": "invalid mapping"})


def _tupled(routes: Iterable[StageRoute]) -> tuple[StageRoute, ...]:
    return tuple(routes)


@frozen
class SyncedForm:
    """A form whose submissions become leads; `fields` maps a form field to a lead field, in join order;
    `routes` send a submission to a stage by an answer (the first that matches)."""

    site: str = field(validator=check_site_name)
    form_id: str = field(validator=_check_form_id)
    fields: Mapping[str, str] = field(factory=dict, converter=_labelled, validator=_check_fields)
    routes: tuple[StageRoute, ...] = field(default=(), converter=_tupled)

    def lead_form(self, submission: RemoteSubmission) -> LeadForm:
        routes, sources = self._routes, self._sources
        values = _submitted(submission.fields)
        text = {name: _joined(name, values, sources[name]) for name in LEAD_FIELDS}
        text["name"] = _name(text)
        rest = {k: v for k, v in values.items() if k not in routes}
        utm = {k: v[:EXTRA_VALUE_LIMIT] for k, v in rest.items() if k in UTM_FIELDS}
        extras = {k: v for k, v in rest.items() if k not in UTM_FIELDS}
        extras = {SUBMITTED_AT: submission.created_at.isoformat(), **extras}
        return LeadForm(
            Channel.WORDPRESS,
            name=text["name"],
            email=text["email"],
            phone=text["phone"],
            company=text["company"],
            service=text["service"],
            message=text["message"],
            site=self.site,
            form_id=self.form_id,
            external_id=f"{self.site}/{self.form_id}/{submission.id}",
            extras=bounded_extras(extras),
            utm=utm,
            route=route_of(self.routes, values),
        )

    # Worked out once per form, not for each of its submissions.
    @cached_property
    def _routes(self) -> dict[str, str]:
        """A form field named like a lead field fills it, unless the mapping fills that lead field already."""
        mapped = set(self.fields.values())
        same_name = {name: name for name in LEAD_FIELDS if name not in mapped}
        return {**same_name, **self.fields}

    @cached_property
    def _sources(self) -> dict[str, tuple[str, ...]]:
        """The form fields that fill each lead field, in join order."""
        return {name: tuple(k for k, target in self._routes.items() if target == name) for name in LEAD_FIELDS}


def _submitted(fields: Mapping[str, str]) -> dict[str, str]:
    """The submission's fields by label; of two labels that match alike, a filled one wins."""
    values: dict[str, str] = {}
    for name, value in fields.items():
        label = field_label(name)
        if value.strip() or label not in values:
            values[label] = value
    return values


def _name(text: Mapping[str, str]) -> str:
    """A lead someone can reach is never refused for a missing name: the company, else the email, names it."""
    if text["name"] or not (text["email"] or text["phone"]):
        return text["name"]
    return (text["company"] or text["email"])[: LIMITS["name"]]


def _joined(lead_field: str, values: Mapping[str, str], sources: tuple[str, ...]) -> str:
    """Several form fields may fill one lead field (first and last name): joined in mapping order."""
    parts = [values.get(k, "").strip() for k in sources]
    separator = "\n" if lead_field == "message" else " "
    text = separator.join(p for p in parts if p)
    if lead_field == "message" and len(text) > LIMITS["message"]:
        return _cut(text, LIMITS["message"])
    return text[: LIMITS[lead_field]]


def _cut(message: str, limit: int) -> str:
    """A message longer than a lead keeps: its start, and a last line saying it was cut (a lead is never
    refused for what the person wrote, and nobody should read the start as the whole)."""
    note = f"\n[cut: the message had {len(message):,} characters]"
    return message[: limit - len(note)].rstrip() + note


def bounded_extras(extras: Mapping[str, str]) -> dict[str, str]:
    """Intake refuses more than MAX_EXTRAS extras: the overflow is kept, folded into one."""
    pairs = [(k[:EXTRA_NAME_LIMIT], v[:EXTRA_VALUE_LIMIT]) for k, v in extras.items() if v.strip()]
    if len(pairs) <= MAX_EXTRAS:
        return dict(pairs)
    kept, folded = pairs[: MAX_EXTRAS - 1], pairs[MAX_EXTRAS - 1 :]
    overflow = "\n".join(f"{k}: {v}" for k, v in folded)[:EXTRA_VALUE_LIMIT]
    return {**dict(kept), OVERFLOW: overflow}
