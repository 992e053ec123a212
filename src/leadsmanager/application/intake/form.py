"""A submission as it arrives from any channel, and its validation into a clean Submission."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import datetime
from functools import partial
from typing import Any

from attrs import field, frozen

from leadsmanager.application.intake.normalisation import (
    FieldErrors,
    clean_message,
    clean_text,
    normalise_email,
    normalise_name,
    normalise_phone,
)
from leadsmanager.application.intake.routing import StageRoute
from leadsmanager.domain.errors import ValidationError
from leadsmanager.domain.lead import UTM_FIELDS, Channel, Submission

MAX_EXTRAS = 50
# Sync imports what a site collected, even when a phone or email is malformed: the raw value is kept.
LENIENT_CHANNELS = frozenset({Channel.WORDPRESS})
TEXT_LIMITS = {"company": 200, "service": 120, "site": 200, "form_id": 100, "external_id": 191, "campaign": 200}


@frozen
class LeadForm:
    """A submission as it arrived: raw strings, not yet trusted."""

    channel: Channel
    name: str = ""
    email: str = ""
    phone: str = ""
    company: str = ""
    service: str = ""
    message: str = ""
    site: str = ""
    form_id: str = ""
    external_id: str = ""
    # The team's name for the campaign the lead came from; "" for none (never taken from utm_campaign).
    campaign: str = ""
    extras: Mapping[str, str] = field(factory=dict)
    utm: Mapping[str, str] = field(factory=dict)
    assignee_id: int | None = None
    # Set by the public form's bot checks: the lead is stored as spam with this reason.
    spam_reason: str = ""
    # When the person wrote, for leads brought over from another system: a new lead is dated then.
    created_at: datetime | None = None
    # The form's answer that sends the lead to a stage of its own (StageRoute); spam checks win over it.
    route: StageRoute | None = None

    @classmethod
    def from_fields(cls, channel: Channel, fields: Mapping[str, str], **details: Any) -> LeadForm:
        """A form from a flat mapping such as a posted web form; other keys are ignored."""
        return cls(
            channel,
            name=fields.get("name", ""),
            email=fields.get("email", ""),
            phone=fields.get("phone", ""),
            company=fields.get("company", ""),
            service=fields.get("service", ""),
            message=fields.get("message", ""),
            **details,
        )


def to_submission(form: LeadForm, *, region: str) -> Submission:
    """Validate every field at once, so the person sees all their mistakes together."""
    check = FieldErrors()
    extras: dict[str, str] = {}
    lenient = form.channel in LENIENT_CHANNELS or bool(form.spam_reason)
    name = check.attempt("name", lambda: normalise_name(form.name), "")
    email = _contact(check, "email", form.email, parse=normalise_email, lenient=lenient, extras=extras)
    to_e164 = partial(normalise_phone, region=region)
    phone = _contact(check, "phone", form.phone, parse=to_e164, lenient=lenient, extras=extras)
    text = {
        key: check.attempt(key, partial(clean_text, getattr(form, key), max_length=size, field=key), "")
        for key, size in TEXT_LIMITS.items()
    }
    message = check.attempt("message", lambda: clean_message(form.message), "")
    no_pairs: dict[str, str] = {}
    extras.update(check.attempt("extras", lambda: _clean_pairs(form.extras, MAX_EXTRAS), no_pairs))
    utm_given = {k: v for k, v in form.utm.items() if k in UTM_FIELDS}
    utm = check.attempt("utm", lambda: _clean_pairs(utm_given, len(UTM_FIELDS)), no_pairs)
    if not lenient:
        if not name:
            check.errors.setdefault("name", "enter a name")
        if email is None and phone is None and not ({"email", "phone"} & check.errors.keys()):
            check.errors["email"] = "enter an email address or a phone number"
    check.check("the lead was not accepted")
    return Submission(
        channel=form.channel,
        contact_name=name,
        email=email,
        phone=phone,
        company=text["company"],
        service=text["service"],
        message=message,
        site=text["site"],
        form_id=text["form_id"],
        external_id=text["external_id"] or None,
        extras=extras,
        utm=utm,
        campaign=text["campaign"] or None,
    )


def _contact(
    check: FieldErrors, name: str, raw: str, *, parse: Callable[[str], str], lenient: bool, extras: dict[str, str]
) -> str | None:
    if not raw.strip():
        return None
    if not lenient:
        return check.attempt(name, lambda: parse(raw), None)
    try:
        return parse(raw)
    except ValidationError:
        extras[f"invalid_{name}"] = raw.strip()[:2000]  # kept for a person to read, never lost
        return None


def _clean_pairs(pairs: Mapping[str, str], limit: int) -> dict[str, str]:
    if len(pairs) > limit:
        raise ValidationError(f"at most {limit} extra fields are kept", {"extras": "too many fields"})
    cleaned = {
        clean_text(str(k), max_length=100, field="field name"): clean_message(str(v), max_length=2000)
        for k, v in pairs.items()
    }
    return {k: v for k, v in cleaned.items() if k and v}
