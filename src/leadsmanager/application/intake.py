"""Submit a lead from any channel: validate, normalise, de-duplicate, store."""

from __future__ import annotations

import enum
from collections.abc import Callable, Mapping, Sequence
from functools import partial
from typing import Any

from attrs import field, frozen

from leadsmanager.application.intake_page import PageOfSubmissions
from leadsmanager.application.normalisation import (
    FieldErrors,
    clean_message,
    clean_text,
    normalise_email,
    normalise_name,
    normalise_phone,
)
from leadsmanager.application.ports import Clock, UnitOfWork, UnitOfWorkFactory
from leadsmanager.application.retry import retrying
from leadsmanager.domain.actor import Actor
from leadsmanager.domain.errors import Conflict, PermissionDenied, TransientConflict, ValidationError
from leadsmanager.domain.idempotency import IdempotencyRecord
from leadsmanager.domain.lead import UTM_FIELDS, Channel, Lead, Submission
from leadsmanager.domain.roles import Permission

MAX_EXTRAS = 50
# Sync imports what a site collected, even when a phone or email is malformed: the raw value is kept.
LENIENT_CHANNELS = frozenset({Channel.WORDPRESS})
# All an employee learns when what they enter matches a colleague's lead: not its id, not its record.
HANDLED_BY_THE_TEAM = "this person is already being handled by the team"
TEXT_LIMITS = {"company": 200, "service": 120, "site": 200, "form_id": 100, "external_id": 191}


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
    extras: Mapping[str, str] = field(factory=dict)
    utm: Mapping[str, str] = field(factory=dict)
    assignee_id: int | None = None
    # Set by the public form's bot checks: the lead is stored as spam with this reason.
    spam_reason: str = ""

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


class Outcome(enum.StrEnum):
    CREATED = "created"
    MERGED = "merged"
    DUPLICATE = "duplicate"


@frozen
class Idempotency:
    owner: str
    key: str
    fingerprint: str


@frozen
class SubmitResult:
    lead_id: int
    outcome: Outcome
    # The lead as this transaction left it, when it was read or written (not for a replayed request).
    lead: Lead | None = field(default=None, eq=False, repr=False)


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


def _replay(uow: UnitOfWork, idempotency: Idempotency) -> SubmitResult | None:
    record = uow.idempotency.get(idempotency.owner, idempotency.key)
    if record is None:
        return None
    if record.fingerprint != idempotency.fingerprint:
        raise Conflict("this Idempotency-Key was already used for a different request")
    return SubmitResult(record.lead_id, Outcome.DUPLICATE)


def _clean_pairs(pairs: Mapping[str, str], limit: int) -> dict[str, str]:
    if len(pairs) > limit:
        raise ValidationError(f"at most {limit} extra fields are kept", {"extras": "too many fields"})
    cleaned = {
        clean_text(str(k), max_length=100, field="field name"): clean_message(str(v), max_length=2000)
        for k, v in pairs.items()
    }
    return {k: v for k, v in cleaned.items() if k and v}


class SubmitLead:
    """Store a lead once: a repeat from the same open contact joins the lead it already has."""

    def __init__(self, uow: UnitOfWorkFactory, clock: Clock, *, phone_region: str) -> None:
        self._uow = uow
        self._clock = clock
        self._region = phone_region

    def __call__(
        self, form: LeadForm, *, by: Actor | None = None, idempotency: Idempotency | None = None
    ) -> SubmitResult:
        submission = to_submission(form, region=self._region)

        def work() -> SubmitResult:
            # A concurrent submission by the same person may win the insert: the retry joins its lead.
            with self._uow() as uow:
                if idempotency is not None and (replayed := _replay(uow, idempotency)) is not None:
                    return replayed
                if form.spam_reason:
                    result = self._store_spam(uow, submission, form.spam_reason)
                else:
                    result = self._store(uow, submission, by, self._assignee(uow, form, by))
                if idempotency is not None:
                    i = idempotency
                    uow.idempotency.add(
                        IdempotencyRecord(i.owner, i.key, i.fingerprint, result.lead_id, self._clock.now())
                    )
                uow.commit()
                return result

        return retrying(work)

    def page(self, forms: Sequence[LeadForm]) -> list[SubmitResult | ValidationError]:
        """Store public submissions (nobody signed in, no Idempotency-Key) in one transaction.

        Each gets the outcome one call each, in order, would give it; a form intake refuses gets its
        ValidationError in its place, and the others are stored. If the page collides with a concurrent
        change, or holds suspected spam, it is stored one submission at a time instead.
        """
        checked = [self._checked(form) for form in forms]
        valid = [form for form, sub in zip(forms, checked, strict=True) if isinstance(sub, Submission)]
        results = iter(self._stored(valid, [sub for sub in checked if isinstance(sub, Submission)]))
        return [next(results) if isinstance(sub, Submission) else sub for sub in checked]

    def _stored(self, forms: list[LeadForm], submissions: list[Submission]) -> list[SubmitResult]:
        if not submissions:
            return []
        if not any(form.spam_reason for form in forms):
            try:
                return self._store_page(submissions)
            except TransientConflict:
                pass  # stored one at a time below, each retried on its own
        return [self(form) for form in forms]

    def _checked(self, form: LeadForm) -> Submission | ValidationError:
        try:
            return to_submission(form, region=self._region)
        except ValidationError as e:
            return e

    def _store_page(self, submissions: list[Submission]) -> list[SubmitResult]:
        with self._uow() as uow:
            page = PageOfSubmissions.read(uow, submissions)
            placed = [page.place(sub, self._clock.now) for sub in submissions]
            page.write(uow)
            uow.commit()
        return [_result(lead, outcome) for lead, outcome in placed]

    def _store(self, uow: UnitOfWork, sub: Submission, by: Actor | None, assignee: int | None) -> SubmitResult:
        if sub.external_id is not None:
            known = uow.leads.find_by_external_id(sub.channel, sub.external_id)
            if known is not None:
                assert known.id is not None
                return SubmitResult(known.id, Outcome.DUPLICATE, known)
        now = self._clock.now()
        lead = Lead.from_submission(sub, at=now, by=by, assignee_id=assignee)
        existing = uow.leads.add_or_find_open(lead)
        if existing is not None:
            existing.record_resubmission(sub, at=now, by=by)
            uow.leads.append_history(existing)
            assert existing.id is not None
            return SubmitResult(existing.id, Outcome.MERGED, existing)
        assert lead.id is not None
        return SubmitResult(lead.id, Outcome.CREATED, lead)

    def _store_spam(self, uow: UnitOfWork, sub: Submission, reason: str) -> SubmitResult:
        lead = Lead.from_submission(sub, at=self._clock.now())
        lead.mark_spam(reason, at=lead.created_at)
        uow.leads.add(lead)
        assert lead.id is not None
        return SubmitResult(lead.id, Outcome.CREATED, lead)

    @staticmethod
    def _assignee(uow: UnitOfWork, form: LeadForm, by: Actor | None) -> int | None:
        if by is None:
            return None  # public channels: the form, an API key, a sync; nobody picks an owner
        if not by.can(Permission.ENTER_LEADS):
            raise PermissionDenied("you may not enter leads")
        if not by.can(Permission.ASSIGN_LEADS):
            # Staff who work only their own leads keep what they enter, or they could not see it.
            return by.user_id
        if form.assignee_id is None:
            return None
        user = uow.users.get(form.assignee_id)
        if user is None or not user.active:
            raise ValidationError("the chosen assignee is not an active user", {"assignee_id": "not an active user"})
        return user.id


def _result(lead: Lead | int, outcome: str) -> SubmitResult:
    if isinstance(lead, int):
        return SubmitResult(lead, Outcome(outcome))
    assert lead.id is not None
    return SubmitResult(lead.id, Outcome(outcome), lead)
