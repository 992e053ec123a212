"""How a page of the lead list is asked of the database: filters, order, cursor and the index to walk.

A page is the first `limit + 1` leads after the cursor, newest first by (created_at, id), oldest
first, or best first by (score, id). Searches are planned in search_pages.py; every other page walks
one index of `leads` in that order and stops after one page.
"""

from __future__ import annotations

from typing import Any

from attrs import evolve, frozen
from sqlalchemy import ColumnElement, FromClause, Select, and_, or_, select

from leadsmanager.adapters.sql.tables import lead_search, leads
from leadsmanager.application.queries import LeadQuery
from leadsmanager.domain.search import query_terms

SUMMARY_COLUMNS = [c for c in leads.c if c.name not in ("open_email", "open_phone")]

# Indexes of `leads` that end in (created_at, id), by the columns in front, in order of preference.
WALKS: tuple[tuple[tuple[str, ...], str], ...] = (
    (("assignee_id", "status"), "ix_leads_assignee_id_status_created_at_id"),
    (("assignee_id",), "ix_leads_assignee_id_created_at_id"),
    (("site", "form_id"), "ix_leads_site_form_id_created_at_id"),
    (("service",), "ix_leads_service_created_at_id"),
    (("source",), "ix_leads_source_created_at_id"),
    (("status",), "ix_leads_status_created_at_id"),
)
NEWEST_FIRST_INDEX = "ix_leads_created_at_id"
# The same for lists sorted by score: indexes that end in (score, id).
SCORE_WALKS: tuple[tuple[tuple[str, ...], str], ...] = (
    (("assignee_id",), "ix_leads_assignee_id_score_id"),
    (("status",), "ix_leads_status_score_id"),
)
BEST_FIRST_INDEX = "ix_leads_score_id"


@frozen
class Walk:
    """An index that yields the query's leads in page order, and the column values that pin its start."""

    index: str
    pins: dict[str, Any]


def walk(q: LeadQuery) -> Walk | None:
    """The first of WALKS whose leading columns the query pins; search plays no part."""
    pins = _pinned(q)
    walks, default = (SCORE_WALKS, BEST_FIRST_INDEX) if q.by_score else (WALKS, NEWEST_FIRST_INDEX)
    for columns, index in walks:
        if set(columns) <= pins.keys():
            return Walk(index, {column: pins[column] for column in columns})
    # Several statuses and nothing else pinned: no index holds them in page order.
    return None if q.statuses else Walk(default, {})


def _pinned(q: LeadQuery) -> dict[str, Any]:
    """The columns the query holds to a single value (None for unassigned)."""
    source = q.source.value if q.source else None
    values = {
        "assignee_id": q.assignee_id,
        "site": q.site,
        "form_id": q.form_id,
        "service": q.service,
        "source": source,
    }
    pins: dict[str, Any] = {column: value for column, value in values.items() if value is not None}
    if q.unassigned:
        pins["assignee_id"] = None
    if len(q.statuses) == 1:
        pins["status"] = q.statuses[0].value
    return pins


def forced(statement: Select[Any], table: FromClause, index: str) -> Select[Any]:
    """FORCE INDEX on MySQL/MariaDB, where SQLAlchemy names the dialect either way; SQLite gets nothing."""
    for dialect in ("mysql", "mariadb"):
        statement = statement.with_hint(table, f"FORCE INDEX ({index})", dialect_name=dialect)
    return statement


def walked(q: LeadQuery) -> Select[Any]:
    """A page without search. MariaDB would walk a common filter's index from its newest row to the
    cursor (its cost model drops the range before it sees the LIMIT), so the index is forced."""
    statement = filtered(select(*SUMMARY_COLUMNS), q)
    chosen = walk(q)
    return statement if chosen is None else forced(statement, leads, chosen.index)


def filtered(statement: Select[Any], q: LeadQuery) -> Select[Any]:
    """Every condition of the query in its plainest form, search included, in page order.
    The repository plans searches itself; the benchmark counts a case's matches with this."""
    searched = [
        leads.c.id.in_(select(lead_search.c.lead_id).where(matching(lead_search, g))) for g in query_terms(q.search)
    ]
    first = sort_key(q, leads)
    statement = statement.where(*conditions(q), *searched, *cursor(q, first, leads.c.id))
    return statement.order_by(*order(q, first, leads.c.id))


def sort_key(q: LeadQuery, table: FromClause) -> Any:
    """The column a page is sorted by before the id: the score, or when the lead arrived."""
    return table.c.score if q.by_score else table.c.created_at


def unsearched(q: LeadQuery) -> LeadQuery:
    return evolve(q, search="")


def conditions(q: LeadQuery) -> list[ColumnElement[bool]]:
    """The filters on `leads` columns: all but search and the cursor."""
    c = leads.c
    found: list[ColumnElement[bool]] = []
    if q.statuses:
        found.append(c.status.in_([s.value for s in q.statuses]))
    if q.assignee_id is not None:
        found.append(c.assignee_id == q.assignee_id)
    if q.unassigned:
        found.append(c.assignee_id.is_(None))
    for column, value in ((c.source, q.source), (c.site, q.site), (c.form_id, q.form_id), (c.service, q.service)):
        if value is not None:
            found.append(column == value)
    return found + created_between(q, c.created_at)


def created_between(q: LeadQuery, created_at: Any) -> list[ColumnElement[bool]]:
    found: list[ColumnElement[bool]] = []
    if q.created_from is not None:
        found.append(created_at >= q.created_from)
    if q.created_to is not None:
        found.append(created_at < q.created_to)
    return found


def cursor(q: LeadQuery, first: Any, ident: Any) -> list[ColumnElement[bool]]:
    """Keyset paging: the rows after (sort key, id) of the previous page's last lead."""
    if q.after is None:
        return []
    at, last = (q.after.score if q.by_score else q.after.created_at), q.after.id
    if q.oldest_first and not q.by_score:
        return [or_(first > at, and_(first == at, ident > last))]
    return [or_(first < at, and_(first == at, ident < last))]


def order(q: LeadQuery, first: Any, ident: Any) -> tuple[Any, Any]:
    if q.oldest_first and not q.by_score:
        return (first.asc(), ident.asc())
    return (first.desc(), ident.desc())


def matching(terms: FromClause, group: list[str]) -> ColumnElement[bool]:
    """A row of lead_search (or an alias of it) whose term starts with one of the group's alternatives."""
    return or_(*(terms.c.term.like(f"{alternative}%") for alternative in group))
