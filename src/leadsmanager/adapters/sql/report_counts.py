"""Running counts for reports: every write of a lead adds to them, and they are read back as tallies.

Each lead counts once in the day row and once in the month row of the day it arrived, under its
assignee; its site, form and service also under EVERYONE. A change moves its counts from what it was
to what it is. It does not update the count rows itself: it inserts what it moves into
`report_pending`, in the same transaction as the change, so a report never sees half of it and
concurrent writers, which all touch the same day's rows, never wait on each other. Readers add the
pending rows to the counts; `fold` moves them into the counts every few seconds (the scheduler, or
`serve` on its own). Folding takes the rows it read by deleting them, so two folds never count a row
twice, and it locks the count rows in one order (counts, then keys, each sorted).
"""

from __future__ import annotations

import functools
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from datetime import date
from typing import Any, cast

from sqlalchemy import (
    ColumnElement,
    CursorResult,
    Row,
    and_,
    bindparam,
    delete,
    func,
    insert,
    or_,
    select,
    update,
)
from sqlalchemy.dialects.mysql import insert as mysql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session, sessionmaker

from leadsmanager.adapters.sql.errors import run
from leadsmanager.adapters.sql.report_spans import Spans, day_of, month_of
from leadsmanager.adapters.sql.tables import (
    COUNTER_OF,
    COUNTERS,
    EVERYONE,
    NOBODY,
    report_counts,
    report_keys,
    report_pending,
)
from leadsmanager.application.tallies import BY_ASSIGNEE, Counted, Facet, Tally
from leadsmanager.domain.errors import StorageError

SPANS = {"D": day_of, "M": month_of}
OUT_OF_STEP = "the report counts are out of step with the leads; run `leadsmanager db recount-reports`"
FOLD_BATCH = 5000

CountRow = tuple[str, date, int]  # span, starts, assignee
KeyRow = tuple[int, str, date, str, str, str]  # who, span, starts, facet, first key, second key


def record(session: Session, old: Counted | None, new: Counted | None) -> None:
    """Move a lead's counts from `old` (None: it is new) to `new`."""
    record_many(session, [(old, new)])


def record_many(session: Session, moves: Iterable[tuple[Counted | None, Counted | None]]) -> None:
    """Move many leads' counts at once (a sync's page): one pending row per counter or key they change,
    all in one INSERT."""
    counts: dict[CountRow, Counter[str]] = defaultdict(Counter)
    keys: Counter[KeyRow] = Counter()
    for sign, lead in ((sign, lead) for old, new in moves for sign, lead in ((-1, old), (1, new))):
        if lead is None:
            continue
        assignee = NOBODY if lead.assignee_id is None else lead.assignee_id
        for span, starts in ((s, of(lead.created_at)) for s, of in SPANS.items()):
            for facet, key in lead.facet_keys():
                if facet in BY_ASSIGNEE:
                    counts[(span, starts, assignee)][COUNTER_OF[(facet, key)]] += sign
                else:
                    first, second = (*key, "")[:2]
                    for who in (assignee, EVERYONE):
                        keys[(who, span, starts, facet.value, first, second)] += sign
    rows = [
        (assignee, span, starts, name, "", "", "", n)
        for (span, starts, assignee), changes in counts.items()
        for name, n in changes.items()
        if n
    ]
    rows += [
        (who, span, starts, "", facet, first, second, n)
        for (who, span, starts, facet, first, second), n in keys.items()
        if n
    ]
    if rows:
        run(session, _INSERT_PENDING, [dict(zip(_PENDING_COLUMNS, row, strict=True)) for row in rows])


_INSERT_PENDING = insert(report_pending)
_PENDING_COLUMNS = ("who", "span", "starts", "counter", "facet", "first_key", "second_key", "leads")


def fold(session: Session, batch: int = FOLD_BATCH) -> int:
    """Move up to `batch` of the oldest pending rows into the counts; the caller commits. Returns how
    many were folded: 0 also when another fold took some of them first (this one then changes nothing)."""
    rows: Sequence[Row[Any]] = run(session, _OLDEST_PENDING, {"batch": batch}).all()
    if not rows:
        return 0
    taken = cast(CursorResult[Any], run(session, _TAKE_PENDING, {"ids": [r.id for r in rows]}))
    if taken.rowcount != len(rows):
        session.rollback()
        return 0
    counts: dict[CountRow, Counter[str]] = defaultdict(Counter)
    keys: Counter[KeyRow] = Counter()
    for r in rows:
        if r.counter:
            counts[(r.span, r.starts, r.who)][r.counter] += r.leads
        else:
            keys[(r.who, r.span, r.starts, r.facet, r.first_key, r.second_key)] += r.leads
    for row, changes in sorted(counts.items()):
        _add_counts(session, row, {name: n for name, n in changes.items() if n})
    named = ("who", "span", "starts", "facet", "first_key", "second_key")
    _add_keys(session, [{**dict(zip(named, key, strict=True)), "leads": n} for key, n in sorted(keys.items()) if n])
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


_OLDEST_PENDING = select(report_pending).order_by(report_pending.c.id).limit(bindparam("batch"))
_TAKE_PENDING = delete(report_pending).where(report_pending.c.id.in_(bindparam("ids", expanding=True)))


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
    """Tallies added up from the day and month rows of `spans`."""
    if not spans.stored:
        return []
    return [
        *_counted(session, spans, facets, assignee_id),
        *_keyed(session, spans, facets - BY_ASSIGNEE, assignee_id),
    ]


def _within(table: Any, spans: Spans) -> ColumnElement[bool]:
    found = []
    if spans.months is not None:
        first, after = spans.months
        bounds = [table.c.starts >= first] if first is not None else []
        bounds += [table.c.starts < after] if after is not None else []
        found.append(and_(table.c.span == "M", *bounds))
    found += [and_(table.c.span == "D", table.c.starts >= a, table.c.starts < b) for a, b in spans.days]
    return or_(*found)


def _counted(session: Session, spans: Spans, facets: frozenset[Facet], assignee_id: int | None) -> Iterable[Tally]:
    names = [name for name, (facet, _) in COUNTERS.items() if facet in facets]
    if not names:
        return []
    t, p = report_counts, report_pending
    statement = select(t.c.assignee_id, *(func.sum(t.c[n]) for n in names)).where(_within(t, spans))
    pending = select(p.c.who, p.c.counter, func.sum(p.c.leads)).where(p.c.counter.in_(names), _within(p, spans))
    if assignee_id is not None:
        statement = statement.where(t.c.assignee_id == assignee_id)
        pending = pending.where(p.c.who == assignee_id)
    sums: Counter[tuple[int, str]] = Counter()
    for assignee, *counted in run(session, statement.group_by(t.c.assignee_id)):
        sums.update({(int(assignee), name): int(n) for name, n in zip(names, counted, strict=True) if n})
    for assignee, name, n in run(session, pending.group_by(p.c.who, p.c.counter)):
        sums[(int(assignee), name)] += int(n)
    return [
        Tally(COUNTERS[name][0], None if assignee == NOBODY else assignee, COUNTERS[name][1], n)
        for (assignee, name), n in sums.items()
        if n
    ]


def _keyed(session: Session, spans: Spans, facets: frozenset[Facet], assignee_id: int | None) -> Iterable[Tally]:
    if not facets:
        return []
    who = EVERYONE if assignee_id is None else assignee_id
    sums: Counter[tuple[str, str, str]] = Counter()
    for t in (report_keys, report_pending):
        columns = (t.c.facet, t.c.first_key, t.c.second_key)
        statement = select(*columns, func.sum(t.c.leads)).where(
            t.c.who == who, t.c.facet.in_([f.value for f in facets]), _within(t, spans)
        )
        for facet, first, second, n in run(session, statement.group_by(*columns)):
            sums[(facet, first, second)] += int(n)
    return [
        Tally(Facet(facet), None, (first, second) if facet == Facet.SITE_FORM.value else (first,), n)
        for (facet, first, second), n in sums.items()
        if n
    ]
