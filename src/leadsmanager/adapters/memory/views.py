"""In-memory lead read models: what the pages read, from the leads committed to a MemoryStore."""

from __future__ import annotations

import copy
from collections import Counter
from collections.abc import Sequence
from datetime import datetime
from types import TracebackType
from typing import Any

from leadsmanager.adapters.memory.store import MemoryStore
from leadsmanager.application.ports import LeadViews
from leadsmanager.application.queries import CampaignCount, Cursor, LeadPage, LeadQuery, LeadStats, StatsQuery
from leadsmanager.application.tallies import Counted, Tally, TallyQuery, count
from leadsmanager.domain.lead import Channel, Lead, in_time_order
from leadsmanager.domain.pipeline import StageKind
from leadsmanager.domain.search import lead_terms, matches, query_terms
from leadsmanager.domain.user import User


class MemoryLeadViews(LeadViews):
    """Reads the committed state as it was on entry, as a read-only transaction reads its snapshot."""

    def __init__(self, store: MemoryStore) -> None:
        self._store = store

    def __enter__(self) -> MemoryLeadViews:
        with self._store.lock:
            self._committed: dict[int, Lead] = copy.deepcopy(self._store.leads)
            self._users: dict[int, User] = copy.deepcopy(self._store.users)
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self._committed, self._users = {}, {}

    def _leads(self) -> list[Lead]:
        return sorted(self._committed.values(), key=lambda x: x.id or 0)

    def lead(self, lead_id: int) -> Lead | None:
        lead = copy.deepcopy(self._committed.get(lead_id))
        if lead is not None:
            lead.history = in_time_order(lead.history)
        return lead

    def names(self, user_ids: set[int]) -> dict[int, str]:
        return {i: self._users[i].full_name for i in user_ids if i in self._users}

    def count_by_status(self, assignee_id: int | None = None) -> dict[str, int]:
        return _count(self._leads(), assignee_id)

    def stats(self, query: StatsQuery) -> LeadStats:
        chosen = [x for x in self._leads() if _in_period(x, query)]
        return LeadStats(
            dict(Counter(x.status for x in chosen)),
            dict(Counter(x.source.value for x in chosen)),
            dict(Counter(x.assignee_id for x in chosen)),
        )

    def campaigns(self, query: StatsQuery) -> list[CampaignCount]:
        found = Counter((x.campaign, x.status_kind.value) for x in self._leads() if _in_period(x, query))
        return [CampaignCount(campaign, kind, n) for (campaign, kind), n in found.items()]

    def tallies(self, query: TallyQuery) -> list[Tally]:
        return count([Counted.of(x) for x in self._leads() if _in_range(x, query)], query.facets)

    def imported(self, site: str, form_id: str, *, since: Sequence[datetime]) -> tuple[int, ...]:
        made = [x.created_at for x in self._committed.values() if _from_form(x, site, form_id)]
        return tuple(sum(1 for at in made if at >= start) for start in since)

    def list(self, query: LeadQuery) -> LeadPage:
        descending = query.by_score or not query.oldest_first
        key = _by_score if query.by_score else _order
        wanted = sorted((x for x in self._leads() if _selected(x, query)), key=key, reverse=descending)
        if query.after is not None:
            a = query.after
            after = (a.score if query.by_score else a.created_at, a.id)
            wanted = [x for x in wanted if (key(x) < after) == descending and key(x) != after]
        page = [copy.deepcopy(x) for x in wanted[: query.limit + 1]]
        for lead in page:
            lead.history = []
        more = len(page) > query.limit
        page = page[: query.limit]
        return LeadPage(page, Cursor.after(page[-1], by_score=query.by_score) if more else None)


def _count(leads: list[Lead], assignee_id: int | None) -> dict[str, int]:
    counts: dict[str, int] = {}
    for lead in leads:
        if assignee_id is None or lead.assignee_id == assignee_id:
            counts[lead.status] = counts.get(lead.status, 0) + 1
    return counts


def _order(lead: Lead) -> tuple[Any, int]:
    return (lead.created_at, lead.id or 0)


def _in_period(lead: Lead, q: StatsQuery) -> bool:
    return (
        (q.created_from is None or lead.created_at >= q.created_from)
        and (q.created_to is None or lead.created_at < q.created_to)
        and (q.assignee_id is None or lead.assignee_id == q.assignee_id)
        and (q.campaign is None or lead.campaign == q.campaign)
    )


def _in_range(lead: Lead, q: TallyQuery) -> bool:
    return (
        (q.start is None or lead.created_at >= q.start)
        and (q.end is None or lead.created_at < q.end)
        and (q.assignee_id is None or lead.assignee_id == q.assignee_id)
    )


def _from_form(lead: Lead, site: str, form_id: str) -> bool:
    return lead.source is Channel.WORDPRESS and lead.site == site and lead.form_id == form_id


def _by_score(lead: Lead) -> tuple[Any, int]:
    return (lead.score, lead.id or 0)


def _selected(lead: Lead, q: LeadQuery) -> bool:
    checks = (
        not q.statuses or lead.status in q.statuses,
        not q.hide_spam or lead.status_kind is not StageKind.SPAM,
        q.assignee_id is None or lead.assignee_id == q.assignee_id,
        not q.unassigned or lead.assignee_id is None,
        q.source is None or lead.source == q.source,
        q.site is None or lead.site == q.site,
        q.form_id is None or lead.form_id == q.form_id,
        q.service is None or lead.service == q.service,
        q.campaign is None or lead.campaign == q.campaign,
        q.created_from is None or lead.created_at >= q.created_from,
        q.created_to is None or lead.created_at < q.created_to,
    )
    if not all(checks):
        return False
    terms = query_terms(q.search)
    return not terms or matches(lead_terms(lead.contact_name, lead.company, lead.email, lead.phone), terms)
