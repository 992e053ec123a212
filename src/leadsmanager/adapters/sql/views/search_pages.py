"""How a page of search results is asked of the database, so that it costs one page and not every match.

A lead matches when each group from `query_terms` prefix-matches one of its lead_search rows. Joining
every match to `leads` and sorting them all costs one random read per match (a popular surname has
thousands). So the groups are counted first, each only up to `common` rows (search_memory.py), then either
- some group is rare: its (lead_id, created_at) rows are sorted before any `leads` row is read, and
  the leads are fetched in page order only until a page has passed the other filters; or
- every group is common: the newest leads are walked and each is probed, as most of them match.
Sorted by score, a rare group's matches (at most `common`) are read from `leads` and sorted there.
As for list pages, a statement is built once per shape (the list shape, how many alternatives each
group has, and which group plays which part) and each page binds its own values.
"""

from __future__ import annotations

import math
from functools import lru_cache
from typing import Any

from sqlalchemy import (
    BindParameter,
    ColumnElement,
    Integer,
    Row,
    Select,
    Subquery,
    and_,
    bindparam,
    func,
    literal_column,
    select,
)
from sqlalchemy.orm import Session

from leadsmanager.adapters.sql.errors import run
from leadsmanager.adapters.sql.tables import lead_search, leads
from leadsmanager.adapters.sql.views.list_pages import (
    PAGE_ROWS,
    SHAPES_KEPT,
    SUMMARY,
    Shape,
    conditions,
    created_between,
    cursor,
    forced,
    matching,
    order,
    pinned,
    shape,
    term_values,
    values,
    walked_shape,
)
from leadsmanager.adapters.sql.views.search_memory import SearchMemory
from leadsmanager.application.queries import LeadQuery
from leadsmanager.domain.search import query_terms

_CAP: BindParameter[int] = bindparam("common", type_=Integer)
# Aliases are made once: each new alias builds its column collection again on first use.
_PROBED = lead_search.alias("s")
_OTHER = lead_search.alias("o")  # its own alias: the same table unaliased would be correlated away
_CHECK = leads.alias("f")


def searched(session: Session, q: LeadQuery, memory: SearchMemory) -> list[Row[Any]]:
    """The page's rows in page order, `q.limit + 1` at most (one more tells there is a next page)."""
    groups = query_terms(q.search)
    counts = _capped_counts(session, groups, memory)
    if min(counts) == 0:
        return []
    sizes, bound = tuple(len(g) for g in groups), values(q) | term_values(groups)
    rows: list[Row[Any]]
    if min(counts) >= memory.common:
        rows = run(session, _probing(shape(q), sizes), bound).all()
        return rows
    rarest = counts.index(min(counts))
    others = [i for i in range(len(groups)) if i != rarest]
    rare = tuple(i for i in others if counts[i] < memory.common)
    common = tuple(i for i in others if counts[i] >= memory.common)
    planned = shape(q)
    statement = _from_rarest(planned, sizes, rarest, rare, common)
    if _distinct(planned, rare):
        rows = run(session, statement, bound).all()
        return rows
    return _once_each(session, statement, bound, q.limit + 1, memory=memory, group=tuple(groups[rarest]))


def _once_each(
    session: Session,
    statement: Select[Any],
    bound: dict[str, Any],
    wanted: int,
    *,
    memory: SearchMemory,
    group: tuple[str, ...],
) -> list[Row[Any]]:
    """The first `wanted` leads of a statement whose rows repeat each lead once per term it has of the
    rarest group, each repeat right after the lead (rows come sorted by created_at and id). Removing
    them here spares MariaDB a temporary table for DISTINCT; each row fetched beyond the page costs it
    time too (bench/README.md), so the statement asks for about as many rows
    as the group's last page needed for one lead each (SearchMemory), and again for more if short."""
    fetch = math.ceil(wanted * memory.rows_per_lead(group) * 1.1) + 3
    while True:
        rows: list[Row[Any]] = run(session, statement, bound | {PAGE_ROWS.key: fetch}).all()
        leads = [row for n, row in enumerate(rows) if n == 0 or row.summary[0] != rows[n - 1].summary[0]]
        if leads and len(leads) >= wanted // 2:  # enough to be worth learning from
            memory.learn_rows_per_lead(group, len(rows) / len(leads))
        if len(leads) >= wanted or len(rows) < fetch:
            return leads[:wanted]
        fetch *= 2


def _capped_counts(session: Session, groups: list[list[str]], memory: SearchMemory) -> list[int]:
    known = [memory.count(tuple(group)) for group in groups]
    missing = [group for group, n in zip(groups, known, strict=True) if not n]
    counted = iter(_count(session, missing, memory) if missing else [])
    return [n or next(counted) for n in known]


def _count(session: Session, groups: list[list[str]], memory: SearchMemory) -> list[int]:
    statement = _counting(tuple(len(g) for g in groups))
    found = run(session, statement, {_CAP.key: memory.common} | term_values(groups)).one()
    counts = [int(n) for n in found]
    memory.counted({tuple(g): n for g, n in zip(groups, counts, strict=True)})
    return counts


@lru_cache(maxsize=SHAPES_KEPT)
def _counting(sizes: tuple[int, ...]) -> Select[Any]:
    """Each group's lead_search rows, counted up to the cap, in one statement."""

    def capped(group: int, alternatives: int) -> Any:
        rows = select(lead_search.c.lead_id).where(matching(lead_search, group, alternatives)).limit(_CAP)
        return select(func.count()).select_from(rows.subquery()).scalar_subquery()

    return select(*(capped(i, n) for i, n in enumerate(sizes)))


@lru_cache(maxsize=SHAPES_KEPT)
def _probing(s: Shape, sizes: tuple[int, ...]) -> Select[Any]:
    """Every group is common: walk the filters' index newest first and keep the leads that match."""
    return walked_shape(s).where(*(_probe(i, n, leads.c.id) for i, n in enumerate(sizes)))


def _probe(group: int, alternatives: int, lead_id: Any) -> ColumnElement[bool]:
    """Whether the lead has a term of the group. A scalar subquery with LIMIT 1 rather than EXISTS or
    IN: MariaDB turns those into a semi-join and first gathers every matching row of a common term."""
    terms = _PROBED
    hit: Select[Any] = (
        select(literal_column("1")).where(terms.c.lead_id == lead_id, matching(terms, group, alternatives)).limit(1)
    )
    return hit.scalar_subquery().is_not(None)


@lru_cache(maxsize=SHAPES_KEPT)
def _from_rarest(
    s: Shape, sizes: tuple[int, ...], rarest: int, rare: tuple[int, ...], common: tuple[int, ...]
) -> Select[Any]:
    """Sort the rarest group's rows (narrowed by the other rare groups), then read leads in that order:
    MariaDB sorts the small derived table and stops joining once a page of leads has passed."""
    found = _matches(s, (rarest, sizes[rarest]), [(i, sizes[i]) for i in rare])
    statement = select(SUMMARY).select_from(found)
    if not s.by_score:
        statement = _checked(statement, found, s)
    statement = statement.join(leads, leads.c.id == found.c.lead_id)
    statement = statement.where(*conditions(s), *(_probe(i, sizes[i], found.c.lead_id) for i in common))
    if s.by_score:
        statement = statement.where(*cursor(s, leads.c.score, leads.c.id))
        statement = statement.order_by(*order(s, leads.c.score, leads.c.id))
    else:
        statement = statement.order_by(*order(s, found.c.created_at, found.c.lead_id))
    # Join in the order written: the sorted matches drive, and `leads` is only read for the page.
    for dialect in ("mysql", "mariadb"):
        statement = statement.prefix_with("STRAIGHT_JOIN", dialect=dialect)
    return statement.limit(PAGE_ROWS)


def _distinct(s: Shape, rare: tuple[int, ...]) -> bool:
    """Whether the matches are made distinct in SQL: when sorted by score (every match is joined to
    `leads` anyway) or narrowed by other rare groups (few matches are left to make distinct, and MariaDB
    narrows inside the derived table with a semi-join). Otherwise see _once_each."""
    return s.by_score or bool(rare)


def _matches(s: Shape, rarest: tuple[int, int], rare: list[tuple[int, int]]) -> Subquery:
    """(lead_id, created_at) of the leads with the rarest group, the other rare groups, the cursor and
    the creation window: all of them answered from lead_search alone. Groups are (index, alternatives).
    A lead appears once, or once per term it has of the rarest group when not _distinct (MariaDB then
    merges this into the page's query)."""
    terms = lead_search
    narrowing = [terms.c.lead_id.in_(select(_OTHER.c.lead_id).where(matching(_OTHER, *group))) for group in rare]
    window = created_between(s, terms.c.created_at)
    if not s.by_score:  # sorted by score, the cursor is on the lead's score: checked after the join
        window += cursor(s, terms.c.created_at, terms.c.lead_id)
    rows = select(terms.c.lead_id, terms.c.created_at)
    if _distinct(s, tuple(i for i, _ in rare)):
        rows = rows.distinct()
    return rows.where(matching(terms, *rarest), *narrowing, *window).subquery("m")


def _checked(statement: Select[Any], found: Subquery, s: Shape) -> Select[Any]:
    """Join the pinned filters' index on (pinned columns, created_at, id): one lookup in that narrow
    index tells whether a match passes them (an employee's own leads, say) before its row is read."""
    if s.walk is None or not s.walk.pins:
        return statement
    check = _CHECK
    on = and_(*pinned(s, check), check.c.created_at == found.c.created_at, check.c.id == found.c.lead_id)
    return forced(statement.join(check, on), check, s.walk.index)
