"""How a page of search results is asked of the database, so that it costs one page and not every match.

A lead matches when each group from `query_terms` prefix-matches one of its lead_search rows. Joining
every match to `leads` and sorting them all costs one random read per match (a popular surname has
thousands). So the groups are counted first, each only up to COMMON rows, and then either
- some group is rare: its (lead_id, created_at) rows are sorted before any `leads` row is read, and
  the leads are fetched in page order only until a page has passed the other filters; or
- every group is common: the newest leads are walked and each is probed, as most of them match.
Sorted by score, a rare group's matches (at most COMMON) are read from `leads` and sorted there.
"""

from __future__ import annotations

import time
from typing import Any

from sqlalchemy import ColumnElement, Select, Subquery, and_, func, literal_column, select
from sqlalchemy.orm import Session

from leadsmanager.adapters.sql.errors import run
from leadsmanager.adapters.sql.list_pages import (
    SUMMARY_COLUMNS,
    Walk,
    conditions,
    created_between,
    cursor,
    forced,
    matching,
    order,
    unsearched,
    walk,
    walked,
)
from leadsmanager.adapters.sql.tables import lead_search, leads
from leadsmanager.application.queries import LeadQuery
from leadsmanager.domain.search import query_terms

# A group with this many lead_search rows is common. Counting that far reads one short range of the
# primary key (term, lead_id); below it, sorting the group's rows stays cheap.
COMMON = 10_000
# The counts only choose a plan; every plan returns exactly the matching leads. So a process reuses a
# group's count for COUNTS_TTL seconds, except zero: a group with no term makes the page empty at once,
# and a lead added since would be missed. (Terms are only ever added.)
COUNTS_TTL = 30.0
_RECENT_COUNTS: dict[tuple[str, tuple[str, ...]], tuple[float, int]] = {}  # (database, group) -> (when, count)
# Aliases are made once: each new alias builds its column collection again on first use.
_PROBED = lead_search.alias("s")
_OTHER = lead_search.alias("o")  # its own alias: the same table unaliased would be correlated away
_CHECK = leads.alias("f")


def searched(session: Session, q: LeadQuery) -> Select[Any] | None:
    """The page's statement, or None when some group matches no term at all."""
    groups = query_terms(q.search)
    counts = _capped_counts(session, groups)
    if min(counts) == 0:
        return None
    if min(counts) >= COMMON:
        return _probing(q, groups)
    rarest = counts.index(min(counts))
    others = [(n, g) for i, (n, g) in enumerate(zip(counts, groups, strict=True)) if i != rarest]
    rare, common = [g for n, g in others if n < COMMON], [g for n, g in others if n >= COMMON]
    return _from_rarest(q, groups[rarest], rare, common)


def _capped_counts(session: Session, groups: list[list[str]]) -> list[int]:
    database = str(session.get_bind().engine.url)
    known = [_recent_count(database, group) for group in groups]
    missing = [group for group, n in zip(groups, known, strict=True) if not n]
    counted = iter(_count(session, database, missing) if missing else [])
    return [n or next(counted) for n in known]


def _recent_count(database: str, group: list[str]) -> int:
    """The group's count if counted in the last COUNTS_TTL seconds, else 0 (count it)."""
    at, n = _RECENT_COUNTS.get((database, tuple(group)), (0.0, 0))
    return n if time.monotonic() - at < COUNTS_TTL else 0


def _count(session: Session, database: str, groups: list[list[str]]) -> list[int]:
    def capped(group: list[str]) -> Any:
        rows = select(lead_search.c.lead_id).where(matching(lead_search, group)).limit(COMMON).subquery()
        return select(func.count()).select_from(rows).scalar_subquery()

    counts = [int(n) for n in run(session, select(*(capped(g) for g in groups))).one()]
    if len(_RECENT_COUNTS) > 10_000:
        _RECENT_COUNTS.clear()  # a crude bound: a miss costs one statement
    now = time.monotonic()
    _RECENT_COUNTS.update({(database, tuple(g)): (now, n) for g, n in zip(groups, counts, strict=True) if n})
    return counts


def _probing(q: LeadQuery, groups: list[list[str]]) -> Select[Any]:
    """Every group is common: walk the filters' index newest first and keep the leads that match."""
    return walked(unsearched(q)).where(*(_probe(g, leads.c.id) for g in groups))


def _probe(group: list[str], lead_id: Any) -> ColumnElement[bool]:
    """Whether the lead has a term of the group. A scalar subquery with LIMIT 1 rather than EXISTS or
    IN: MariaDB turns those into a semi-join and first gathers every matching row of a common term."""
    terms = _PROBED
    hit: Select[Any] = select(literal_column("1")).where(terms.c.lead_id == lead_id, matching(terms, group)).limit(1)
    return hit.scalar_subquery().is_not(None)


def _from_rarest(q: LeadQuery, rarest: list[str], rare: list[list[str]], common: list[list[str]]) -> Select[Any]:
    """Sort the rarest group's rows (narrowed by the other rare groups), then read leads in that order:
    MariaDB sorts the small derived table and stops joining once a page of leads has passed."""
    found = _matches(q, rarest, rare)
    statement = select(*SUMMARY_COLUMNS).select_from(found)
    if not q.by_score:
        statement = _checked(statement, found, walk(q))
    statement = statement.join(leads, leads.c.id == found.c.lead_id)
    statement = statement.where(*conditions(q), *(_probe(g, found.c.lead_id) for g in common))
    if q.by_score:
        statement = statement.where(*cursor(q, leads.c.score, leads.c.id))
        statement = statement.order_by(*order(q, leads.c.score, leads.c.id))
    else:
        statement = statement.order_by(*order(q, found.c.created_at, found.c.lead_id))
    # Join in the order written: the sorted matches drive, and `leads` is only read for the page.
    for dialect in ("mysql", "mariadb"):
        statement = statement.prefix_with("STRAIGHT_JOIN", dialect=dialect)
    return statement


def _matches(q: LeadQuery, rarest: list[str], rare: list[list[str]]) -> Subquery:
    """(lead_id, created_at) of the leads with the rarest group, the other rare groups, the cursor and
    the creation window: all of them answered from lead_search alone. A lead appears once even when
    several of its terms match."""
    terms = lead_search
    narrowing = [terms.c.lead_id.in_(_lead_ids(group)) for group in rare]
    window = created_between(q, terms.c.created_at)
    if not q.by_score:  # sorted by score, the cursor is on the lead's score: checked after the join
        window += cursor(q, terms.c.created_at, terms.c.lead_id)
    rows = select(terms.c.lead_id, terms.c.created_at).distinct()
    return rows.where(matching(terms, rarest), *narrowing, *window).subquery("m")


def _lead_ids(group: list[str]) -> Select[Any]:
    return select(_OTHER.c.lead_id).where(matching(_OTHER, group))


def _checked(statement: Select[Any], found: Subquery, chosen: Walk | None) -> Select[Any]:
    """Join the pinned filters' index on (pinned columns, created_at, id): one lookup in that narrow
    index tells whether a match passes them (an employee's own leads, say) before its row is read."""
    if chosen is None or not chosen.pins:
        return statement
    check = _CHECK
    pinned = [check.c[c].is_(None) if v is None else check.c[c] == v for c, v in chosen.pins.items()]
    statement = statement.join(
        check, and_(*pinned, check.c.created_at == found.c.created_at, check.c.id == found.c.lead_id)
    )
    return forced(statement, check, chosen.index)
