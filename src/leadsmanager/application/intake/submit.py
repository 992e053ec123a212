"""Submit leads from any channel: validate, normalise, decide by the one intake rule, store."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime

from attrs import frozen

from leadsmanager.application.intake.form import LeadForm, to_submission
from leadsmanager.application.intake.outcome import Outcome, SubmitResult
from leadsmanager.application.intake.rule import Arrival, store_page
from leadsmanager.application.ports import Clock, UnitOfWork, UnitOfWorkFactory
from leadsmanager.application.transactions import in_transaction
from leadsmanager.domain.actor import Actor
from leadsmanager.domain.errors import Conflict, PermissionDenied, TransientConflict, ValidationError
from leadsmanager.domain.idempotency import IdempotencyRecord
from leadsmanager.domain.lead import Submission
from leadsmanager.domain.roles import Permission

# Writes what a caller keeps about a page, in the page's transaction, given each form's result in order.
PageDone = Callable[[UnitOfWork, Sequence[SubmitResult | ValidationError]], None]
# All an employee learns when what they enter matches a colleague's lead: not its id, not its record.
HANDLED_BY_THE_TEAM = "this person is already being handled by the team"


@frozen
class Idempotency:
    owner: str
    key: str
    fingerprint: str
    # For a request that is the same only for a while (a push told apart by its content): the keys it
    # had in earlier windows, and the oldest record that still counts; older ones are forgotten.
    earlier: tuple[str, ...] = ()
    since: datetime | None = None


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
        # A concurrent submission by the same person may win the insert: the retry joins its lead.
        return in_transaction(self._uow, lambda uow: self._store(uow, form, submission, by, idempotency))

    def _store(
        self, uow: UnitOfWork, form: LeadForm, submission: Submission, by: Actor | None, once: Idempotency | None
    ) -> SubmitResult:
        if once is not None and (replayed := _replay(uow, once)) is not None:
            return replayed
        arrival = Arrival(submission, by, _assignee(uow, form, by), form.spam_reason, route=form.route)
        [result] = store_page(uow, [arrival], self._clock.now)
        if result.lead is None:  # a replay: its caller shows the lead, read in this transaction
            result = SubmitResult(result.lead_id, result.outcome, uow.leads.get(result.lead_id))
        if once is not None:
            record = IdempotencyRecord(once.owner, once.key, once.fingerprint, result.lead_id, self._clock.now())
            uow.idempotency.add(record)
        return result

    def page(self, forms: Sequence[LeadForm], *, then: PageDone | None = None) -> list[SubmitResult | ValidationError]:
        """Store public submissions (nobody signed in, no Idempotency-Key) in one transaction.

        Each gets the outcome one call each, in order, would give it; a form intake refuses gets its
        ValidationError in its place, and the others are stored. If the page collides with a concurrent
        change, it is stored one submission at a time instead.

        `then`, when given, writes what the caller keeps about the page (an import's position) in the
        page's own transaction, with the results: both are stored, or neither. A collision then stores
        the whole page again, in a fresh transaction.
        """
        checked = [self._checked(form) for form in forms]
        if then is not None:
            return in_transaction(self._uow, lambda uow: self._page_in(uow, forms, checked, then))
        valid = [form for form, sub in zip(forms, checked, strict=True) if isinstance(sub, Submission)]
        results = iter(self._stored(valid, [sub for sub in checked if isinstance(sub, Submission)]))
        return [next(results) if isinstance(sub, Submission) else sub for sub in checked]

    def _page_in(
        self, uow: UnitOfWork, forms: Sequence[LeadForm], checked: list[Submission | ValidationError], then: PageDone
    ) -> list[SubmitResult | ValidationError]:
        arrivals = [_arrival(f, sub) for f, sub in zip(forms, checked, strict=True) if isinstance(sub, Submission)]
        stored = iter(store_page(uow, arrivals, self._clock.now) if arrivals else [])
        results = [next(stored) if isinstance(sub, Submission) else sub for sub in checked]
        then(uow, results)
        return results

    def _stored(self, forms: list[LeadForm], submissions: list[Submission]) -> list[SubmitResult]:
        if not submissions:
            return []
        arrivals = [_arrival(form, sub) for form, sub in zip(forms, submissions, strict=True)]
        try:
            return in_transaction(self._uow, lambda uow: store_page(uow, arrivals, self._clock.now), attempts=1)
        except TransientConflict:
            return [self(form) for form in forms]  # each retried on its own

    def _checked(self, form: LeadForm) -> Submission | ValidationError:
        try:
            return to_submission(form, region=self._region)
        except ValidationError as e:
            return e


def _arrival(form: LeadForm, submission: Submission) -> Arrival:
    return Arrival(submission, spam_reason=form.spam_reason, created_at=form.created_at, route=form.route)


def _replay(uow: UnitOfWork, idempotency: Idempotency) -> SubmitResult | None:
    for key in (idempotency.key, *idempotency.earlier):
        record = uow.idempotency.get(idempotency.owner, key)
        if record is None or (idempotency.since is not None and record.created_at < idempotency.since):
            continue
        if record.fingerprint != idempotency.fingerprint:
            raise Conflict("this Idempotency-Key was already used for a different request")
        return SubmitResult(record.lead_id, Outcome.DUPLICATE)
    return None


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
