"""What reports count: leads per facet key and assignee over a time range, as every storage answers it.

A tally is the number of leads that share one facet's key. Reports add tallies up; storage only
has to count, and may keep running counts. Keys are plain strings, so that SQL can count them too.
"""

from __future__ import annotations

import enum
from datetime import datetime, timedelta

from attrs import frozen

from leadsmanager.domain.lead import Lead
from leadsmanager.domain.pipeline import StageKind

MINUTE, HOUR, DAY = timedelta(minutes=1), timedelta(hours=1), timedelta(days=1)
# Upper bounds of the first-response buckets, about 15-50% apart. A percentile is reported as the
# bound of the bucket it falls in ("within 4 h"); the last bucket has no bound ("over 90 days").
RESPONSE_LIMITS: tuple[timedelta, ...] = (
    *(m * MINUTE for m in (1, 2, 3, 5, 10, 15, 20, 30, 45)),
    *(h * HOUR for h in (1, 1.5, 2, 3, 4, 5, 6, 8, 10, 12, 16, 20, 24, 30, 36, 42, 48, 60)),
    *(d * DAY for d in (3, 4, 5, 6, 7, 10, 14, 21, 30, 45, 60, 90)),
)
RESPONSE_LIMIT_SECONDS = tuple(int(limit.total_seconds()) for limit in RESPONSE_LIMITS)
RESPONSE_BUCKETS = len(RESPONSE_LIMITS) + 1


class Facet(enum.StrEnum):
    SOURCE_STATUS = "source_status"  # (source, status)
    REACHED = "reached"  # (furthest stage reached,) of every lead but spam
    RESPONSE = "response"  # (bucket,) of answered leads: the index of their first-response bucket
    UNANSWERED = "unanswered"  # () of open leads (by their stage's kind) that nobody has answered yet
    SITE_FORM = "site_form"  # (site, form id); not split by assignee
    SERVICE = "service"  # (service,); not split by assignee


BY_ASSIGNEE = frozenset({Facet.SOURCE_STATUS, Facet.REACHED, Facet.RESPONSE, Facet.UNANSWERED})


@frozen
class TallyQuery:
    """Leads created in [start, end) (None: unbounded), of one assignee or everyone's.

    `arrived_by` is the clock's reading when asked: no lead has arrived after it, so storage may
    treat a later end as no end at all.
    """

    facets: frozenset[Facet]
    start: datetime | None = None
    end: datetime | None = None
    assignee_id: int | None = None
    arrived_by: datetime | None = None
    # One campaign's leads: counted from the leads themselves, as the running counts keep no campaign.
    campaign: str | None = None


@frozen
class Tally:
    """`leads` leads have `key` in `facet`; `assignee_id` is None for unassigned leads, and for
    the facets that are not split by assignee."""

    facet: Facet
    assignee_id: int | None
    key: tuple[str, ...]
    leads: int


def response_bucket(waited: timedelta) -> int:
    """The first bucket whose bound the wait does not pass, counted in whole seconds as SQL does."""
    seconds = waited // timedelta(seconds=1)
    return next((i for i, limit in enumerate(RESPONSE_LIMIT_SECONDS) if seconds <= limit), len(RESPONSE_LIMITS))


@frozen
class Counted:
    """The fields of a lead that reports count, as a lead or a stored row holds them. Whether it is
    open or spam is its stage's kind, as the configured pipeline had it when the lead was written."""

    assignee_id: int | None
    created_at: datetime
    source: str
    status: str
    stage_reached: str
    first_response_at: datetime | None
    site: str
    form_id: str
    service: str
    status_kind: str = StageKind.OPEN.value

    @classmethod
    def of(cls, lead: Lead) -> Counted:
        return cls(
            lead.assignee_id,
            lead.created_at,
            lead.source.value,
            lead.status,
            lead.stage_reached,
            lead.first_response_at,
            lead.site,
            lead.form_id,
            lead.service,
            lead.status_kind.value,
        )

    def facet_keys(self) -> list[tuple[Facet, tuple[str, ...]]]:
        """Every facet key this lead counts under."""
        found = [
            (Facet.SOURCE_STATUS, (self.source, self.status)),
            (Facet.SITE_FORM, (self.site, self.form_id)),
            (Facet.SERVICE, (self.service,)),
        ]
        if self.status_kind != StageKind.SPAM:
            found.append((Facet.REACHED, (self.stage_reached,)))
        if self.first_response_at is not None:
            found.append((Facet.RESPONSE, (str(response_bucket(self.first_response_at - self.created_at)),)))
        elif self.status_kind == StageKind.OPEN:
            found.append((Facet.UNANSWERED, ()))
        return found


def count(rows: list[Counted], facets: frozenset[Facet]) -> list[Tally]:
    """Tallies of the given leads, added up here rather than by a database."""
    found: dict[tuple[Facet, int | None, tuple[str, ...]], int] = {}
    for row in rows:
        for facet, key in row.facet_keys():
            if facet in facets:
                who = row.assignee_id if facet in BY_ASSIGNEE else None
                found[(facet, who, key)] = found.get((facet, who, key), 0) + 1
    return [Tally(facet, who, key, n) for (facet, who, key), n in found.items()]
