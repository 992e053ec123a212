"""Reports: how leads flowed over a period and how fast the team answered them.

Managers and admins see every lead, or one rep's; an employee sees the same figures for the leads
assigned to them, exactly as `leads.visible` narrows a list.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Sequence
from datetime import datetime, timedelta

from attrs import field, frozen

from leadsmanager.application import report_figures as figures
from leadsmanager.application.ports import Clock, LeadViewsFactory
from leadsmanager.application.queries import CampaignCount, StatsQuery
from leadsmanager.application.report_figures import (
    CampaignFigures,
    FunnelStage,
    RepFigures,
    ResponseTimes,
    SourceFigures,
)
from leadsmanager.application.tallies import Facet, Tally, TallyQuery
from leadsmanager.domain.actor import Actor
from leadsmanager.domain.period import Period
from leadsmanager.domain.pipeline import DEFAULT, Pipeline, StageKind
from leadsmanager.domain.roles import Permission

PERIOD_FACETS = frozenset(Facet) - {Facet.UNANSWERED}
UNASSIGNED = "(unassigned)"


@frozen
class ReportQuery:
    period: Period
    assignee_id: int | None = None  # one rep's leads; None: everything the viewer may see
    campaign: str | None = None  # one campaign's leads; None: every campaign's and none's


@frozen
class Report:
    period: Period
    follow_up: timedelta
    sources: list[SourceFigures]
    sites: list[tuple[str, str, int]]
    services: list[tuple[str, int]]
    by_status: dict[str, int]  # stage key: leads; excluded leads too, counted apart from the funnel
    funnel: list[FunnelStage]  # the pipeline's progression: its open stages in order, then its won ones
    response: ResponseTimes
    waiting: int  # open leads of the period nobody has answered for longer than `follow_up`
    reps: list[RepFigures]
    pipeline: Pipeline = DEFAULT
    campaigns: list[CampaignFigures] = field(factory=list)  # the leads of no campaign last

    @property
    def total(self) -> int:
        return sum(self.by_status.values())

    def of_kind(self, *kinds: StageKind) -> int:
        """The leads whose status is a stage of one of `kinds`."""
        return sum(n for key, n in self.by_status.items() if self.pipeline.kind(key) in kinds)

    @property
    def won(self) -> int:
        return self.of_kind(StageKind.WON)

    @property
    def lost(self) -> int:
        return self.of_kind(StageKind.LOST)

    @property
    def excluded(self) -> int:
        return self.of_kind(StageKind.EXCLUDED)


class Reports:
    def __init__(
        self,
        views: LeadViewsFactory,
        clock: Clock,
        *,
        follow_up: timedelta,
        stages: Callable[[], Pipeline] = lambda: DEFAULT,
    ) -> None:
        self._views = views
        self._clock = clock
        self._follow_up = follow_up
        self._stages = stages

    def __call__(self, query: ReportQuery, *, by: Actor) -> Report:
        period = query.period
        if not by.can(Permission.SEE_ALL_LEADS):
            if by.user_id is None or query.assignee_id not in (None, by.user_id):
                return self._report(period, [], [], {}, [])
            query = ReportQuery(period, by.user_id, query.campaign)
        now = self._clock.now()
        counted = TallyQuery(PERIOD_FACETS, period.start, period.end, query.assignee_id, now, query.campaign)
        waiting = self._waiting_query(query, now)
        with self._views() as views:
            tallies = list(views.tallies(counted))
            unanswered = list(views.tallies(waiting)) if waiting is not None else []
            names = views.names({t.assignee_id for t in tallies if t.assignee_id is not None})
            campaigns = views.campaigns(StatsQuery(period.start, period.end, query.assignee_id, query.campaign))
        return self._report(period, tallies, unanswered, names, campaigns)

    def _waiting_query(self, query: ReportQuery, now: datetime) -> TallyQuery | None:
        """The period's leads that arrived before the follow-up cutoff: only they can be overdue."""
        cutoff = now - self._follow_up
        end = cutoff if query.period.end is None else min(query.period.end, cutoff)
        start = query.period.start
        if start is not None and end <= start:
            return None
        return TallyQuery(frozenset({Facet.UNANSWERED}), start, end, query.assignee_id, now, query.campaign)

    def _report(
        self,
        period: Period,
        tallies: list[Tally],
        unanswered: list[Tally],
        names: dict[int, str],
        campaigns: Sequence[CampaignCount],
    ) -> Report:
        pipeline = self._stages()
        by_status: dict[str, int] = defaultdict(int)
        for _, _, status, n in figures.statuses(tallies):
            by_status[status] += n
        return Report(
            period=period,
            follow_up=self._follow_up,
            sources=figures.sources(tallies, pipeline),
            sites=[(site, form, n) for (site, form), n in figures.totals(tallies, Facet.SITE_FORM)],
            services=[(service, n) for (service,), n in figures.totals(tallies, Facet.SERVICE)],
            by_status=dict(by_status),
            funnel=figures.funnel(tallies, pipeline),
            response=figures.response_times(figures.buckets(tallies)),
            waiting=sum(t.leads for t in unanswered),
            reps=reps(tallies, unanswered, names, pipeline),
            pipeline=pipeline,
            campaigns=figures.campaigns(campaigns),
        )


def reps(
    tallies: list[Tally], unanswered: list[Tally], names: dict[int, str], pipeline: Pipeline = DEFAULT
) -> list[RepFigures]:
    """One row per assignee with leads in the period, the busiest first; unassigned leads last."""
    people = {t.assignee_id for t in tallies if t.facet is Facet.SOURCE_STATUS}
    rows = [_rep(a, [t for t in tallies if t.assignee_id == a], unanswered, names, pipeline) for a in people]
    return sorted(rows, key=lambda r: (r.assignee_id is None, -r.leads, r.name))


def _rep(
    assignee: int | None, own: list[Tally], unanswered: list[Tally], names: dict[int, str], pipeline: Pipeline
) -> RepFigures:
    statuses = [(pipeline.kind(status), n) for _, _, status, n in figures.statuses(own)]
    name = UNASSIGNED if assignee is None else names.get(assignee, f"user {assignee}")
    return RepFigures(
        assignee_id=assignee,
        name=name,
        leads=sum(n for _, n in statuses),
        open=sum(n for kind, n in statuses if kind is StageKind.OPEN),
        won=sum(n for kind, n in statuses if kind is StageKind.WON),
        lost=sum(n for kind, n in statuses if kind is StageKind.LOST),
        waiting=sum(t.leads for t in unanswered if t.assignee_id == assignee),
        response=figures.response_times(figures.buckets(own)),
    )
