"""What the request log and metrics cost per request: one JSON line, a counter and a histogram sample.

    .venv/bin/python bench/request_log_bench.py            # 20,000 requests each way
    .venv/bin/python bench/request_log_bench.py --requests 100000

A trivial ASGI app is called directly (no server, no client), once bare and once inside RequestLog
with the JSON formatter writing to /dev/null, so the difference is the middleware's own cost.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import os
import statistics
import time
from typing import Any

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from leadsmanager.entrypoints.observability.logs import JsonFormatter
from leadsmanager.entrypoints.web.request_log import RequestLog


async def hello(scope: Scope, receive: Receive, send: Send) -> None:
    scope["route"] = ROUTE
    await send({"type": "http.response.start", "status": 200, "headers": [(b"content-length", b"2")]})
    await send({"type": "http.response.body", "body": b"ok"})


class Route:
    path = "/leads/{lead_id:int}"


ROUTE = Route()


async def run(app: ASGIApp, requests: int) -> list[float]:
    async def receive() -> Message:
        return {"type": "http.request", "body": b"", "more_body": False}

    async def send(message: Message) -> None:
        pass

    took = []
    for n in range(requests):
        scope: dict[str, Any] = {"type": "http", "method": "GET", "path": f"/leads/{n}", "headers": []}
        began = time.perf_counter()
        await app(scope, receive, send)
        took.append(time.perf_counter() - began)
    return took


def micros(samples: list[float], q: int) -> float:
    return statistics.quantiles(samples, n=100)[q - 1] * 1e6


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--requests", type=int, default=20_000)
    args = parser.parse_args()
    handler = logging.StreamHandler(open(os.devnull, "w"))  # noqa: SIM115  (lives as long as the run)
    handler.setFormatter(JsonFormatter())
    logger = logging.getLogger("leadsmanager")
    logger.addHandler(handler)
    logger.setLevel(logging.INFO)
    for name, app in (("bare app", hello), ("with RequestLog", RequestLog(hello))):
        asyncio.run(run(app, 1000))  # warm up
        samples = asyncio.run(run(app, args.requests))
        print(
            f"{name:<16} mean {statistics.fmean(samples) * 1e6:6.1f} µs  p50 {micros(samples, 50):6.1f} µs  "
            f"p99 {micros(samples, 99):6.1f} µs"
        )


if __name__ == "__main__":
    main()
