"""How a page of the lead list is asked of the database: filters, order, cursor and the index to walk.

A page is the first `limit + 1` leads after the cursor, newest first by (created_at, id), oldest
first, or best first by (score, id). Searches are planned in search_pages.py; every other page walks
one index of `leads` in that order and stops after one page.

Building a statement and hashing it for SQLAlchemy's compiled cache took about as much CPU as reading
the page, so statements are built once per `Shape` (which filters are set, the index, cursor and
order), with every value of the query a bound parameter: a page runs its shape's statement with its
own `values`.
"""

from __future__ import annotations

from datetime import datetime
from functools import lru_cache
from typing import Any

from attrs import frozen
from sqlalchemy import (
    JSON,
    BindParameter,
    ColumnElement,
    Dialect,
    FromClause,
    Integer,
    Label,
    Select,
    Text,
    TypeDecorator,
    and_,
    bindparam,
    func,
    or_,
    select,
)
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.compiler import SQLCompiler
from sqlalchemy.sql.functions import FunctionElement

from leadsmanager.adapters.sql.column_types import UtcDateTime
from leadsmanager.adapters.sql.engine import read_json
from leadsmanager.adapters.sql.lead_rows import SUMMARY_COLUMNS
from leadsmanager.adapters.sql.tables import lead_search, leads
from leadsmanager.application.queries import LeadQuery
from leadsmanager.domain.pipeline import StageKind
from leadsmanager.domain.search import query_terms

_TIMES = [n for n, c in enumerate(SUMMARY_COLUMNS) if isinstance(c.type, UtcDateTime)]


class _Document(FunctionElement[Any]):
    """A JSON column inside json_array(): MariaDB and MySQL put a JSON column's value in as JSON,
    SQLite as a string unless it goes through json()."""

    inherit_cache = True


@compiles(_Document)
def _sqlite_document(element: _Document, compiler: SQLCompiler, **kw: Any) -> str:
    return f"json({compiler.process(element.clauses, **kw)})"


@compiles(_Document, "mysql")
@compiles(_Document, "mariadb")
def _mysql_document(element: _Document, compiler: SQLCompiler, **kw: Any) -> str:
    return compiler.process(element.clauses, **kw)


class _PackedSummary(TypeDecorator[list[Any]]):
    """SUMMARY_COLUMNS' values, in that order, from the one JSON array the database packed them in."""

    impl = Text
    cache_ok = True

    def process_result_value(self, value: str | None, dialect: Dialect) -> list[Any] | None:
        if value is None:
            return None
        values: list[Any] = read_json(value)
        for n in _TIMES:  # stored as naive UTC; the offset in the text is cheaper than replace(tzinfo=UTC)
            if values[n] is not None:
                values[n] = datetime.fromisoformat(values[n] + "+00:00")
        return values


# A list page selects each lead's summary as one JSON array built by the database. PyMySQL parses
# every value of a row in pure Python: one value a row instead of 22 spares much of a list page's
# client CPU for a little more work in MariaDB (figures in bench/README.md).
SUMMARY: Label[list[Any]] = func.json_array(
    *(_Document(c) if isinstance(c.type, JSON) else c for c in SUMMARY_COLUMNS), type_=_PackedSummary
).label("summary")

# Indexes of `leads` that end in (created_at, id), by the columns in front, in order of preference.
WALKS: tuple[tuple[tuple[str, ...], str], ...] = (
    (("assignee_id", "status"), "ix_leads_assignee_id_status_created_at_id"),
    (("assignee_id",), "ix_leads_assignee_id_created_at_id"),
    (("site", "form_id"), "ix_leads_site_form_id_created_at_id"),
    (("campaign",), "ix_leads_campaign_created_at_id"),
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
# The row after a page tells whether there is a next one.
PAGE_ROWS: BindParameter[int] = bindparam("page_rows", type_=Integer)
SHAPES_KEPT = 512  # statements kept per kind; a shape is a combination of filters, so few are ever used


@frozen
class Walk:
    """An index that yields the query's leads in page order, and its leading columns that the query
    holds to one value each (bound under the column's name, or NULL for the unassigned)."""

    index: str
    pins: tuple[str, ...]


@frozen
class Shape:
    """All that a page's SQL depends on apart from the values, which `values` binds."""

    filters: frozenset[str]  # which of the query's filters are set, by field name
    walk: Walk | None
    after: bool
    oldest_first: bool
    by_score: bool


def shape(q: LeadQuery) -> Shape:
    given = {
        "statuses": q.statuses or None,
        "hide_spam": q.hide_spam or None,
        "assignee_id": q.assignee_id,
        "unassigned": q.unassigned or None,
        "source": q.source,
        "site": q.site,
        "form_id": q.form_id,
        "service": q.service,
        "campaign": q.campaign,
        "created_from": q.created_from,
        "created_to": q.created_to,
    }
    filters = frozenset(name for name, value in given.items() if value is not None)
    return Shape(filters, walk(q), q.after is not None, q.oldest_first, q.by_score)


def values(q: LeadQuery) -> dict[str, Any]:
    """The query's values under the names its shape's statement binds them by."""
    found: dict[str, Any] = {
        "statuses": list(q.statuses),
        "assignee_id": q.assignee_id,
        "source": q.source and q.source.value,
        "site": q.site,
        "form_id": q.form_id,
        "service": q.service,
        "campaign": q.campaign,
        "created_from": q.created_from,
        "created_to": q.created_to,
        PAGE_ROWS.key: q.limit + 1,
    }
    if len(q.statuses) == 1:
        found["status"] = q.statuses[0]  # a pinned status, for the index checks of a search
    if q.after is not None:
        found["after_key"] = q.after.score if q.by_score else q.after.created_at
        found["after_id"] = q.after.id
    return found


def walk(q: LeadQuery) -> Walk | None:
    """The first of WALKS whose leading columns the query pins; search plays no part."""
    pins = _pinned(q)
    walks, default = (SCORE_WALKS, BEST_FIRST_INDEX) if q.by_score else (WALKS, NEWEST_FIRST_INDEX)
    for columns, index in walks:
        if set(columns) <= pins:
            return Walk(index, columns)
    # Several statuses and nothing else pinned: no index holds them in page order.
    return None if q.statuses else Walk(default, ())


def _pinned(q: LeadQuery) -> set[str]:
    """The columns the query holds to a single value (NULL for unassigned)."""
    values = {
        "assignee_id": q.assignee_id,
        "site": q.site,
        "form_id": q.form_id,
        "service": q.service,
        "campaign": q.campaign,
    }
    pins = {column for column, value in values.items() if value is not None}
    if q.source is not None:
        pins.add("source")
    if q.unassigned:
        pins.add("assignee_id")
    if len(q.statuses) == 1:
        pins.add("status")
    return pins


def pinned(s: Shape, table: FromClause) -> list[ColumnElement[bool]]:
    """The walk's pinned columns of `table` (leads or an alias of it) held to the query's values."""
    if s.walk is None:
        return []
    return [
        table.c[c].is_(None) if c == "assignee_id" and "unassigned" in s.filters else table.c[c] == bindparam(c)
        for c in s.walk.pins
    ]


def forced(statement: Select[Any], table: FromClause, index: str) -> Select[Any]:
    """FORCE INDEX on MySQL/MariaDB, where SQLAlchemy names the dialect either way; SQLite gets nothing."""
    for dialect in ("mysql", "mariadb"):
        statement = statement.with_hint(table, f"FORCE INDEX ({index})", dialect_name=dialect)
    return statement


def walked(q: LeadQuery) -> Select[Any]:
    """A page without search, to run with `values(q)`."""
    return walked_shape(shape(q))


@lru_cache(maxsize=SHAPES_KEPT)
def walked_shape(s: Shape) -> Select[Any]:
    """The pages of one shape without search. MariaDB would walk a common filter's index from its newest
    row to the cursor (its cost model drops the range before it sees the LIMIT), so the index is forced."""
    first = sort_key(s, leads)
    statement = select(SUMMARY).where(*conditions(s), *cursor(s, first, leads.c.id))
    statement = statement.order_by(*order(s, first, leads.c.id)).limit(PAGE_ROWS)
    return statement if s.walk is None else forced(statement, leads, s.walk.index)


def filtered(statement: Select[Any], q: LeadQuery) -> Select[Any]:
    """Every condition of the query in its plainest form, search included, in page order, with the
    query's values bound. The repository plans searches itself; the benchmark counts a case's matches."""
    s, groups = shape(q), query_terms(q.search)
    searched = [
        leads.c.id.in_(select(lead_search.c.lead_id).where(matching(lead_search, i, len(g))))
        for i, g in enumerate(groups)
    ]
    first = sort_key(s, leads)
    statement = statement.where(*conditions(s), *searched, *cursor(s, first, leads.c.id))
    return statement.order_by(*order(s, first, leads.c.id)).params(values(q) | term_values(groups))


def sort_key(s: Shape, table: FromClause) -> Any:
    """The column a page is sorted by before the id: the score, or when the lead arrived."""
    return table.c.score if s.by_score else table.c.created_at


_EXACT = ("source", "site", "form_id", "service", "campaign")  # filters that hold a column to one value


def conditions(s: Shape) -> list[ColumnElement[bool]]:
    """The filters on `leads` columns: all but search and the cursor."""
    c, given = leads.c, s.filters
    found: list[ColumnElement[bool]] = []
    if "statuses" in given:
        found.append(c.status.in_(bindparam("statuses", expanding=True)))
    if "hide_spam" in given:
        found.append(c.status_kind != StageKind.SPAM.value)
    if "assignee_id" in given:
        found.append(c.assignee_id == bindparam("assignee_id"))
    if "unassigned" in given:
        found.append(c.assignee_id.is_(None))
    found += [c[name] == bindparam(name) for name in _EXACT if name in given]
    return found + created_between(s, c.created_at)


def created_between(s: Shape, created_at: Any) -> list[ColumnElement[bool]]:
    found: list[ColumnElement[bool]] = []
    if "created_from" in s.filters:
        found.append(created_at >= bindparam("created_from"))
    if "created_to" in s.filters:
        found.append(created_at < bindparam("created_to"))
    return found


def cursor(s: Shape, first: Any, ident: Any) -> list[ColumnElement[bool]]:
    """Keyset paging: the rows after (sort key, id) of the previous page's last lead."""
    if not s.after:
        return []
    at: BindParameter[Any] = bindparam("after_key")
    last: BindParameter[int] = bindparam("after_id")
    if s.oldest_first and not s.by_score:
        return [or_(first > at, and_(first == at, ident > last))]
    return [or_(first < at, and_(first == at, ident < last))]


def order(s: Shape, first: Any, ident: Any) -> tuple[Any, Any]:
    if s.oldest_first and not s.by_score:
        return (first.asc(), ident.asc())
    return (first.desc(), ident.desc())


def matching(terms: FromClause, group: int, alternatives: int) -> ColumnElement[bool]:
    """A row of lead_search (or an alias of it) whose term starts with one of the group's alternatives,
    bound by `term_values`."""
    return or_(*(terms.c.term.like(bindparam(_term(group, n))) for n in range(alternatives)))


def term_values(groups: list[list[str]]) -> dict[str, str]:
    """The LIKE patterns of a search's groups (from `query_terms`), as `matching` binds them."""
    return {_term(i, n): f"{alternative}%" for i, group in enumerate(groups) for n, alternative in enumerate(group)}


def _term(group: int, alternative: int) -> str:
    return f"term_{group}_{alternative}"
