"""The Prometheus metrics, and their exposition for `/metrics`.

prometheus-client keeps metrics in a process-wide registry, so they are defined once, here. With
several processes (`serve --workers N`) each writes its values to files in `PROMETHEUS_MULTIPROC_DIR`
(the client's own setting, read when it is first imported) and `/metrics` adds them up.
"""

from __future__ import annotations

import os

from prometheus_client import (
    CONTENT_TYPE_LATEST,
    REGISTRY,
    CollectorRegistry,
    Counter,
    Gauge,
    Histogram,
    generate_latest,
)
from prometheus_client.multiprocess import MultiProcessCollector

MULTIPROCESS_DIR = "PROMETHEUS_MULTIPROC_DIR"
CONTENT_TYPE = CONTENT_TYPE_LATEST
LATENCY_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0)

REQUESTS = Counter(
    "leadsmanager_http_requests", "HTTP requests answered, by route template and status", ["method", "route", "status"]
)
REQUEST_SECONDS = Histogram(
    "leadsmanager_http_request_duration_seconds",
    "Time to answer an HTTP request, by route template",
    ["method", "route"],
    buckets=LATENCY_BUCKETS,
)
TASKS = Counter(
    "leadsmanager_tasks", "Background tasks finished, by outcome (ok, failed, retried)", ["task", "outcome"]
)
TASK_SECONDS = Histogram(
    "leadsmanager_task_duration_seconds", "Time a background task ran", ["task"], buckets=LATENCY_BUCKETS
)
LEADS_CREATED = Counter(
    "leadsmanager_leads_created", "New leads stored (spam and merges excluded), by source", ["source"]
)
SYNC_LAG = Gauge(
    "leadsmanager_sync_lag_seconds",
    "How far the WordPress sync of a form is behind, in seconds",
    ["site", "form"],
    multiprocess_mode="mostrecent",
)


def registry() -> CollectorRegistry:
    """This process's metrics; or every process's, summed, when several share a directory."""
    if MULTIPROCESS_DIR not in os.environ:
        return REGISTRY
    shared = CollectorRegistry()
    MultiProcessCollector(shared)  # type: ignore[no-untyped-call]  # the library leaves it unannotated
    return shared


def exposition() -> bytes:
    """Every metric in Prometheus's text format."""
    return generate_latest(registry())
