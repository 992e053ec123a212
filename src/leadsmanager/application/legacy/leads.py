"""The original system's leads become ours, with their status history, once each however often it runs.

Each `formsapp_formsubmission` row, in id order, is:
- skipped "already imported" when its external id ({site}/{form}/{entry}, the intralog-legacy sync's) is
  stored, as a lead's own or as one that joined a lead: a second run, or the sync after the import,
  changes nothing;
- skipped with the reason when it cannot be a lead (no email and no phone; an estado with no stage);
- merged, as a re-submission, into the open lead with its email, else its phone: one stored before, or
  imported earlier in this run (a person who wrote twice while the first lead was still being worked);
- else a new lead in its mapped stage, with its history, owner and note (an open lead whose owner's
  account is deactivated comes over unassigned, its history naming who had it).
Rows are stored BATCH at a time, each batch in one transaction: a run that stopped is run again and
imports the rest, exactly once, by the external-id rule above.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from itertools import islice

from attrs import frozen

from leadsmanager.application.legacy.conversion import Converted, RowContext, convert, external_id
from leadsmanager.application.legacy.placement import LeadOutcome, Placement
from leadsmanager.application.legacy.records import LegacyStatusChange, LegacySubmission
from leadsmanager.application.legacy.source import LegacySource
from leadsmanager.application.legacy.statuses import status_map
from leadsmanager.application.ports import Clock, UnitOfWork, UnitOfWorkFactory
from leadsmanager.application.transactions import in_transaction
from leadsmanager.domain.errors import Conflict, ValidationError
from leadsmanager.domain.pipeline import Pipeline, StageKind

BATCH = 500


@frozen
class LeadPlan:
    """What the import does, or did, with one legacy row, and why."""

    row_id: int
    external_id: str
    outcome: LeadOutcome
    reason: str = ""
    lead_id: int | None = None


@frozen
class LegacyRun:
    """One run's settings: the WordPress site the entries came from, the status table, the users."""

    site: str
    region: str
    statuses: Mapping[str, str]
    users: Mapping[int, int]  # legacy user id -> our user id


class ImportLegacyLeads:
    def __init__(self, uow: UnitOfWorkFactory, clock: Clock) -> None:
        self._uow = uow
        self._clock = clock

    def status_table(self, overrides: Iterable[str]) -> dict[str, str]:
        """The estado -> stage table with `old=new` overrides, checked against the configured pipeline."""
        with self._uow() as uow:
            pipeline = uow.pipeline.get()
        table = status_map(overrides, stages=pipeline.keys)
        lacking = sorted(set(table.values()) - set(pipeline.keys))
        if lacking:
            raise Conflict(
                f"the configured pipeline lacks the stages {', '.join(lacking)} that legacy statuses map to: "
                "run `leadsmanager pipeline apply intralog` first, or pass --status old=new"
            )
        return table

    def __call__(
        self,
        source: LegacySource,
        run: LegacyRun,
        *,
        dry_run: bool = False,
        progress: Callable[[Sequence[LeadPlan]], None] = lambda _: None,
    ) -> list[LeadPlan]:
        with self._uow() as uow:
            pipeline = uow.pipeline.get()
            departed = frozenset(i for i in set(run.users.values()) if not _active(uow, i))
        campaigns = {c.id: c.name for c in source.campaigns()}
        open_stages = frozenset(pipeline.of_kind(StageKind.OPEN))
        ctx = RowContext(run.site, run.region, run.statuses, run.users, campaigns, departed, open_stages)
        history = _History(source.history())
        remembered = Placement(pipeline) if dry_run else None  # a dry run stores nothing: it remembers
        plans: list[LeadPlan] = []
        rows = source.submissions()
        while batch := list(islice(rows, BATCH)):
            changes = history.up_to(batch[-1].id)
            done = self._batch(batch, changes, ctx, pipeline, remembered)
            plans.extend(done)
            progress(done)
        return plans

    def _batch(
        self,
        rows: Sequence[LegacySubmission],
        changes: Mapping[int, list[LegacyStatusChange]],
        ctx: RowContext,
        pipeline: Pipeline,
        remembered: Placement | None,
    ) -> list[LeadPlan]:
        now = self._clock.now()
        skipped: dict[int, LeadPlan] = {}
        ready: list[Converted] = []
        for row in rows:
            try:
                ready.append(convert(row, changes.get(row.id, []), ctx, now))
            except ValidationError as e:
                skipped[row.id] = LeadPlan(row.id, external_id(ctx.site, row), LeadOutcome.SKIPPED, str(e))

        def place(uow: UnitOfWork) -> list[LeadPlan]:
            placement = remembered or Placement(pipeline)
            placement.read(uow.leads, ready)
            placed = placement.place_all(ready)
            if remembered is None:
                found = uow.leads.store(placement.new, placement.joined)
                if found is not None:  # its one new lead met an open lead stored meanwhile: it joins that
                    placement = Placement(pipeline, [found])
                    placement.read(uow.leads, ready)
                    placed = placement.place_all(ready)
                    uow.leads.store(placement.new, placement.joined)
            return [LeadPlan(c.row.id, c.external_id, *p.plan()) for c, p in zip(ready, placed, strict=True)]

        if remembered is not None:
            with self._uow() as uow:
                stored = place(uow)
        else:
            stored = in_transaction(self._uow, place)
        by_row = {plan.row_id: plan for plan in stored} | skipped
        return [by_row[row.id] for row in rows]


def _active(uow: UnitOfWork, user_id: int) -> bool:
    user = uow.users.get(user_id)
    return user is None or user.active


class _History:
    """The streamed history (by lead, then time), taken a batch of leads at a time."""

    def __init__(self, changes: Iterator[LegacyStatusChange]) -> None:
        self._changes = changes
        self._next: LegacyStatusChange | None = next(changes, None)

    def up_to(self, last_row_id: int) -> dict[int, list[LegacyStatusChange]]:
        taken: dict[int, list[LegacyStatusChange]] = {}
        while self._next is not None and self._next.submission_id <= last_row_id:
            taken.setdefault(self._next.submission_id, []).append(self._next)
            self._next = next(self._changes, None)
        return taken
