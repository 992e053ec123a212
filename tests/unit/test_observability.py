"""The hooks the background jobs call: a task's log line and metrics, and a form's sync lag."""

from __future__ import annotations

import json
import logging
import socket

import httpx
import pytest
from prometheus_client import REGISTRY
from prometheus_client.parser import text_string_to_metric_families

from leadsmanager.entrypoints.observability.hooks import TaskOutcome, record_task, serve_metrics, set_sync_lag
from leadsmanager.entrypoints.observability.logs import JsonFormatter
from leadsmanager.entrypoints.observability.metrics import exposition


def count(task: str, outcome: str) -> float:
    return REGISTRY.get_sample_value("leadsmanager_tasks_total", {"task": task, "outcome": outcome}) or 0.0


def test_a_finished_task_is_logged_as_json_with_its_fields(caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.INFO, logger="leadsmanager.task"):
        record_task("notify_new_lead", outcome=TaskOutcome.OK, duration=0.25, lead_id=17)
    line = json.loads(JsonFormatter().format(caplog.records[-1]))
    assert {k: line[k] for k in ("level", "task", "lead_id", "outcome", "duration_ms")} == {
        "level": "info",
        "task": "notify_new_lead",
        "lead_id": 17,
        "outcome": "ok",
        "duration_ms": 250.0,
    }
    assert line["time"].endswith("Z")


def test_failures_and_retries_are_counted_apart_and_logged_as_warnings(caplog: pytest.LogCaptureFixture) -> None:
    before = {outcome: count("sync_forms", outcome) for outcome in ("ok", "failed", "retried")}
    with caplog.at_level(logging.INFO, logger="leadsmanager.task"):
        record_task("sync_forms", outcome="retried", duration=1.0)
        record_task("sync_forms", outcome="retried", duration=1.0)
        record_task("sync_forms", outcome=TaskOutcome.FAILED, duration=2.0)
    after = {outcome: count("sync_forms", outcome) for outcome in before}
    assert {k: after[k] - before[k] for k in before} == {"ok": 0, "failed": 1, "retried": 2}
    assert [r.levelname for r in caplog.records[-3:]] == ["WARNING"] * 3
    assert json.loads(JsonFormatter().format(caplog.records[-1]))["lead_id"] is None


def test_task_durations_feed_the_histogram() -> None:
    labels = {"task": "send_digest"}
    before = REGISTRY.get_sample_value("leadsmanager_task_duration_seconds_sum", labels) or 0.0
    record_task("send_digest", outcome="ok", duration=0.5)
    record_task("send_digest", outcome="ok", duration=1.5)
    assert REGISTRY.get_sample_value("leadsmanager_task_duration_seconds_sum", labels) == pytest.approx(before + 2.0)


def test_an_unknown_outcome_or_a_negative_time_is_refused() -> None:
    with pytest.raises(ValueError):
        record_task("x", outcome="maybe", duration=1.0)
    with pytest.raises(ValueError, match="negative"):
        record_task("x", outcome="ok", duration=-1.0)


def test_sync_lag_is_set_per_site_and_form_and_shows_in_the_exposition() -> None:
    set_sync_lag("shop", "contact", seconds=95.0)
    set_sync_lag("shop", "quote", seconds=3.0)
    set_sync_lag("shop", "contact", seconds=12.5)
    set_sync_lag("blog", "7", seconds=-4.0)  # a clock a little behind the site's: no lag, not a negative one
    lags = {
        (s.labels["site"], s.labels["form"]): s.value
        for family in text_string_to_metric_families(exposition().decode())
        for s in family.samples
        if s.name == "leadsmanager_sync_lag_seconds"
    }
    assert {k: lags[k] for k in (("shop", "contact"), ("shop", "quote"), ("blog", "7"))} == {
        ("shop", "contact"): 12.5,
        ("shop", "quote"): 3.0,
        ("blog", "7"): 0.0,
    }


def test_a_process_without_the_web_app_serves_its_metrics_on_loopback() -> None:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = int(s.getsockname()[1])
    record_task("digest", outcome="failed", duration=0.1)
    stop = serve_metrics(port)
    try:
        page = httpx.get(f"http://127.0.0.1:{port}/metrics", timeout=5).text
    finally:
        stop()
    assert 'leadsmanager_tasks_total{outcome="failed",task="digest"}' in page
    with pytest.raises(httpx.TransportError):
        httpx.get(f"http://127.0.0.1:{port}/metrics", timeout=1)
