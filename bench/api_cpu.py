"""CPU time the app spends on one API request, in process, without uvicorn or threads.

    .venv/bin/python bench/api_cpu.py                      # search: status=new&q=<surname>, best of 5 x 150
    .venv/bin/python bench/api_cpu.py --kind list --runs 3
    .venv/bin/python bench/api_cpu.py --kind intake        # POST a new person, as bench/wrk/intake.lua
    .venv/bin/python bench/api_cpu.py --profile search.prof   # then a cProfile (CPU time) of one more run

The app is built as `leadsmanager serve` builds it (settings from the environment, as bench/api_bench.sh
sets them; metrics in a multiprocess directory and no access log, as `serve --workers 2
--no-access-log` runs) and its ASGI callable is driven on one event loop, with the thread pool replaced
by a direct call, so that the process's CPU time per request is the app's own: routing, middleware,
the rate limit in Redis, the unit of work, PyMySQL, SQLAlchemy and the JSON. The machine is shared, so
compare figures taken alternately, and look at the best run. It reads the seeded database
(bench/seed.py); it writes an API key, and with --kind intake a new lead for each request.
"""

from __future__ import annotations

import os
import tempfile

os.environ.setdefault("PROMETHEUS_MULTIPROC_DIR", tempfile.mkdtemp(prefix="api-cpu-metrics-"))  # before the app

import argparse
import asyncio
import cProfile
import itertools
import logging
import random
import time
from collections.abc import Callable, MutableMapping
from typing import Any

import anyio.to_thread
from api_statements import built_with_key  # this script's folder: run it as bench/api_cpu.py
from sqlalchemy import select

from leadsmanager.adapters.sql.tables import leads
from leadsmanager.domain.api_key import Scope
from leadsmanager.entrypoints.web.app import create_app


async def _inline(func: Callable[..., Any], *args: Any, **_: Any) -> Any:
    return func(*args)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--kind", choices=["search", "list", "intake"], default="search")
    parser.add_argument("--requests", type=int, default=150)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--profile", metavar="FILE")
    args = parser.parse_args()
    redis = {"LEADSMANAGER_REDIS_URL": "redis://127.0.0.1:6379/14"}  # as api_bench.sh: rates counted in Redis
    built, secret = built_with_key("api cpu", frozenset({Scope.LEADS_READ, Scope.LEADS_WRITE}), **redis)
    with built.engine().connect() as connection:
        name = connection.execute(select(leads.c.contact_name).where(leads.c.id == 500_000)).scalar_one()
    query = f"status=new&q={name.split()[-1]}&limit=50" if args.kind == "search" else "status=new&limit=50"
    query = "" if args.kind == "intake" else query
    # A new person each request, as bench/wrk/intake.lua: a new email, and one of 8 million phones (a phone
    # seen before joins that person's open lead instead: about 0.6% of them, among the seeded leads).
    people = itertools.count(random.randrange(8_000_000))
    logging.getLogger("leadsmanager.request").setLevel(logging.WARNING)  # as serve --no-access-log
    anyio.to_thread.run_sync = _inline  # type: ignore[assignment]
    app = create_app(built)
    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": "POST" if args.kind == "intake" else "GET",
        "scheme": "http",
        "path": "/api/v1/leads",
        "raw_path": b"/api/v1/leads",
        "query_string": query.encode(),
        "root_path": "",
        "headers": [
            (b"host", b"testserver"),
            (b"authorization", f"Bearer {secret}".encode()),
            (b"content-type", b"application/json"),
        ],
        "client": ("127.0.0.1", 50000),
        "server": ("127.0.0.1", 8000),
    }

    async def one() -> None:
        body = b""
        if args.kind == "intake":
            n = next(people)
            body = (
                f'{{"name": "Cpu Person {n}", "email": "cpu-{n}@example.com", "phone": "+1 415 '
                f'{200 + n // 10_000 % 800:03d} {n % 10_000:04d}", "service": "bench", "message": "load test"}}'
            ).encode()

        async def receive() -> dict[str, Any]:
            return {"type": "http.request", "body": body, "more_body": False}

        async def send(message: MutableMapping[str, Any]) -> None:
            if message["type"] == "http.response.start" and message["status"] not in (200, 201):
                raise SystemExit(f"the request was answered {message['status']}")

        await app(dict(scope), receive, send)

    async def run() -> None:
        for _ in range(30):  # the API key, the search's counts, the statements' compiled forms
            await one()
        cpu = []
        for _ in range(args.runs):
            started = time.process_time()
            for _ in range(args.requests):
                await one()
            cpu.append((time.process_time() - started) * 1000 / args.requests)
        print(
            f"{args.kind} ?{query}: CPU per request, best {min(cpu):.2f} ms, median {sorted(cpu)[len(cpu) // 2]:.2f} ms"
        )
        if args.profile:
            profile = cProfile.Profile(time.process_time)
            profile.enable()
            for _ in range(args.requests):
                await one()
            profile.disable()
            profile.dump_stats(args.profile)

    asyncio.run(run())
    built.shutdown_resources()


if __name__ == "__main__":
    main()
