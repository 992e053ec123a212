"""Time the reports dashboard at 1,000,000 leads on MariaDB: its queries, and the whole page over HTTP.

    .venv/bin/python bench/seed.py            # once: 1,000,000 leads into leadsmanager_bench
    .venv/bin/python bench/report_bench.py    # about a minute; exits 1 if a page's p99 is 200 ms or more

The database is LEADSMANAGER_BENCH_MYSQL_URL (default mysql+pymysql://root@127.0.0.1:3306/leadsmanager_bench).
Each case is a period (the last 30 days, the last 12 months, all time, ending with the seed's last day)
for a viewer (a manager: everyone's leads; an employee: their own) in a time zone (UTC, whose days
are the stored days, and Europe/Madrid, whose midnights fall inside them).

- *queries*: one call of the Reports use case in a fresh unit of work, as the page makes it: every
  SQL statement (counted) and the arithmetic that turns counts into figures.
- *page*: GET /reports through the real app in-process (Starlette's TestClient, signed in): session,
  queries, tables, SVG charts and the template.
"""

from __future__ import annotations

import argparse
import os
import re
import statistics
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from tempfile import TemporaryDirectory
from urllib.parse import urlencode
from zoneinfo import ZoneInfo

from dependency_injector import providers
from sqlalchemy import event, text
from starlette.testclient import TestClient

from leadsmanager.application.reports import ReportQuery
from leadsmanager.domain.actor import Actor
from leadsmanager.domain.period import Period
from leadsmanager.domain.roles import Role
from leadsmanager.entrypoints.bootstrap.container import Container, build
from leadsmanager.entrypoints.bootstrap.settings import Settings
from leadsmanager.entrypoints.web.app import create_app

DEFAULT_URL = "mysql+pymysql://root@127.0.0.1:3306/leadsmanager_bench"
URL_ENV = "LEADSMANAGER_BENCH_MYSQL_URL"
TARGET_MS = 200.0
NOW = datetime(2025, 11, 1, tzinfo=UTC)  # the seed's END: its newest lead arrived just before
LAST_DAY = date(2025, 10, 31)
PASSWORD = "bench-password"  # seed.py gives every user this one
CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')
ZONES = ("UTC", "Europe/Madrid")
PERIODS: dict[str, tuple[date | None, date | None]] = {
    "30 days": (LAST_DAY - timedelta(days=29), LAST_DAY),
    "12 months": (LAST_DAY - timedelta(days=364), LAST_DAY),
    "all time": (None, None),
}


class FixedClock:
    def now(self) -> datetime:
        return NOW


@dataclass
class Result:
    name: str
    leads: int
    statements: int
    queries: list[float] = field(default_factory=list)
    page: list[float] = field(default_factory=list)


def percentile(values: list[float], p: int) -> float:
    return statistics.quantiles(values, n=100, method="inclusive")[p - 1] if len(values) > 1 else values[0]


def timed(run: Callable[[], object], iterations: int, warmup: int) -> list[float]:
    for _ in range(warmup):
        run()
    found = []
    for _ in range(iterations):
        began = time.perf_counter()
        run()
        found.append((time.perf_counter() - began) * 1000)
    return found


def app_for(url: str, folder: Path) -> Container:
    settings = Settings(
        data_dir=folder,
        database_url=url,
        redis_url=None,
        phone_region="US",
        secret_key="report benchmark secret that is long enough",
        allowed_hosts=("testserver",),
    )
    container = build(settings)
    container.clock.override(providers.Object(FixedClock()))
    return container


def signed_in(container: Container, email: str) -> TestClient:
    client = TestClient(create_app(container), follow_redirects=False).__enter__()
    found = CSRF.search(client.get("/login").text)
    assert found, "the login page has no CSRF token"
    answer = client.post("/login", data={"email": email, "password": PASSWORD, "csrf_token": found.group(1)})
    if answer.status_code != 303:
        raise SystemExit(f"could not sign in as {email}: {answer.status_code}")
    return client


def viewers(container: Container) -> dict[str, tuple[Actor, str]]:
    """The first manager, and the employee with the most leads."""
    with container.engine().connect() as connection:
        manager = connection.execute(text("SELECT id, email FROM users WHERE role = 'manager' ORDER BY id")).first()
        employee = connection.execute(
            text(
                "SELECT u.id, u.email FROM users u JOIN leads l ON l.assignee_id = u.id WHERE u.role = 'employee' "
                "GROUP BY u.id, u.email ORDER BY COUNT(*) DESC LIMIT 1"
            )
        ).first()
    if manager is None or employee is None:
        raise SystemExit("the database has no manager or no employee with leads: run bench/seed.py first")
    return {
        "manager": (Actor(manager.id, Role.MANAGER, "manager"), manager.email),
        "employee": (Actor(employee.id, Role.EMPLOYEE, "employee"), employee.email),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--iterations", type=int, default=50)
    parser.add_argument("--warmup", type=int, default=5)
    parser.add_argument("--url", default=os.environ.get(URL_ENV, DEFAULT_URL))
    args = parser.parse_args(argv)
    with TemporaryDirectory(prefix="leadsmanager-report-bench-") as folder:
        container = app_for(args.url, Path(folder))
        try:
            results = run(container, args.iterations, args.warmup)
        finally:
            container.shutdown_resources()
    print(markdown(results))
    slow = [r.name for r in results if percentile(r.page, 99) >= TARGET_MS]
    print(f"\n{len(results) - len(slow)} of {len(results)} pages have p99 under {TARGET_MS:.0f} ms")
    if slow:
        print("over target: " + "; ".join(slow))
    return 1 if slow else 0


def run(container: Container, iterations: int, warmup: int) -> list[Result]:
    statements = [0]
    event.listen(container.engine(), "before_cursor_execute", lambda *_: statements.__setitem__(0, statements[0] + 1))
    reports, results = container.reports(), []
    for who, (actor, email) in viewers(container).items():
        client = signed_in(container, email)
        for zone in ZONES:
            for name, (first, last) in PERIODS.items():
                query = ReportQuery(Period(first, last, ZoneInfo(zone)))
                statements[0] = 0
                leads = reports(query, by=actor).total
                result = Result(f"{name}, {who}, {zone}", leads, statements[0])
                result.queries = timed(lambda q=query, a=actor: reports(q, by=a), iterations, warmup)  # type: ignore[misc]
                params = urlencode({"from": first or "", "to": last or "", "tz": zone})
                result.page = timed(lambda p=params, c=client: _page(c, p), iterations, warmup)  # type: ignore[misc]
                print(f"  {result.name}: page median {statistics.median(result.page):.1f} ms", flush=True)
                results.append(result)
        client.__exit__(None, None, None)
    return results


def _page(client: TestClient, params: str) -> None:
    response = client.get(f"/reports?{params}")
    if response.status_code != 200:
        raise SystemExit(f"GET /reports?{params} answered {response.status_code}")


def markdown(results: list[Result]) -> str:
    lines = [
        "| case | leads | SQL statements | queries median / p95 / p99 ms | page median / p95 / p99 ms | "
        f"page p99 < {TARGET_MS:.0f} ms |",
        "|---|---:|---:|---:|---:|:-:|",
    ]
    for r in results:
        ok = "yes" if percentile(r.page, 99) < TARGET_MS else "**no**"
        lines.append(f"| {r.name} | {r.leads:,} | {r.statements} | {_spread(r.queries)} | {_spread(r.page)} | {ok} |")
    return "\n".join(lines)


def _spread(values: list[float]) -> str:
    return " / ".join(f"{v:.1f}" for v in (statistics.median(values), percentile(values, 95), percentile(values, 99)))


if __name__ == "__main__":
    sys.exit(main())
