"""Count the database round trips each API request makes, through the real app on the seeded database.

    .venv/bin/python bench/api_statements.py              # 50 requests of each kind
    .venv/bin/python bench/api_statements.py --requests 200
    .venv/bin/python bench/api_statements.py --only list "list, status + search" detail   # reads only

The app is built as `leadsmanager serve` builds it (settings from the environment, as bench/api_bench.sh
sets them) and driven in process with Starlette's TestClient, so the figures do not depend on what
else runs on the machine. Every command PyMySQL sends is counted: a statement by its first word
(COMMIT and ROLLBACK included, also those the connection pool sends), PING for a ping.
Needs LEADSMANAGER_BENCH_MYSQL_URL's database seeded by bench/seed.py; intake adds real leads to it.
"""

from __future__ import annotations

import argparse
import os
import random
import warnings
from collections import Counter
from collections.abc import Callable
from typing import Any

import pymysql.connections
from pymysql.constants import COMMAND
from sqlalchemy import func, select
from starlette.testclient import TestClient

from leadsmanager.adapters.sql.tables import leads
from leadsmanager.domain.actor import Actor
from leadsmanager.domain.api_key import Scope
from leadsmanager.entrypoints.bootstrap.container import Container, build
from leadsmanager.entrypoints.bootstrap.settings import Settings
from leadsmanager.entrypoints.web.app import create_app

warnings.filterwarnings("ignore", "Using `httpx` with `starlette.testclient`")  # as the test suite does
URL = os.environ.get("LEADSMANAGER_BENCH_MYSQL_URL", "mysql+pymysql://root@127.0.0.1:3306/leadsmanager_bench")
Request = Callable[[TestClient, int], Any]


class RoundTrips:
    """Every command PyMySQL sends to the server: each is one round trip."""

    def __init__(self) -> None:
        self.counts: Counter[str] = Counter()
        send = pymysql.connections.Connection._execute_command

        def counted(connection: Any, command: int, sql: Any) -> Any:
            text = sql.decode(errors="replace") if isinstance(sql, bytes) else sql
            name = text.split(None, 1)[0].upper() if text else "PING" if command == COMMAND.COM_PING else str(command)
            self.counts[name] += 1
            return send(connection, command, sql)

        pymysql.connections.Connection._execute_command = counted


def scenarios(surname: str, max_id: int, rng: random.Random) -> dict[str, Request]:
    def intake(client: TestClient, n: int) -> Any:
        who = f"{rng.randrange(10**9)}-{n}"
        body = {
            "name": f"Bench Person {who}",
            "email": f"bench-{who}@example.com",
            "phone": f"+1 415 {rng.randint(200, 999)} {rng.randrange(10_000):04d}",
            "service": "bench",
            "message": "load test",
        }
        return client.post("/api/v1/leads", json=body)

    def patch(client: TestClient, n: int) -> Any:
        return client.patch(f"/api/v1/leads/{rng.randint(1, max_id)}", json={"assignee_id": None, "version": 1})

    return {
        "intake": intake,
        "list, status": lambda client, n: client.get("/api/v1/leads?status=new&limit=50"),
        "list, status + search": lambda client, n: client.get(f"/api/v1/leads?status=new&q={surname}&limit=50"),
        "detail": lambda client, n: client.get(f"/api/v1/leads/{rng.randint(1, max_id)}"),
        "patch": patch,
    }


def built_with_key(name: str, scopes: frozenset[Scope], **defaults: str) -> tuple[Container, str]:
    """The app's container on the benchmark database, as `serve` builds it, and a new API key's secret."""
    environ = {
        **os.environ,
        "LEADSMANAGER_DATABASE_URL": URL,
        "LEADSMANAGER_ALLOWED_HOSTS": "testserver",
        "LEADSMANAGER_API_REQUESTS_PER_MINUTE": "100000000",
    }
    for key, value in {"LEADSMANAGER_SECRET_KEY": "bench-only-secret-key-0123456789", **defaults}.items():
        environ.setdefault(key, value)
    built = build(Settings.from_env(environ, env_file=None))
    _, secret = built.api_keys().create(name, scopes, by=Actor.system())
    return built, secret


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--requests", type=int, default=50)
    parser.add_argument("--only", nargs="+", metavar="KIND", help="these kinds only (intake and patch write leads)")
    args = parser.parse_args()
    built, secret = built_with_key("statement count", frozenset(Scope))
    engine = built.engine()
    with engine.connect() as connection:
        max_id = connection.execute(select(func.max(leads.c.id))).scalar_one()
        name = connection.execute(select(leads.c.contact_name).where(leads.c.id == max_id // 2)).scalar_one()
    trips = RoundTrips()
    print(f"{args.requests} requests of each kind on {engine.url.database} ({max_id:,} leads)")
    print(f"rates counted in {'Redis' if built.settings().redis_url else 'the database'}")
    with TestClient(create_app(built), headers={"Authorization": f"Bearer {secret}"}) as client:
        for title, request in scenarios(name.split()[-1], max_id, random.Random()).items():
            if args.only and title not in args.only and title.split(",")[0] not in args.only:
                continue
            request(client, 0)  # the first request of a kind may read the API key
            trips.counts.clear()
            statuses = Counter(request(client, n).status_code for n in range(1, args.requests + 1))
            per = {k: v / args.requests for k, v in sorted(trips.counts.items())}
            total = sum(per.values())
            detail = ", ".join(f"{k} {v:.2f}" for k, v in per.items())
            print(f"{title:<22} {total:5.2f} round trips a request ({detail}); statuses {dict(statuses)}")
    built.shutdown_resources()


if __name__ == "__main__":
    main()
