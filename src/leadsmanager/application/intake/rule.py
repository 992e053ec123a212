"""The one intake rule, deciding a page of submissions in one transaction; one submission is a page of one.

Each submission, in order, is:
- a replay (DUPLICATE) when its external id is stored, as a lead's own or as one that joined a lead:
  nothing changes;
- suspected spam (SPAM): a spam lead of its own, which nothing joins;
- routed by a form's answer to a closed stage (a job seeker to an excluded one): a new lead of its own
  in that stage, which nothing joins (CREATED); routed to an open stage, it is a re-submission or a new
  lead as any other, a new one starting in that stage;
- a re-submission (MERGED) when an open lead has its email, else its phone: it joins that lead;
- else a new lead (CREATED).
Submissions earlier in the page count as stored for later ones: a person writing twice in one page gets
one lead, and a submission delivered twice in one page is stored once.

A page reads what is stored once: its external ids and, for more than one submission, the open leads
with any of its contacts, then writes its new leads in a few multi-row statements. A page of one reads
no contacts: the repository inserts its lead first and hands back the open lead only when the
open-contact keys refuse it, so a new person, the usual case, costs one SELECT: the configured pipeline
(where new leads start, where spam goes), read once per page and only when the page creates a lead; the
submission then joins the lead handed back.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from datetime import datetime

from attrs import frozen

from leadsmanager.application.intake.outcome import Outcome, Placed, SubmitResult
from leadsmanager.application.intake.routing import StageRoute
from leadsmanager.application.ports import LeadRepository, UnitOfWork
from leadsmanager.domain.actor import Actor
from leadsmanager.domain.lead import Channel, Lead, Submission
from leadsmanager.domain.pipeline import Pipeline

ExternalKey = tuple[Channel, str]


@frozen
class Arrival:
    """A valid submission and how it came: who entered it, the owner they chose, a spam verdict."""

    submission: Submission
    by: Actor | None = None
    assignee_id: int | None = None
    spam_reason: str = ""
    created_at: datetime | None = None  # a new lead's date, when it is older than its arrival (an import)
    route: StageRoute | None = None  # the form's answer that sends a new lead to a stage of its own


class IntakePage:
    """What a page knows while it is placed: stored leads and those it placed, by external id and contact."""

    def __init__(
        self, stored_ids: Mapping[ExternalKey, int], pipeline: _Pipeline, open_leads: Iterable[Lead] = ()
    ) -> None:
        self._stored_ids = stored_ids
        self._pipeline = pipeline
        self._ids: dict[ExternalKey, Lead | int] = dict(stored_ids)
        self._by_email: dict[str, Lead] = {}
        self._by_phone: dict[str, Lead] = {}
        for lead in open_leads:
            self._hold(lead)
        self.new: list[Lead] = []
        self._joined: dict[int, Lead] = {}  # stored leads that got a re-submission, by id

    @classmethod
    def read(cls, leads: LeadRepository, submissions: Sequence[Submission], pipeline: _Pipeline) -> IntakePage:
        stored: dict[ExternalKey, int] = {}
        for channel in {s.channel for s in submissions if s.external_id}:
            wanted = [s.external_id for s in submissions if s.channel == channel and s.external_id]
            stored |= {(channel, e): i for e, i in leads.find_by_external_ids(channel, wanted).items()}
        emails = {s.email for s in submissions if s.email}
        phones = {s.phone for s in submissions if s.phone}
        if len(submissions) == 1 or not (emails or phones):
            return cls(stored, pipeline)
        return cls(stored, pipeline, leads.find_open_by_contacts(emails, phones))

    def joining(self, found: Lead) -> IntakePage:
        """The page placed again from what it read, knowing the open lead that refused its new lead."""
        return IntakePage(self._stored_ids, self._pipeline, [found])

    @property
    def joined(self) -> list[Lead]:
        return list(self._joined.values())

    def place(self, arrival: Arrival, now: Callable[[], datetime]) -> Placed:
        submission = arrival.submission
        key = (submission.channel, submission.external_id) if submission.external_id else None
        if key is not None and (stored := self._ids.get(key)) is not None:
            return Placed(Outcome.DUPLICATE, stored)
        at = now()
        if arrival.spam_reason:
            pipeline = self._pipeline()
            spam = Lead.from_submission(submission, at=at, pipeline=pipeline)
            spam.mark_spam(arrival.spam_reason, at=at, pipeline=pipeline)
            return self._created(Placed(Outcome.SPAM, spam), key)
        if self._closes(arrival.route):  # it holds no contact: nothing joins it
            return self._created(Placed(Outcome.CREATED, self._new(arrival, at)), key)
        existing = self._open_lead(submission)
        if existing is None:
            lead = self._new(arrival, at)
            self._hold(lead)
            return self._created(Placed(Outcome.CREATED, lead), key)
        existing.record_resubmission(submission, at=at, by=arrival.by)
        if existing.id is not None:
            self._joined[existing.id] = existing
        if key is not None:
            self._ids[key] = existing  # a second delivery later in the page is a replay
        return Placed(Outcome.MERGED, existing)

    def _closes(self, route: StageRoute | None) -> bool:
        """Whether `route` sends a new lead to a closed stage in use."""
        stage = None if route is None else self._pipeline().find(route.stage)
        return stage is not None and not stage.retired and not stage.is_open

    def _new(self, arrival: Arrival, at: datetime) -> Lead:
        dated, route, pipeline = arrival.created_at or at, arrival.route, self._pipeline()
        by, owner, submission = arrival.by, arrival.assignee_id, arrival.submission
        if route is None:
            return Lead.from_submission(submission, at=dated, by=by, assignee_id=owner, pipeline=pipeline)
        return Lead.routed(
            submission, stage=route.stage, because=route.because, at=dated, by=by, assignee_id=owner, pipeline=pipeline
        )

    def _created(self, placed: Placed, key: ExternalKey | None) -> Placed:
        assert isinstance(placed.lead, Lead)
        self.new.append(placed.lead)
        if key is not None:
            self._ids[key] = placed.lead
        return placed

    def _hold(self, lead: Lead) -> None:
        if lead.email:
            self._by_email[lead.email] = lead
        if lead.phone:
            self._by_phone[lead.phone] = lead

    def _open_lead(self, submission: Submission) -> Lead | None:
        by_email = self._by_email.get(submission.email) if submission.email else None
        if by_email is not None:
            return by_email
        return self._by_phone.get(submission.phone) if submission.phone else None


def store_page(uow: UnitOfWork, arrivals: Sequence[Arrival], now: Callable[[], datetime]) -> list[SubmitResult]:
    """Place every arrival, in order, and write them through the caller's unit of work (which commits)."""
    leads = uow.leads
    times = [_Once(now) for _ in arrivals]  # placed again after a refusal, a submission keeps its time
    page = IntakePage.read(leads, [a.submission for a in arrivals], _Pipeline(uow.pipeline.get))
    placed = [page.place(a, at) for a, at in zip(arrivals, times, strict=True)]
    found = leads.store(page.new, page.joined)
    if found is not None:  # its one new lead was refused: the submission joins the open lead instead
        page = page.joining(found)
        placed = [page.place(a, at) for a, at in zip(arrivals, times, strict=True)]
        leads.store(page.new, page.joined)
    return [p.result() for p in placed]


class _Pipeline:
    """The configured pipeline, read once, when a page first creates a lead: a page of replays reads none."""

    def __init__(self, read: Callable[[], Pipeline]) -> None:
        self._read = read
        self._pipeline: Pipeline | None = None

    def __call__(self) -> Pipeline:
        if self._pipeline is None:
            self._pipeline = self._read()
        return self._pipeline


class _Once:
    """The clock read once, when first asked: a replay reads no time."""

    def __init__(self, now: Callable[[], datetime]) -> None:
        self._now = now
        self._at: datetime | None = None

    def __call__(self) -> datetime:
        if self._at is None:
            self._at = self._now()
        return self._at
