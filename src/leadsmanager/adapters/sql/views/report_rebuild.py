"""Count the report rows again from `leads`, in SQL: after a bulk load, or if they ever drift."""

from __future__ import annotations

from typing import Any

from sqlalchemy import (
    ColumnElement,
    Connection,
    Integer,
    Select,
    and_,
    case,
    delete,
    func,
    insert,
    inspect,
    literal,
    select,
    true,
    tuple_,
)
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.compiler import SQLCompiler
from sqlalchemy.sql.functions import FunctionElement

from leadsmanager.adapters.sql.tables import (
    COUNTERS,
    EVERYONE,
    NOBODY,
    leads,
    report_counts,
    report_keys,
    report_pending,
)
from leadsmanager.application.tallies import RESPONSE_LIMIT_SECONDS, Facet
from leadsmanager.domain.pipeline import DEFAULT, StageKind

Counters = dict[str, tuple[Facet, tuple[str, ...]]]


class SecondsBetween(FunctionElement[int]):
    """Whole seconds from the first timestamp to the second, rounded down, on either database."""

    type = Integer()
    inherit_cache = True


@compiles(SecondsBetween, "sqlite")
def _sqlite_seconds(element: SecondsBetween, compiler: SQLCompiler, **kw: Any) -> str:
    start, end = (compiler.process(c, **kw) for c in element.clauses)
    # Exact integer microseconds (julianday's float would blur the last one): UtcDateTime stores
    # 'YYYY-MM-DD HH:MM:SS.ffffff' on SQLite. strftime('%s') rounds a fraction, so it gets none.
    seconds = f"(strftime('%s', substr({end}, 1, 19)) - strftime('%s', substr({start}, 1, 19)))"
    micros = f"(CAST(substr({end}, 21) AS INTEGER) - CAST(substr({start}, 21) AS INTEGER))"
    return f"(({seconds} * 1000000 + {micros}) / 1000000)"


@compiles(SecondsBetween, "mysql")
@compiles(SecondsBetween, "mariadb")
def _mysql_seconds(element: SecondsBetween, compiler: SQLCompiler, **kw: Any) -> str:
    start, end = (compiler.process(c, **kw) for c in element.clauses)
    return f"TIMESTAMPDIFF(SECOND, {start}, {end})"


class MonthStart(FunctionElement[Any]):
    """The first day of the month of a date."""

    inherit_cache = True


@compiles(MonthStart, "sqlite")
def _sqlite_month(element: MonthStart, compiler: SQLCompiler, **kw: Any) -> str:
    return f"date({compiler.process(element.clauses, **kw)}, 'start of month')"


@compiles(MonthStart, "mysql")
@compiles(MonthStart, "mariadb")
def _mysql_month(element: MonthStart, compiler: SQLCompiler, **kw: Any) -> str:
    day = compiler.process(element.clauses, **kw)
    return f"({day} - INTERVAL (DAYOFMONTH({day}) - 1) DAY)"


def rebuild(connection: Connection, counters: Counters = COUNTERS, *, pending: bool = True) -> None:
    """Replace every report row with counts from the leads as they stand, the changes not folded yet
    included; run it in one transaction. A migration passes the counter columns of its own revision,
    and `pending=False` before the pending rows' table exists."""
    if pending:
        connection.execute(delete(report_pending))
    connection.execute(delete(report_keys))
    connection.execute(delete(report_counts))
    names = ["span", "starts", "assignee_id", *counters]
    kind = _status_kind(connection)
    connection.execute(insert(report_counts).from_select(names, _day_counts(counters, kind)))
    connection.execute(insert(report_counts).from_select(names, _months(counters)))
    exact = connection.dialect.name in ("mysql", "mariadb")
    columns = ["who", "span", "starts", "facet", "first_key", "second_key", "leads"]
    for facet, keys in ((Facet.SITE_FORM, ("site", "form_id")), (Facet.SERVICE, ("service",))):
        for each in (True, False):
            connection.execute(insert(report_keys).from_select(columns, _day_keys(facet, keys, each, exact)))
    for facet in (Facet.SOURCE_STATUS, Facet.REACHED):
        connection.execute(insert(report_keys).from_select(columns, _uncounted_keys(facet, counters, kind)))
    connection.execute(insert(report_keys).from_select(columns, _month_keys()))


def _status_kind(connection: Connection) -> ColumnElement[str]:
    """Each lead's stage kind: its status_kind; before a migration added that column, the default
    pipeline's kind of its status (the only pipeline there was)."""
    if any(column["name"] == "status_kind" for column in inspect(connection).get_columns("leads")):
        return leads.c.status_kind
    closed = ((leads.c.status == s.key, s.kind.value) for s in DEFAULT.stages if not s.is_open)
    return case(*closed, else_=StageKind.OPEN.value)


def _day_counts(counters: Counters, kind: ColumnElement[str]) -> Select[Any]:
    """One row per arrival day and assignee. The leads are grouped by everything a counter looks at
    first (so each wait is bucketed once), then each counter adds up the groups that hold its key."""
    waited = SecondsBetween(leads.c.created_at, leads.c.first_response_at)
    bucket = case(*((waited <= s, i) for i, s in enumerate(RESPONSE_LIMIT_SECONDS)), else_=len(RESPONSE_LIMIT_SECONDS))
    columns = {
        "day": func.date(leads.c.created_at),
        "assignee": func.coalesce(leads.c.assignee_id, NOBODY),
        "source": leads.c.source,
        "status": leads.c.status,
        "stage_reached": leads.c.stage_reached,
        "status_kind": kind,
        "unanswered": case((leads.c.first_response_at.is_(None), 1), else_=0),
        "bucket": bucket,
    }
    labelled = [column.label(name) for name, column in columns.items()]
    group = select(*labelled, func.count().label("n")).group_by(*columns.values()).subquery("grouped")
    sums = [func.sum(case((_holds(group, facet, key), group.c.n), else_=0)) for facet, key in counters.values()]
    return select(literal("D"), group.c.day, group.c.assignee, *sums).group_by(group.c.day, group.c.assignee)


def _holds(lead: Any, facet: Facet, key: tuple[str, ...]) -> ColumnElement[bool]:
    c = lead.c
    if facet is Facet.SOURCE_STATUS:
        return and_(c.source == key[0], c.status == key[1])
    if facet is Facet.REACHED:
        return and_(c.stage_reached == key[0], c.status_kind != StageKind.SPAM.value)
    if facet is Facet.RESPONSE:
        return and_(c.unanswered == 0, c.bucket == int(key[0]))
    return and_(c.unanswered == 1, c.status_kind == StageKind.OPEN.value)


def _uncounted_keys(facet: Facet, counters: Counters, kind: ColumnElement[str]) -> Select[Any]:
    """Per day and assignee, the leads whose status (or furthest stage) no counter column holds: a
    stage outside the default pipeline, kept by key as the fold keeps it."""
    held = [key for f, key in counters.values() if f is facet]
    who = func.coalesce(leads.c.assignee_id, NOBODY)
    day = func.date(leads.c.created_at)
    first: ColumnElement[str]
    second: ColumnElement[str]
    where: ColumnElement[bool]
    if facet is Facet.SOURCE_STATUS:
        first, second = leads.c.source, leads.c.status
        where = tuple_(first, second).not_in(held) if held else true()
        grouped = [first, second]
    else:
        first, second = leads.c.stage_reached, literal("")
        where = and_(first.not_in([k[0] for k in held]), kind != StageKind.SPAM.value)
        grouped = [first]
    statement = select(who, literal("D"), day, literal(facet.value), first, second, func.count()).where(where)
    return statement.group_by(who, day, *grouped)


def _months(counters: Counters) -> Select[Any]:
    t = report_counts
    month = MonthStart(t.c.starts)
    sums = [func.sum(t.c[name]) for name in counters]
    return select(literal("M"), month, t.c.assignee_id, *sums).where(t.c.span == "D").group_by(month, t.c.assignee_id)


def _day_keys(facet: Facet, keys: tuple[str, ...], by_assignee: bool, exact: bool) -> Select[Any]:
    """A facet's leads per day and key, per assignee or for EVERYONE. On MariaDB keys are grouped
    byte for byte, as Python and SQLite compare them ('Solar' and 'solar' stay apart)."""
    day = func.date(leads.c.created_at)
    grouped = [leads.c[k].collate("utf8mb4_bin") if exact else leads.c[k] for k in keys]
    second = grouped[1] if len(grouped) > 1 else literal("")
    who = func.coalesce(leads.c.assignee_id, NOBODY) if by_assignee else literal(EVERYONE)
    statement = select(who, literal("D"), day, literal(facet.value), grouped[0], second, func.count())
    # The constant EVERYONE is not grouped by: MariaDB would read a number there as a column position.
    return statement.group_by(*([who] if by_assignee else []), day, *grouped)


def _month_keys() -> Select[Any]:
    t = report_keys
    month = MonthStart(t.c.starts)
    keys = (t.c.who, month, t.c.facet, t.c.first_key, t.c.second_key)
    return select(t.c.who, literal("M"), *keys[1:], func.sum(t.c.leads)).where(t.c.span == "D").group_by(*keys)
