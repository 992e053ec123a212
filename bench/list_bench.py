"""Time every lead list page through the real SQL read views, and show how MariaDB runs each one.

    .venv/bin/python bench/seed.py          # once: 1,000,000 leads into leadsmanager_bench
    .venv/bin/python bench/list_bench.py    # 200 timed pages per case after 20 warm-up pages

The database is LEADSMANAGER_BENCH_MYSQL_URL (default
mysql+pymysql://root@127.0.0.1:3306/leadsmanager_bench). Each timed call is
`views.list(LeadQuery(...))` in a fresh SqlLeadViews, as a web request makes it: it
includes checking a connection out of the pool, the query, and turning the rows into 50 Lead objects.
Cases whose parameters can vary (employee, surname, phone, month, ...) rotate through several values
so that the same few index pages are not the only ones ever read.

For the first parameter set of each case the SQL the repository sent is captured and run again
under EXPLAIN and under MariaDB's ANALYZE FORMAT=JSON (which executes it and counts the rows each
step really read); a case is flagged when the plan scans a whole table or index, sorts many rows,
or reads far more rows than the page shows.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from attrs import evolve
from sqlalchemy import Engine, bindparam, event, func, select, text

from leadsmanager.adapters.sql.engine import make_engine, make_session_factory
from leadsmanager.adapters.sql.tables import leads
from leadsmanager.adapters.sql.views.leads import SqlLeadViews
from leadsmanager.adapters.sql.views.list_pages import filtered as _filtered  # to count a case's matches: same WHERE
from leadsmanager.adapters.sql.views.search_memory import SearchMemory
from leadsmanager.application.queries import DEFAULT_PAGE_SIZE, Cursor, LeadPage, LeadQuery
from leadsmanager.domain.lead import Channel
from leadsmanager.domain.search import words
from leadsmanager.domain.status import LeadStatus

DEFAULT_URL = "mysql+pymysql://root@127.0.0.1:3306/leadsmanager_bench"
URL_ENV = "LEADSMANAGER_BENCH_MYSQL_URL"
TARGET_MS = 20.0
OPEN = (LeadStatus.NEW, LeadStatus.CONTACTED, LeadStatus.QUALIFIED, LeadStatus.PROPOSAL)
DEEP_PAGES = 200

# A plan is flagged when a step reads more rows than this (a page shows DEFAULT_PAGE_SIZE).
MANY_ROWS = 5_000


@dataclass
class Case:
    name: str
    queries: list[LeadQuery]
    extra: bool = False  # not in the list; a harder variant worth watching


@dataclass
class Plan:
    explain: list[dict[str, Any]]
    analyze: dict[str, Any]
    examined: int = 0
    sql_ms: float = 0.0
    flags: list[str] = field(default_factory=list)


@dataclass
class Result:
    case: Case
    timings: list[float]
    sql_timings: list[float]
    matches: int | None
    plan: Plan | None
    by_variant: dict[int, list[float]] = field(default_factory=dict)

    def slowest(self) -> tuple[LeadQuery, float]:
        index, times = max(self.by_variant.items(), key=lambda kv: statistics.median(kv[1]))
        return self.case.queries[index], statistics.median(times)

    @property
    def median(self) -> float:
        return statistics.median(self.timings)

    def percentile(self, p: int) -> float:
        if len(self.timings) < 2:
            return self.timings[0]
        return statistics.quantiles(self.timings, n=100, method="inclusive")[p - 1]


class Recorder:
    """Keeps the SELECTs one list call sent, exactly as the driver received them (a search sends two:
    the capped term counts, then the page)."""

    def __init__(self, engine: Engine) -> None:
        self.statements: list[tuple[str, Any]] = []
        self.active = False
        event.listen(engine, "before_cursor_execute", self._record)

    def _record(self, _conn: Any, _cursor: Any, statement: str, parameters: Any, _context: Any, _many: bool) -> None:
        if self.active and statement.lstrip().upper().startswith("SELECT"):
            self.statements.append((statement, parameters))

    def capture(self, run: Callable[[], object]) -> list[tuple[str, Any]]:
        self.statements, self.active = [], True
        try:
            run()
        finally:
            self.active = False
        if not self.statements:
            raise RuntimeError("the list call sent no SELECT")
        return self.statements


# ---------------------------------------------------------------------------------------------
# Cases


def build_cases(engine: Engine, list_page: Callable[[LeadQuery], LeadPage], rng: random.Random) -> list[Case]:
    with engine.connect() as conn:
        staff = conn.execute(text("SELECT id, role FROM users WHERE role IN ('employee', 'manager') ORDER BY id")).all()
        site_forms = [
            (r[0], r[1]) for r in conn.execute(text("SELECT DISTINCT site, form_id FROM leads WHERE site <> ''"))
        ]
        services = [r[0] for r in conn.execute(text("SELECT DISTINCT service FROM leads WHERE service <> ''"))]
        first, last, top = conn.execute(text("SELECT MIN(created_at), MAX(created_at), MAX(id) FROM leads")).one()
        ids = sorted(rng.sample(range(1, top + 1), min(top, 60)))
        by_id = text("SELECT contact_name, email, phone FROM leads WHERE id IN :ids ORDER BY id")
        sample = conn.execute(by_id.bindparams(bindparam("ids", expanding=True)), {"ids": ids}).all()
    employees = [r[0] for r in staff if r[1] == "employee"]
    if not employees or not sample:
        raise SystemExit("the database holds no employees or no leads: run bench/seed.py first")

    surnames = [r[0].split()[-1] for r in sample][:20]
    prefixes = list(dict.fromkeys(w[:3] for s in surnames for w in words(s)[-1:]))
    phones = ["".join(c for c in r[2] if c.isdigit())[-7:] for r in sample if r[2]][:20]
    locals_ = [r[1].partition("@")[0] for r in sample if r[1]][:20]
    addresses = [r[1] for r in sample if r[1]][:20]
    months = list(_months(first, last))[1:-1][-12:]

    contacted, lost = LeadQuery(statuses=(LeadStatus.CONTACTED,)), LeadQuery(statuses=(LeadStatus.LOST,))
    web = LeadQuery(source=Channel.WEB_FORM)
    far = max(1, min(100_000, top // 10))  # leads skipped: about 2,000 pages of 50 at 1M leads
    far_pages = f"~{far // DEFAULT_PAGE_SIZE:,} pages in"
    one_status = (LeadStatus.NEW, LeadStatus.CONTACTED, LeadStatus.WON)
    channels = (Channel.API, Channel.WEB_FORM, Channel.MANUAL, Channel.WORDPRESS)

    return [
        Case("first page, no filter", [LeadQuery()]),
        Case("status (new / contacted / won)", [LeadQuery(statuses=(s,)) for s in one_status]),
        Case("assignee (each employee and manager)", [LeadQuery(assignee_id=r[0]) for r in staff]),
        Case("assignee + open statuses (employee queue)", [LeadQuery(assignee_id=e, statuses=OPEN) for e in employees]),
        Case("source", [LeadQuery(source=c) for c in channels]),
        Case("site + form", [LeadQuery(site=s, form_id=f) for s, f in site_forms]),
        Case("service", [LeadQuery(service=s) for s in services]),
        Case("created in one month", [LeadQuery(created_from=a, created_to=b) for a, b in months]),
        Case("search surname", [LeadQuery(search=s) for s in surnames]),
        Case("search phone suffix (7 digits)", [LeadQuery(search=p) for p in phones]),
        Case("search email fragment (local part)", [LeadQuery(search=e) for e in locals_]),
        Case(f"deep page ({DEEP_PAGES} pages in), status = contacted", [_follow(list_page, contacted, DEEP_PAGES)]),
        Case("two statuses (new, contacted)", [LeadQuery(statuses=(LeadStatus.NEW, LeadStatus.CONTACTED))]),
        # Harder variants of the same screens.
        Case(
            "assignee + one status",
            [LeadQuery(assignee_id=e, statuses=(LeadStatus.CONTACTED,)) for e in employees],
            True,
        ),
        Case("unassigned + new (triage queue)", [LeadQuery(unassigned=True, statuses=(LeadStatus.NEW,))], True),
        Case(f"deep page ({far_pages}), status = lost", [_cursor_at(engine, lost, far)], True),
        Case(f"deep page ({far_pages}), source = web_form", [_cursor_at(engine, web, far)], True),
        Case("search as you type (3-letter prefix)", [LeadQuery(search=p) for p in prefixes], True),
        Case("search whole email address", [LeadQuery(search=a) for a in addresses], True),
        Case("search common word (gmail)", [LeadQuery(search="gmail")], True),
        Case(
            "employee queue + search surname",
            [
                LeadQuery(assignee_id=employees[i % len(employees)], statuses=OPEN, search=s)
                for i, s in enumerate(surnames)
            ],
            True,
        ),
        # Sorted by score, best first (the list's "best score first").
        Case("by score: no filter", [LeadQuery(by_score=True)], True),
        Case("by score: new leads (triage)", [LeadQuery(by_score=True, statuses=(LeadStatus.NEW,))], True),
        Case("by score: an employee's leads", [LeadQuery(by_score=True, assignee_id=e) for e in employees], True),
        Case(
            "by score: an employee's open leads",
            [LeadQuery(by_score=True, assignee_id=e, statuses=OPEN) for e in employees],
            True,
        ),
        Case("by score: source", [LeadQuery(by_score=True, source=c) for c in channels], True),
        Case(
            f"by score: deep page ({DEEP_PAGES} pages in)",
            [_follow(list_page, LeadQuery(by_score=True), DEEP_PAGES)],
            True,
        ),
        Case("by score: search surname", [LeadQuery(by_score=True, search=s) for s in surnames], True),
    ]


def _cursor_at(engine: Engine, query: LeadQuery, offset: int) -> LeadQuery:
    """The query continued after its first `offset` leads, as if someone had paged that far."""
    statement = _filtered(select(leads.c.created_at, leads.c.id), query).limit(1).offset(offset)
    with engine.connect() as conn:
        row = conn.execute(statement).one()
    return evolve(query, after=Cursor(row.created_at, row.id))


def _months(first: datetime, last: datetime) -> Iterator[tuple[datetime, datetime]]:
    year, month = first.year, first.month
    while (year, month) <= (last.year, last.month):
        start = datetime(year, month, 1, tzinfo=UTC)
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
        yield start, datetime(year, month, 1, tzinfo=UTC)


def _follow(list_page: Callable[[LeadQuery], LeadPage], query: LeadQuery, pages: int) -> LeadQuery:
    """The query `pages` pages in, reached the way a person gets there: following each page's cursor."""
    for _ in range(pages):
        page = list_page(query)
        if page.next_cursor is None:
            break
        query = evolve(query, after=page.next_cursor)
    return query


# ---------------------------------------------------------------------------------------------
# Plans


def explain(engine: Engine, statement: str, parameters: Any) -> Plan:
    raw = engine.raw_connection()
    try:
        cursor = raw.cursor()
        cursor.execute("EXPLAIN " + statement, parameters)
        names = [d[0] for d in cursor.description]
        rows = [dict(zip(names, r, strict=True)) for r in cursor.fetchall()]
        cursor.execute("ANALYZE FORMAT=JSON " + statement, parameters)
        analyzed = json.loads(cursor.fetchone()[0])
        raw.rollback()
    finally:
        raw.close()
    plan = Plan(rows, analyzed)
    _judge(plan)
    return plan


def _tables(node: Any) -> Iterator[dict[str, Any]]:
    if isinstance(node, dict):
        table = node.get("table")
        if isinstance(table, dict) and "table_name" in table:
            yield table
        for value in node.values():
            yield from _tables(value)
    elif isinstance(node, list):
        for value in node:
            yield from _tables(value)


def _sorts(node: Any) -> Iterator[dict[str, Any]]:
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "filesort" and isinstance(value, dict):
                yield value
            yield from _sorts(value)
    elif isinstance(node, list):
        for value in node:
            yield from _sorts(value)


def _read(table: dict[str, Any]) -> int:
    return round(float(table.get("r_rows") or 0) * float(table.get("r_loops") or 0))


def _judge(plan: Plan) -> None:
    block = plan.analyze.get("query_block", {})
    plan.sql_ms = float(block.get("r_total_time_ms") or 0.0)
    tables = list(_tables(block))
    plan.examined = sum(_read(t) for t in tables)
    for table in tables:
        name, access, read = table["table_name"], table.get("access_type"), _read(table)
        if name.startswith("<") and read > MANY_ROWS:
            plan.flags.append(f"scans {read:,} rows of the materialized {name}")
        elif access == "ALL" and read > MANY_ROWS:
            plan.flags.append(f"full table scan of {name} ({read:,} rows)")
        elif access == "index" and read > MANY_ROWS:
            plan.flags.append(f"full index scan of {name} via {table.get('key')} ({read:,} rows)")
        elif read > MANY_ROWS:
            plan.flags.append(f"reads {read:,} rows of {name} via {table.get('key')} ({access})")
    for sort in _sorts(block):
        sorted_rows = sum(_read(t) for t in _tables(sort))
        if sorted_rows > MANY_ROWS:
            plan.flags.append(f"filesort above {sorted_rows:,} rows read")
    for row in plan.explain:
        extra = row.get("Extra") or ""
        estimate = int(row.get("rows") or 0)
        if "Using temporary" in extra and estimate > MANY_ROWS:
            plan.flags.append(f"temporary table on {row['table']} (~{estimate:,} rows)")


def _combined(parts: list[Plan]) -> Plan:
    """One call's statements as one plan: the page's EXPLAIN, with rows read and time summed over all."""
    page = parts[-1]
    flags = [flag for part in parts for flag in part.flags]
    return Plan(page.explain, page.analyze, sum(p.examined for p in parts), sum(p.sql_ms for p in parts), flags)


def print_plan(title: str, statement: str, parameters: Any, plan: Plan) -> None:
    print(f"\n### {title}")
    print(_inline(statement, parameters))
    columns = ["id", "select_type", "table", "type", "key", "key_len", "ref", "rows", "filtered", "Extra"]
    widths = {c: max(len(c), *(len(str(r.get(c))) for r in plan.explain)) for c in columns}
    print("  " + " | ".join(c.ljust(widths[c]) for c in columns))
    for r in plan.explain:
        print("  " + " | ".join(str(r.get(c)).ljust(widths[c]) for c in columns))
    reads = ", ".join(
        f"{t['table_name']} {t.get('access_type')}/{t.get('key')}: {_read(t):,}" for t in _tables(plan.analyze)
    )
    sorts = list(_sorts(plan.analyze))
    sort_note = ""
    if sorts:
        s = sorts[0]
        sort_note = f"; filesort priority_queue={s.get('r_used_priority_queue')} output={s.get('r_output_rows')}"
    print(f"  ANALYZE: {plan.sql_ms:.2f} ms server time; rows read: {reads}{sort_note}")
    print("  FLAGGED: " + "; ".join(plan.flags) if plan.flags else "  plan ok")


def _inline(statement: str, parameters: Any) -> str:
    """The statement with its parameters filled in, for reading only."""
    if isinstance(parameters, dict):
        values: Any = {k: _literal(v) for k, v in parameters.items()}
    else:
        values = tuple(_literal(v) for v in parameters or ())
    try:
        return " ".join((statement % values).split())
    except (TypeError, ValueError):
        return " ".join(statement.split()) + f"  -- {parameters!r}"


def _literal(value: Any) -> str:
    if isinstance(value, int | float):
        return str(value)
    return "'" + str(value).replace("'", "''") + "'"


# ---------------------------------------------------------------------------------------------
# Timing


def run_case(
    case: Case,
    engine: Engine,
    list_page: Callable[[LeadQuery], LeadPage],
    recorder: Recorder,
    iterations: int,
    warmup: int,
    budget: float,
    plans: bool,
) -> Result:
    queries = case.queries
    # One call per parameter set captures its SQL; these calls double as the first warm-up round.
    calls = [recorder.capture(lambda q=q: list_page(q)) for q in queries]
    plan = None
    if plans:
        parts = [explain(engine, *statement) for statement in calls[0]]
        for number, (statement, part) in enumerate(zip(calls[0], parts, strict=True), start=1):
            title = case.name if len(parts) == 1 else f"{case.name} (statement {number} of {len(parts)})"
            print_plan(title, *statement, part)
        plan = _combined(parts)
    with engine.connect() as conn:
        matches = conn.execute(_filtered(select(func.count()).select_from(leads), queries[0]).order_by(None)).scalar()

    for i in range(warmup):
        list_page(queries[i % len(queries)])
    timings: list[float] = []
    by_variant: dict[int, list[float]] = {}
    deadline = time.perf_counter() + budget
    for i in range(iterations):
        index = i % len(queries)
        began = time.perf_counter()
        list_page(queries[index])
        elapsed = (time.perf_counter() - began) * 1000
        timings.append(elapsed)
        by_variant.setdefault(index, []).append(elapsed)
        if time.perf_counter() > deadline and len(timings) >= 20:
            break

    # The same SQL straight through the driver: what the database costs without the repository.
    sql_timings: list[float] = []
    raw = engine.raw_connection()
    try:
        cursor = raw.cursor()
        for i in range(min(len(timings), 50)):
            began = time.perf_counter()
            for statement, parameters in calls[i % len(calls)]:
                cursor.execute(statement, parameters)
                cursor.fetchall()
            sql_timings.append((time.perf_counter() - began) * 1000)
        raw.rollback()
    finally:
        raw.close()
    return Result(case, timings, sql_timings, matches, plan, by_variant)


def describe(query: LeadQuery) -> str:
    parts = []
    if query.statuses:
        parts.append("status=" + ",".join(s.value for s in query.statuses))
    for name in ("assignee_id", "source", "site", "form_id", "service", "created_from", "created_to"):
        value = getattr(query, name)
        if value is not None:
            parts.append(f"{name}={value.isoformat()[:10] if isinstance(value, datetime) else value}")
    if query.unassigned:
        parts.append("unassigned")
    if query.search:
        parts.append(f"search={query.search!r}")
    if query.by_score:
        parts.append("by score")
    if query.after is not None and query.after.score is not None:
        parts.append(f"after=(score {query.after.score}, {query.after.id})")
    elif query.after is not None:
        parts.append(f"after=({query.after.created_at:%Y-%m-%d %H:%M}, {query.after.id})")
    return " ".join(parts) or "no filter"


def markdown(results: list[Result]) -> str:
    lines = [
        "| case | params | matching leads (1st) | median ms | p95 ms | p99 ms | SQL only, median ms "
        f"| rows read (1st) | pages | p99 < {TARGET_MS:.0f} ms |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|:-:|",
    ]
    for r in results:
        name = r.case.name + (" *(extra)*" if r.case.extra else "")
        matches = "—" if r.matches is None else f"{r.matches:,}"
        read = "—" if r.plan is None else f"{r.plan.examined:,}"
        ok = "yes" if r.percentile(99) < TARGET_MS else "**no**"
        lines.append(
            f"| {name} | {len(r.case.queries)} | {matches} | {r.median:.2f} | {r.percentile(95):.2f} "
            f"| {r.percentile(99):.2f} | {statistics.median(r.sql_timings):.2f} | {read} | {len(r.timings)} | {ok} |"
        )
    lines += ["", "Slowest parameter set of each case that rotates through several (median of its own pages):", ""]
    for r in results:
        if len(r.case.queries) > 1:
            query, median = r.slowest()
            lines.append(f"- {r.case.name}: {describe(query)} — {median:.2f} ms")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--iterations", type=int, default=200)
    parser.add_argument("--warmup", type=int, default=20)
    parser.add_argument("--budget", type=float, default=30.0, help="seconds per case before stopping early")
    parser.add_argument("--only", default="", help="run only cases whose name contains this")
    parser.add_argument("--no-plans", action="store_true", help="skip EXPLAIN / ANALYZE")
    parser.add_argument("--seed", type=int, default=7, help="which sample leads the searches look for")
    args = parser.parse_args(argv)

    url = os.environ.get(URL_ENV, DEFAULT_URL)
    engine = make_engine(url)
    factory = make_session_factory(engine, read_only=True)
    recorder = Recorder(engine)

    memory = SearchMemory()  # one for the process, as the container builds it

    def list_page(query: LeadQuery) -> LeadPage:
        with SqlLeadViews(factory, memory) as views:
            return views.list(query)

    with engine.connect() as conn:
        total = conn.execute(text("SELECT COUNT(*) FROM leads")).scalar_one()
        version = conn.execute(text("SELECT VERSION()")).scalar_one()
        pool = conn.execute(text("SELECT @@innodb_buffer_pool_size")).scalar_one()
    print(f"{url}: {total:,} leads; server {version}; innodb_buffer_pool_size {int(pool) // 2**20} MiB")
    print(f"{args.iterations} timed pages per case after {args.warmup} warm-up pages; page size {DEFAULT_PAGE_SIZE}")

    began = time.perf_counter()
    cases = build_cases(engine, list_page, random.Random(args.seed))
    print(f"cases built in {time.perf_counter() - began:.1f} s (includes following {DEEP_PAGES} pages)")
    results = []
    for case in cases:
        if args.only and args.only.lower() not in case.name.lower():
            continue
        result = run_case(
            case, engine, list_page, recorder, args.iterations, args.warmup, args.budget, not args.no_plans
        )
        print(
            f"  -> {case.name}: median {result.median:.2f} ms, p95 {result.percentile(95):.2f} ms, "
            f"p99 {result.percentile(99):.2f} ms over {len(result.timings)} pages",
            flush=True,
        )
        results.append(result)

    print("\n## Results\n")
    print(markdown(results))
    flagged = [r for r in results if r.plan is not None and r.plan.flags]
    if flagged:
        print("\n## Flagged plans\n")
        for r in flagged:
            print(f"- {r.case.name}: " + "; ".join(r.plan.flags if r.plan else []))
    slow = [r.case.name for r in results if r.percentile(99) >= TARGET_MS]
    print(f"\n{len(results) - len(slow)} of {len(results)} cases have p99 under {TARGET_MS:.0f} ms")
    if slow:
        print("over target: " + ", ".join(slow))
    engine.dispose()
    return 1 if slow else 0


if __name__ == "__main__":
    sys.exit(main())
