"""The Lead aggregate: every change goes through a method that records history and an event."""

from __future__ import annotations

import enum
from collections.abc import Mapping, Sequence
from datetime import datetime, timedelta
from typing import Any

from attrs import define, field, frozen

from leadsmanager.domain import events
from leadsmanager.domain.actor import Actor
from leadsmanager.domain.channel import Channel as Channel  # noqa: PLC0414 (re-exported: most code imports it from here)
from leadsmanager.domain.errors import InvalidStatusTransition, ValidationError
from leadsmanager.domain.events import LeadEvent
from leadsmanager.domain.pipeline import DEFAULT, Pipeline, StageKind
from leadsmanager.domain.scoring import LeadScore, score_of
from leadsmanager.domain.status import LeadStatus

UTM_FIELDS = ("utm_source", "utm_medium", "utm_campaign", "utm_term", "utm_content")


@frozen
class Submission:
    """A validated, normalised intake from any channel, ready to become or join a lead."""

    channel: Channel
    contact_name: str
    email: str | None
    phone: str | None
    company: str = ""
    service: str = ""
    message: str = ""
    site: str = ""
    form_id: str = ""
    external_id: str | None = None
    extras: dict[str, str] = field(factory=dict)
    utm: dict[str, str] = field(factory=dict)
    # The marketing campaign the lead came from, as the team names it (not the visitor's utm_campaign).
    campaign: str | None = None

    def summary(self) -> dict[str, Any]:
        """What a re-submission adds to the history of the lead it joins."""
        data: dict[str, Any] = {
            "channel": self.channel.value,
            "name": self.contact_name,
            "email": self.email,
            "phone": self.phone,
            "company": self.company,
            "service": self.service,
            "message": self.message,
            "site": self.site,
            "form_id": self.form_id,
            "campaign": self.campaign,
        }
        if self.extras:
            data["extras"] = dict(self.extras)
        return {k: v for k, v in data.items() if v}


class HistoryField(enum.StrEnum):
    """What a history entry records a change of (the stored values)."""

    STATUS = "status"
    ASSIGNEE = "assignee"
    NOTE = "note"
    RESUBMISSION = "resubmission"
    # The person's details, as staff corrected them (`Lead.correct`).
    NAME = "name"
    EMAIL = "email"
    PHONE = "phone"
    COMPANY = "company"
    SERVICE = "service"
    MESSAGE = "message"
    CAMPAIGN = "campaign"


# What staff may correct on a lead, by the attribute that holds it.
DETAILS: dict[HistoryField, str] = {
    HistoryField.NAME: "contact_name",
    HistoryField.EMAIL: "email",
    HistoryField.PHONE: "phone",
    HistoryField.COMPANY: "company",
    HistoryField.SERVICE: "service",
    HistoryField.MESSAGE: "message",
    HistoryField.CAMPAIGN: "campaign",
}
# Details a lead holds as None when it has none; the others hold "".
_ABSENT_AS_NONE = frozenset({HistoryField.EMAIL, HistoryField.PHONE, HistoryField.CAMPAIGN})


@frozen
class HistoryEntry:
    field: HistoryField
    old: str | None
    new: str | None
    actor_id: int | None
    at: datetime
    id: int | None = None
    # What a re-submission brought (`Submission.summary()`), until the store keeps it as `new`'s text.
    detail: Mapping[str, Any] | None = None
    # Why a status change went where it went: the key of one of the target stage's reasons.
    reason: str | None = None
    # Made by a person whose account was deleted (another system's history keeps the change, not who):
    # no actor_id, yet not the system's own change either.
    actor_deleted: bool = False


def in_time_order(history: Sequence[HistoryEntry]) -> list[HistoryEntry]:
    """A history as it is read back: by when each change happened, entries of one moment in the order they
    were stored. An import stores another system's history with its original times, not in time order."""
    return sorted(history, key=lambda e: (e.at, e.id is None, e.id or 0))


@define(slots=False)
class Lead:
    contact_name: str
    email: str | None
    phone: str | None
    company: str
    service: str
    message: str
    source: Channel
    site: str
    form_id: str
    external_id: str | None
    extras: dict[str, str]
    utm: dict[str, str]
    status: str  # the key of a stage of the configured pipeline
    assignee_id: int | None
    created_at: datetime
    updated_at: datetime
    id: int | None = None
    version: int = 0
    # When a person first changed the status or wrote a note: the end of the lead's wait.
    first_response_at: datetime | None = None
    # The furthest pipeline stage the lead ever reached, whatever became of it later.
    stage_reached: str = LeadStatus.NEW
    resubmissions: int = 0
    score: int = 0
    # The kind of the lead's stage, kept beside its key (and stored) so that whether it is open follows
    # the configured pipeline without reading it; every status change sets both.
    status_kind: StageKind = StageKind.OPEN
    campaign: str | None = None  # optional: most leads come from no named campaign
    history: list[HistoryEntry] = field(factory=list)
    events: list[LeadEvent] = field(factory=list)
    # The (channel, external id) of each submission that joined this lead, not stored yet: stored with
    # the history, so that a re-delivery of one of them is a duplicate, not one more re-submission.
    joined_ids: list[tuple[Channel, str]] = field(factory=list)

    @classmethod
    def from_submission(
        cls,
        submission: Submission,
        *,
        at: datetime,
        by: Actor | None = None,
        assignee_id: int | None = None,
        pipeline: Pipeline = DEFAULT,
        stage: str | None = None,
    ) -> Lead:
        """A new lead, in `pipeline`'s starting stage (the configured pipeline's; the default's if none),
        or in `stage` of it."""
        begin = stage or pipeline.start
        lead = cls(
            contact_name=submission.contact_name,
            email=submission.email,
            phone=submission.phone,
            company=submission.company,
            service=submission.service,
            message=submission.message,
            source=submission.channel,
            site=submission.site,
            form_id=submission.form_id,
            external_id=submission.external_id,
            extras=dict(submission.extras),
            utm=dict(submission.utm),
            status=begin,
            assignee_id=assignee_id,
            created_at=at,
            updated_at=at,
            stage_reached=pipeline.furthest(pipeline.start, begin),
            status_kind=pipeline.kind(begin),
            campaign=submission.campaign,
        )
        actor_id = by.user_id if by else None
        lead._record(HistoryField.STATUS, None, begin, actor_id, at)
        if assignee_id is not None:
            lead._record(HistoryField.ASSIGNEE, None, str(assignee_id), actor_id, at)
        lead.events.append(events.LeadSubmitted(submission.channel))
        lead.score = lead.score_card().total
        return lead

    @classmethod
    def routed(
        cls,
        submission: Submission,
        *,
        stage: str,
        because: str,
        at: datetime,
        pipeline: Pipeline,
        by: Actor | None = None,
        assignee_id: int | None = None,
    ) -> Lead:
        """A new lead that a form's answer (`because`) sends straight to `stage` of `pipeline` (job seekers
        to an excluded stage), its history saying so. A lead this closes announces nothing: nobody is told
        of it, reminded of it or asked to follow it up. A stage the pipeline lacks, or has retired, takes
        no lead: it starts where leads start, and its history says why."""
        found = pipeline.find(stage)
        if found is None or found.retired:
            lead = cls.from_submission(submission, at=at, by=by, assignee_id=assignee_id, pipeline=pipeline)
            note = f"{because} routes to stage {stage}, which the pipeline lacks or has retired: left in {lead.status}"
            lead._record(HistoryField.NOTE, None, note, None, at)
            return lead
        lead = cls.from_submission(submission, at=at, by=by, assignee_id=assignee_id, pipeline=pipeline, stage=stage)
        lead._record(HistoryField.NOTE, None, f"routed to {stage} by {because}", None, at)
        if not lead.is_open:
            lead.events = []
        return lead

    @property
    def is_open(self) -> bool:
        return self.status_kind.is_open

    def place(self, status: str, pipeline: Pipeline) -> None:
        """Puts the lead straight into stage `status` of `pipeline`, as an import that brings a lead with
        its own history does: no move is checked and nothing is recorded. A key the pipeline lacks is
        held as open, so the lead is seen and worked."""
        self.status = status
        self.status_kind = pipeline.kind(status)
        self.stage_reached = pipeline.furthest(self.stage_reached, status)

    @property
    def response_time(self) -> timedelta | None:
        """How long the lead waited for its first response, once it had one."""
        return None if self.first_response_at is None else self.first_response_at - self.created_at

    def waiting(self, now: datetime) -> timedelta | None:
        """How long an open lead has been waiting for a first response so far; None once answered or closed."""
        if self.first_response_at is not None or not self.is_open:
            return None
        return now - self.created_at

    def score_card(self) -> LeadScore:
        return score_of(
            email=self.email,
            phone=self.phone,
            company=self.company,
            source=self.source,
            service=self.service,
            message=self.message,
            resubmissions=self.resubmissions,
        )

    def change_status(
        self, target: str, *, by: Actor, at: datetime, pipeline: Pipeline = DEFAULT, reason: str | None = None
    ) -> None:
        """Moves the lead along `pipeline` (the configured one), as its stages' kinds allow `by`; into a
        stage that requires a reason, only with one of the reasons it offers."""
        if target == self.status:
            raise InvalidStatusTransition(f"lead is already {target}")
        move = pipeline.transition(self.status, target)
        if move is None:
            raise InvalidStatusTransition(f"a lead cannot move from {self.status} to {target}")
        if by.role not in move.roles:
            raise InvalidStatusTransition(f"only a manager or admin can move a lead from {self.status} to {target}")
        given = pipeline.stage(target).reason_for_move(reason)
        old = self.status
        self.status = target
        self.status_kind = pipeline.kind(target)
        self.stage_reached = pipeline.furthest(self.stage_reached, target)
        self._record(HistoryField.STATUS, old, target, by.user_id, at, reason=given)
        self._responded(by, at)
        self.events.append(events.StatusChanged(old, target))

    def restage(self, target: str, *, pipeline: Pipeline, reached: str, at: datetime) -> None:
        """Moves the lead out of a stage `pipeline` lacks into its stage `target`, as applying a pipeline
        does: no move is checked, the history records it as the system's (no person), and nothing is
        notified. `reached` is the furthest stage it had reached, in `pipeline`'s keys."""
        old = self.status
        self.status, self.status_kind = target, pipeline.kind(target)
        self.stage_reached = pipeline.reached_entering(reached, target)
        self._record(HistoryField.STATUS, old, target, None, at)

    def assign(self, assignee_id: int | None, *, by: Actor, at: datetime) -> None:
        if assignee_id == self.assignee_id:
            return
        old = self.assignee_id
        self.assignee_id = assignee_id
        self._record(HistoryField.ASSIGNEE, _str_or_none(old), _str_or_none(assignee_id), by.user_id, at)
        self.events.append(events.LeadAssigned(old, assignee_id))

    def add_note(self, text: str, *, by: Actor, at: datetime) -> None:
        note = text.strip()
        if not note:
            raise ValidationError("a note cannot be empty", {"note": "write something"})
        self._record(HistoryField.NOTE, None, note, by.user_id, at)
        self._responded(by, at)
        self.events.append(events.NoteAdded())

    def record_resubmission(self, submission: Submission, *, at: datetime, by: Actor | None = None) -> None:
        """The same person wrote again while this lead is open: keep it here, not as a new lead.

        `by` is the staff member who entered it; their entry is theirs in the history, and is not the
        person's own engagement, so it leaves the count of re-submissions and the score as they are."""
        actor_id = by.user_id if by else None
        self._record(HistoryField.RESUBMISSION, None, None, actor_id, at, detail=submission.summary())
        if actor_id is None:
            self.resubmissions += 1
            self.score = self.score_card().total
        if submission.external_id is not None:
            self.joined_ids.append((submission.channel, submission.external_id))
        self.events.append(events.LeadResubmitted(submission.channel))

    def correct(self, details: Mapping[HistoryField, str], *, by: Actor, at: datetime) -> list[HistoryField]:
        """Staff correct the person's details, given normalised as intake normalises them ("" clears one).
        Each changed detail is recorded with its old and new value; the changed ones are returned. A lead
        keeps its name, and an email or a phone, once it has them."""
        given = {name: (value or None) if name in _ABSENT_AS_NONE else value for name, value in details.items()}
        changed = {name: value for name, value in given.items() if value != getattr(self, DETAILS[name])}
        self._check_kept(changed)
        for name, new in changed.items():
            old = getattr(self, DETAILS[name])
            setattr(self, DETAILS[name], new)
            self._record(name, old or None, new or None, by.user_id, at)
        if changed:
            self.score = self.score_card().total
            self.events.append(events.DetailsCorrected(tuple(name.value for name in changed)))
        return list(changed)

    def _check_kept(self, changed: Mapping[HistoryField, str | None]) -> None:
        errors: dict[str, str] = {}
        if HistoryField.NAME in changed and not changed[HistoryField.NAME]:
            errors["name"] = "a lead keeps its name: enter one"
        contacts = [HistoryField.EMAIL, HistoryField.PHONE]
        cleared = [c for c in contacts if c in changed and not changed[c]]
        if cleared and not any(changed.get(c, getattr(self, DETAILS[c])) for c in contacts):
            errors[cleared[0].value] = "a lead keeps an email address or a phone number: enter one"
        if errors:
            raise ValidationError("the lead was not changed", errors)

    def mark_spam(self, reason: str, *, at: datetime, pipeline: Pipeline = DEFAULT) -> None:
        """Suspected spam at intake: kept in `pipeline`'s spam stage for a person to check, never dropped,
        and nobody is notified."""
        old, self.status, self.status_kind = self.status, pipeline.spam, StageKind.SPAM
        self._record(HistoryField.STATUS, old, self.status, None, at)
        self._record(HistoryField.NOTE, None, f"suspected spam: {reason}", None, at)
        self.events = [events.SpamReceived(reason)]

    def new_history(self) -> list[HistoryEntry]:
        return [entry for entry in self.history if entry.id is None]

    def mark_history_saved(self, saved: Sequence[HistoryEntry]) -> None:
        """`new_history()`, in order, as the store keeps it: with ids, and a re-submission's detail as text."""
        stored = iter(saved)
        self.history = [e if e.id is not None else next(stored) for e in self.history]

    def collect_events(self) -> list[LeadEvent]:
        events, self.events = self.events, []
        return events

    def collect_joined_ids(self) -> list[tuple[Channel, str]]:
        joined, self.joined_ids = self.joined_ids, []
        return joined

    @classmethod
    def imported(
        cls,
        submission: Submission,
        *,
        status: str,
        history: Sequence[HistoryEntry],
        pipeline: Pipeline,
        at: datetime,
        assignee_id: int | None = None,
    ) -> Lead:
        """A lead another system kept, brought over as it stands there: in its stage `status`, with that
        system's history (original times and actors) instead of a start of its own. It announces nothing."""
        lead = cls.from_submission(submission, at=at, assignee_id=assignee_id, pipeline=pipeline)
        lead.history, lead.events = list(history), []  # in the order the other system kept it
        lead.status, lead.status_kind, lead.stage_reached = status, pipeline.kind(status), pipeline.start
        for entry in lead.history:
            if entry.field is HistoryField.STATUS and entry.new:
                lead.stage_reached = pipeline.furthest(lead.stage_reached, entry.new)
        lead.stage_reached = pipeline.furthest(lead.stage_reached, status)
        # A person's first move or note ended the wait, also one whose user was deleted since; a lead's first
        # status is where it started, not a move.
        people = (e for e in lead.history if e.actor_id is not None or e.actor_deleted)
        moves = (e for e in people if e.field is HistoryField.NOTE or e.old)
        lead.first_response_at = next((e.at for e in moves), None)
        lead.updated_at = max([at, *(e.at for e in lead.history)])
        return lead

    def _responded(self, by: Actor, at: datetime) -> None:
        # Only a person's action ends the wait: the system's (spam checks, imports) does not.
        if self.first_response_at is None and by.user_id is not None:
            self.first_response_at = at

    def _record(
        self,
        name: HistoryField,
        old: str | None,
        new: str | None,
        actor_id: int | None,
        at: datetime,
        *,
        detail: Mapping[str, Any] | None = None,
        reason: str | None = None,
    ) -> None:
        self.history.append(HistoryEntry(name, old, new, actor_id, at, detail=detail, reason=reason))
        self.updated_at = at


def _str_or_none(value: int | None) -> str | None:
    return None if value is None else str(value)
