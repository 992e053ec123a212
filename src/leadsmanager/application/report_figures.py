"""The report's figures, added up from tallies: pure arithmetic, the same whichever storage counted.

Funnel: it follows the configured pipeline's progression (its open stages in order, then its won
stages). Every lead of the period except spam and excluded enters at the first stage. It counts at
each later open stage when it ever reached that stage or a later one (the lead's `stage_reached`,
kept as its status changes), even if it was lost or reopened later; it counts at a won stage while
its status is that stage. Excluded leads (not sales at all) are counted apart, in the statuses.
"""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from collections.abc import Iterable
from datetime import timedelta

from attrs import frozen

from leadsmanager.application.queries import CampaignCount
from leadsmanager.application.tallies import RESPONSE_LIMITS, Facet, Tally
from leadsmanager.domain.pipeline import Pipeline, StageKind

_KINDS = frozenset(k.value for k in StageKind)


@frozen
class ResponseTimes:
    """Of the leads that had a first response: how many, and the buckets their median and 90th percentile fall in."""

    answered: int
    median_bucket: int | None = None
    p90_bucket: int | None = None

    @property
    def median(self) -> timedelta | None:
        """Half the answered leads had a first response within this; None when none did or past the last bound."""
        return _limit(self.median_bucket)

    @property
    def p90(self) -> timedelta | None:
        return _limit(self.p90_bucket)


def _limit(bucket: int | None) -> timedelta | None:
    return None if bucket is None or bucket >= len(RESPONSE_LIMITS) else RESPONSE_LIMITS[bucket]


@frozen
class FunnelStage:
    stage: str  # a stage key of the pipeline
    leads: int


@frozen
class SourceFigures:
    source: str
    leads: int  # every lead from the source, spam and excluded included
    spam: int
    won: int
    excluded: int = 0  # not sales at all (job seekers, vendors): left out of the conversion

    @property
    def conversion(self) -> float | None:
        """Won over the source's leads that were neither spam nor excluded; None when it had none."""
        real = self.leads - self.spam - self.excluded
        return self.won / real if real else None


@frozen
class CampaignFigures:
    campaign: str | None  # None: the leads of no campaign
    leads: int  # every lead of the campaign, spam and excluded included
    won: int
    real: int  # neither spam nor excluded: the leads the conversion is over

    @property
    def conversion(self) -> float | None:
        """Won over the campaign's leads that were neither spam nor excluded; None when it had none."""
        return self.won / self.real if self.real else None


@frozen
class RepFigures:
    assignee_id: int | None  # None: leads nobody is assigned to
    name: str
    leads: int
    open: int
    won: int
    lost: int
    waiting: int
    response: ResponseTimes


def response_times(buckets: Counter[int]) -> ResponseTimes:
    answered = sum(buckets.values())
    if not answered:
        return ResponseTimes(0)
    return ResponseTimes(answered, _percentile(buckets, answered, 0.5), _percentile(buckets, answered, 0.9))


def _percentile(buckets: Counter[int], answered: int, share: float) -> int:
    """Nearest rank: the bucket of the ceil(share x answered)-th fastest response."""
    rank, seen = math.ceil(share * answered), 0
    for bucket in sorted(buckets):
        seen += buckets[bucket]
        if seen >= rank:
            return bucket
    raise AssertionError("unreachable: the ranks add up to the answered leads")


def statuses(tallies: Iterable[Tally]) -> list[tuple[int | None, str, str, int]]:
    """(assignee, source, status key, leads) of every SOURCE_STATUS tally."""
    return [(t.assignee_id, t.key[0], t.key[1], t.leads) for t in tallies if t.facet is Facet.SOURCE_STATUS]


def of_kinds(tallies: Iterable[Tally], pipeline: Pipeline, *kinds: StageKind) -> int:
    """The leads whose status is a stage of one of `kinds` (a key the pipeline lacks counts as open)."""
    return sum(n for _, _, status, n in statuses(tallies) if pipeline.kind(status) in kinds)


def funnel(tallies: Iterable[Tally], pipeline: Pipeline) -> list[FunnelStage]:
    kept = list(tallies)
    opened, won = pipeline.of_kind(StageKind.OPEN), pipeline.of_kind(StageKind.WON)
    order = {key: i for i, key in enumerate(pipeline.progression)}
    reached = [(order.get(t.key[0], 0), t.leads) for t in kept if t.facet is Facet.REACHED]
    excluded = of_kinds(kept, pipeline, StageKind.EXCLUDED)
    stages = [FunnelStage(opened[0], sum(n for _, n in reached) - excluded)] if opened else []
    for stage in opened[1:]:
        stages.append(FunnelStage(stage, sum(n for furthest, n in reached if furthest >= order[stage])))
    now: Counter[str] = Counter()
    for _, _, status, n in statuses(kept):
        now[status] += n
    return [*stages, *(FunnelStage(key, now[key]) for key in won)]


def campaigns(counts: Iterable[CampaignCount]) -> list[CampaignFigures]:
    """One row per campaign, the largest first; the leads of no campaign last."""
    found: dict[str | None, Counter[str]] = defaultdict(Counter)
    for c in counts:
        kind = StageKind(c.kind) if c.kind in _KINDS else StageKind.OPEN
        found[c.campaign]["leads"] += c.leads
        found[c.campaign][kind] += c.leads
    rows = [
        CampaignFigures(name, n["leads"], n[StageKind.WON], n["leads"] - n[StageKind.SPAM] - n[StageKind.EXCLUDED])
        for name, n in found.items()
    ]
    return sorted(rows, key=lambda f: (f.campaign is None, -f.leads, f.campaign or ""))


def sources(tallies: Iterable[Tally], pipeline: Pipeline) -> list[SourceFigures]:
    counts: dict[str, Counter[StageKind | str]] = defaultdict(Counter)
    for _, source, status, n in statuses(tallies):
        counts[source]["leads"] += n
        counts[source][pipeline.kind(status)] += n
    found = [
        SourceFigures(s, c["leads"], c[StageKind.SPAM], c[StageKind.WON], c[StageKind.EXCLUDED])
        for s, c in counts.items()
    ]
    return sorted(found, key=lambda f: (-f.leads, f.source))


def totals(tallies: Iterable[Tally], facet: Facet) -> list[tuple[tuple[str, ...], int]]:
    """One facet's counts over every assignee, largest first."""
    counts: Counter[tuple[str, ...]] = Counter()
    for t in tallies:
        if t.facet is facet:
            counts[t.key] += t.leads
    return sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))


def buckets(tallies: Iterable[Tally]) -> Counter[int]:
    """Answered leads per response bucket."""
    found: Counter[int] = Counter()
    for t in tallies:
        if t.facet is Facet.RESPONSE:
            found[int(t.key[0])] += t.leads
    return found
