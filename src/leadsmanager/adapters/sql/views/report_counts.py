"""Running counts for reports: every write of a lead adds to them, and they are read back as tallies.

Each lead counts once in the day row and once in the month row of the day it arrived, under its
assignee; its site, form and service also under EVERYONE. A change moves its counts from what it was
to what it is. The write itself does not touch the count rows, which every lead of the day shares:
in the same transaction as the change it inserts into `report_pending` what the lead counted as
before (sign -1) and after (sign 1), so a report never sees half of a change and concurrent writers
never wait on each other. Readers add the pending rows in; `fold` moves them into the counts every
few seconds (the scheduler, or `serve` on its own). A fold takes the rows it read by deleting them,
so two folds never count a row twice, and it locks the count rows in one order (counts, then keys,
each sorted).
"""

from __future__ import annotations

import functools
from collections import Counter, defaultdict
from collections.abc import Iterable
from datetime import date
from typing import Any, cast

import attrs
from sqlalchemy import (
    ColumnElement,
    CursorResult,
    and_,
    bindparam,
    delete,
    func,
    insert,
    or_,
    select,
    true,
    update,
)
from sqlalchemy.dialects.mysql import insert as mysql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session, sessionmaker

from leadsmanager.adapters.sql.bulk_insert import BulkInsert, Writes
from leadsmanager.adapters.sql.errors import run
from leadsmanager.adapters.sql.tables import (
    COUNTER_OF,
    COUNTERS,
    EVERYONE,
    NOBODY,
    report_counts,
    report_keys,
    report_pending,
)
from leadsmanager.adapters.sql.views.report_spans import Spans, day_of, month_of
from leadsmanager.application.tallies import BY_ASSIGNEE, Counted, Facet, Tally, count
from leadsmanager.domain.errors import StorageError

SPANS = {"D": day_of, "M": month_of}
OUT_OF_STEP = "the report counts are out of step with the leads; run `leadsmanager db recount-reports`"
FOLD_BATCH = 5000
Move = tuple[int, Counted]  # +1: the lead counts so; -1: it no longer does
# A Counted's fields in their order, as the pending rows and the raw hours' SELECT hold them.
COUNTED_NAMES = tuple(a.name for a in attrs.fields(Counted))


def record(writes: Writes, old: Counted | None, new: Counted | None) -> None:
    """Move a lead's counts from `old` (None: it is new) to `new`."""
    record_many(writes, [(old, new)])


def record_many(writes: Writes, moves: Iterable[tuple[Counted | None, Counted | None]]) -> None:
    """Move many leads' counts at once (a sync's page), in one INSERT of pending rows."""
    rows = [
        _PENDING.stored((sign, day_of(lead.created_at).isoformat(), *_fields(lead)))
        for old, new in moves
        for sign, lead in ((-1, old), (1, new))
        if lead is not None
    ]
    _PENDING.queue(writes, rows)


def _fields(lead: Counted) -> tuple[Any, ...]:
    return tuple(getattr(lead, name) for name in COUNTED_NAMES)


# Plain multi-row INSERTs with each value converted once (a sync page writes a hundred of these rows).
_PENDING = BulkInsert(report_pending, ("sign", "day", *COUNTED_NAMES))
_PENDING_COUNTED = [report_pending.c[name] for name in COUNTED_NAMES]


def fold(session: Session, batch: int = FOLD_BATCH) -> int:
    """Move up to `batch` of the oldest pending rows into the counts; the caller commits. Returns how
    many were folded: 0 also when another fold took some of them first (this one then changes nothing)."""
    rows = run(session, _OLDEST_PENDING, {"batch": batch}).all()
    if not rows:
        return 0
    taken = cast(CursorResult[Any], run(session, _TAKE_PENDING, {"ids": [r.id for r in rows]}))
    if taken.rowcount != len(rows):
        session.rollback()
        return 0
    _apply(session, [(sign, Counted(*fields)) for _, sign, *fields in rows])
    return len(rows)


def fold_pending(sessions: sessionmaker[Session]) -> int:
    """Fold every pending row, a batch per transaction; returns how many were folded."""
    total = 0
    while True:
        with sessions() as session:
            folded = fold(session)
            session.commit()
        total += folded
        if folded < FOLD_BATCH:
            return total


_OLDEST_PENDING = (
    select(report_pending.c.id, report_pending.c.sign, *_PENDING_COUNTED)
    .order_by(report_pending.c.id)
    .limit(bindparam("batch"))
)
_TAKE_PENDING = delete(report_pending).where(report_pending.c.id.in_(bindparam("ids", expanding=True)))


def _apply(session: Session, moves: Iterable[Move]) -> None:
    """Add the moves to the day and month rows they fall in: each row they share is written once."""
    counts: dict[tuple[str, date, int], Counter[str]] = defaultdict(Counter)
    keys: Counter[tuple[int, str, date, str, str, str]] = Counter()
    for sign, lead in moves:
        assignee = NOBODY if lead.assignee_id is None else lead.assignee_id
        for span, starts in ((s, of(lead.created_at)) for s, of in SPANS.items()):
            for facet, key in lead.facet_keys():
                name = COUNTER_OF.get((facet, key))
                if name is not None:
                    counts[(span, starts, assignee)][name] += sign
                    continue
                first, second = (*key, "")[:2]
                # A status no counter column holds (a stage outside the default pipeline) is kept by
                # key, under its assignee only: those facets are read per assignee.
                for who in (assignee,) if facet in BY_ASSIGNEE else (assignee, EVERYONE):
                    keys[(who, span, starts, facet.value, first, second)] += sign
    for row, changes in sorted(counts.items()):
        _add_counts(session, row, {name: n for name, n in changes.items() if n})
    named = ("who", "span", "starts", "facet", "first_key", "second_key")
    _add_keys(session, [{**dict(zip(named, key, strict=True)), "leads": n} for key, n in sorted(keys.items()) if n])


def _add_counts(session: Session, row: tuple[str, date, int], changes: dict[str, int]) -> None:
    if not changes:
        return
    span, starts, assignee = row
    names = tuple(sorted(changes))
    params = {"row_span": span, "row_starts": starts, "row_assignee": assignee}
    params |= {f"add_{name}": changes[name] for name in names}
    if cast(CursorResult[Any], run(session, _move_counts(names), params)).rowcount == 0:
        if min(changes.values()) < 0:
            raise StorageError(OUT_OF_STEP)
        zeros = dict.fromkeys(COUNTERS, 0)
        values = {"span": span, "starts": starts, "assignee_id": assignee, **zeros, **changes}
        run(session, _INSERT_COUNTS, values)


_INSERT_COUNTS = insert(report_counts)


@functools.cache
def _move_counts(names: tuple[str, ...]) -> Any:
    """The UPDATE that adds to these counters, built once per set of counters (a few kinds of change
    recur): building it per write cost more CPU than the rest of an intake."""
    t = report_counts
    where = (
        t.c.span == bindparam("row_span"),
        t.c.starts == bindparam("row_starts"),
        t.c.assignee_id == bindparam("row_assignee"),
    )
    return update(t).where(*where).values({name: t.c[name] + bindparam(f"add_{name}") for name in names})


def _add_keys(session: Session, rows: list[dict[str, Any]]) -> None:
    """Each row adds its leads to the stored row with its key, or is stored. An intake's few rows go
    through one statement built once per dialect (building one per write cost more CPU than the rest
    of an intake); a sync page's many rows through one multi-row statement of their own."""
    if not rows:
        return
    dialect = session.get_bind().dialect.name
    if len(rows) > FEW_KEY_ROWS:
        run(session, _upsert_keys(dialect, rows))
    else:
        run(session, _upsert_key(dialect), rows)


FEW_KEY_ROWS = 16


@functools.cache
def _upsert_key(dialect: str) -> Any:
    return _upsert_keys(dialect, None)


def _upsert_keys(dialect: str, rows: list[dict[str, Any]] | None) -> Any:
    """With `rows`, a statement that holds them; without, one to execute with each row's values."""
    t = report_keys
    if dialect in ("mysql", "mariadb"):
        mine = mysql_insert(t) if rows is None else mysql_insert(t).values(rows)
        return mine.on_duplicate_key_update(leads=t.c.leads + mine.inserted.leads)
    lite = sqlite_insert(t) if rows is None else sqlite_insert(t).values(rows)
    key = [c.name for c in t.primary_key.columns]
    return lite.on_conflict_do_update(index_elements=key, set_={"leads": t.c.leads + lite.excluded.leads})


def stored_tallies(session: Session, spans: Spans, facets: frozenset[Facet], assignee_id: int | None) -> list[Tally]:
    """Tallies added up from the day and month rows of `spans`, and the pending rows of those days."""
    if not spans.stored:
        return []
    sums: Counter[tuple[Facet, int | None, tuple[str, ...]]] = Counter()
    for tally in (
        *_counted(session, spans, facets, assignee_id),
        *_keyed(session, spans, facets - BY_ASSIGNEE, assignee_id),
        *_keyed_by_assignee(session, spans, facets & KEYED_BY_ASSIGNEE, assignee_id),
        *_pending(session, spans, facets, assignee_id),
    ):
        sums[(tally.facet, tally.assignee_id, tally.key)] += tally.leads
    return [Tally(facet, who, key, n) for (facet, who, key), n in sums.items() if n]


def _within(table: Any, spans: Spans) -> ColumnElement[bool]:
    found = []
    if spans.months is not None:
        first, after = spans.months
        bounds = [table.c.starts >= first] if first is not None else []
        bounds += [table.c.starts < after] if after is not None else []
        found.append(and_(table.c.span == "M", *bounds))
    found += [and_(table.c.span == "D", table.c.starts >= a, table.c.starts < b) for a, b in spans.days]
    return or_(*found)


def _days_within(day: ColumnElement[date], spans: Spans) -> ColumnElement[bool]:
    """The days that the spans' months and days hold."""
    found = []
    if spans.months is not None:
        first, after = spans.months
        bounds = [day >= first] if first is not None else []
        bounds += [day < after] if after is not None else []
        found.append(and_(true(), *bounds))
    found += [and_(day >= a, day < b) for a, b in spans.days]
    return or_(*found)


def _pending(session: Session, spans: Spans, facets: frozenset[Facet], assignee_id: int | None) -> list[Tally]:
    p = report_pending
    statement = select(p.c.sign, *_PENDING_COUNTED).where(_days_within(p.c.day, spans))
    if assignee_id is not None:
        statement = statement.where(p.c.assignee_id == assignee_id)
    moves: dict[int, list[Counted]] = {1: [], -1: []}
    for sign, *fields in run(session, statement):
        moves[sign].append(Counted(*fields))
    return [
        *count(moves[1], facets),
        *(Tally(t.facet, t.assignee_id, t.key, -t.leads) for t in count(moves[-1], facets)),
    ]


def _counted(session: Session, spans: Spans, facets: frozenset[Facet], assignee_id: int | None) -> Iterable[Tally]:
    names = [name for name, (facet, _) in COUNTERS.items() if facet in facets]
    if not names:
        return []
    t = report_counts
    statement = select(t.c.assignee_id, *(func.sum(t.c[n]) for n in names)).where(_within(t, spans))
    if assignee_id is not None:
        statement = statement.where(t.c.assignee_id == assignee_id)
    found = []
    for assignee, *sums in run(session, statement.group_by(t.c.assignee_id)):
        who = None if assignee == NOBODY else int(assignee)
        for name, n in zip(names, sums, strict=True):
            facet, key = COUNTERS[name]
            if n:
                found.append(Tally(facet, who, key, int(n)))
    return found


def _keyed(session: Session, spans: Spans, facets: frozenset[Facet], assignee_id: int | None) -> Iterable[Tally]:
    if not facets:
        return []
    t = report_keys
    who = EVERYONE if assignee_id is None else assignee_id
    columns = (t.c.facet, t.c.first_key, t.c.second_key)
    statement = select(*columns, func.sum(t.c.leads)).where(
        t.c.who == who, t.c.facet.in_([f.value for f in facets]), _within(t, spans)
    )
    found = []
    for facet, first, second, n in run(session, statement.group_by(*columns)):
        if n:
            found.append(Tally(Facet(facet), None, _key(facet, first, second), int(n)))
    return found


# The facets split by assignee whose keys may lack a counter column: any stage key of a pipeline.
KEYED_BY_ASSIGNEE = frozenset({Facet.SOURCE_STATUS, Facet.REACHED})


def _key(facet: str, first: str, second: str) -> tuple[str, ...]:
    return (first, second) if facet in (Facet.SITE_FORM.value, Facet.SOURCE_STATUS.value) else (first,)


def _keyed_by_assignee(
    session: Session, spans: Spans, facets: frozenset[Facet], assignee_id: int | None
) -> Iterable[Tally]:
    """The per-assignee keys that no counter column holds, stored in report_keys under each assignee."""
    if not facets:
        return []
    t = report_keys
    columns = (t.c.who, t.c.facet, t.c.first_key, t.c.second_key)
    mine = t.c.who != EVERYONE if assignee_id is None else t.c.who == assignee_id
    statement = select(*columns, func.sum(t.c.leads)).where(
        mine, t.c.facet.in_([f.value for f in facets]), _within(t, spans)
    )
    found = []
    for who, facet, first, second, n in run(session, statement.group_by(*columns)):
        if n:
            assignee = None if who == NOBODY else int(who)
            found.append(Tally(Facet(facet), assignee, _key(facet, first, second), int(n)))
    return found
