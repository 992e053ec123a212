"""Health, readiness and metrics, on SQLite and MariaDB, with Redis up and down."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from prometheus_client.parser import text_string_to_metric_families
from sqlalchemy import Engine
from starlette.testclient import TestClient

from leadsmanager.adapters.sql.migrate import upgrade
from leadsmanager.domain.actor import Actor
from leadsmanager.domain.api_key import Scope
from leadsmanager.entrypoints.bootstrap.container import build
from leadsmanager.entrypoints.bootstrap.settings import Settings
from leadsmanager.entrypoints.web.app import create_app
from tests.conftest import MYSQL_URL, NOBODY_LISTENS

METRICS_TOKEN = "metrics token for the tests"
SCRAPE = {"Authorization": f"Bearer {METRICS_TOKEN}"}


@contextmanager
def app(tmp_path: Path, *, database_url: str = "", redis_url: str | None = None) -> Iterator[TestClient]:
    settings = Settings(
        data_dir=tmp_path,
        database_url=database_url or f"sqlite:///{tmp_path / 'probes.sqlite3'}",
        redis_url=redis_url,
        phone_region="US",
        secret_key="a secret key long enough for the probe tests",
        allowed_hosts=("leads.example.com",),
        metrics_token=METRICS_TOKEN,
    )
    container = build(settings)
    if not database_url:
        upgrade(container.engine())
    with TestClient(create_app(container), base_url="http://leads.example.com") as client:
        yield client
    container.shutdown_resources()


def test_healthz_answers_without_asking_anything_else(tmp_path: Path) -> None:
    with app(tmp_path, database_url=f"mysql+pymysql://root@{NOBODY_LISTENS}/none") as client:
        response = client.get("/healthz")
    assert (response.status_code, response.json()) == (200, {"status": "ok"})


def test_ready_with_sqlite_and_redis_up(tmp_path: Path, redis_url: str) -> None:
    with app(tmp_path, redis_url=redis_url) as client:
        response = client.get("/readyz")
    assert response.status_code == 200
    assert response.json() == {"status": "ready", "failing": [], "checks": {"database": "ok", "redis": "ok"}}


def test_ready_on_mariadb(tmp_path: Path, mysql_engine: Engine, redis_url: str) -> None:
    with app(tmp_path, database_url=MYSQL_URL, redis_url=redis_url) as client:
        response = client.get("/readyz")
    assert (response.status_code, response.json()["checks"]) == (200, {"database": "ok", "redis": "ok"})


def test_without_redis_configured_only_the_database_is_asked(tmp_path: Path) -> None:
    with app(tmp_path) as client:
        assert client.get("/readyz").json()["checks"] == {"database": "ok"}


def test_redis_down_is_named_and_nothing_secret_is_shown(tmp_path: Path) -> None:
    with app(tmp_path, redis_url=f"redis://:redis-password@{NOBODY_LISTENS}/0") as client:
        response = client.get("/readyz")
    assert response.status_code == 503
    assert response.json() == {
        "status": "unavailable",
        "failing": ["redis"],
        "checks": {"database": "ok", "redis": "unreachable"},
    }
    assert "redis-password" not in response.text and "127.0.0.1" not in response.text


def test_database_down_is_named_and_nothing_secret_is_shown(tmp_path: Path, redis_url: str) -> None:
    down = f"mysql+pymysql://leads:db-password@{NOBODY_LISTENS}/leads"
    with app(tmp_path, database_url=down, redis_url=redis_url) as client:
        response = client.get("/readyz")
    assert response.status_code == 503
    assert response.json()["failing"] == ["database"]
    assert response.json()["checks"] == {"database": "unreachable", "redis": "ok"}
    assert "db-password" not in response.text and "leads:" not in response.text


def test_probes_answer_any_host_name_while_pages_keep_the_host_check(tmp_path: Path) -> None:
    with app(tmp_path) as client:
        by_address = {"Host": "10.0.0.7:8080"}
        assert client.get("/healthz", headers=by_address).status_code == 200
        assert client.get("/readyz", headers=by_address).status_code == 200
        assert client.get("/metrics", headers={**by_address, **SCRAPE}).status_code == 200
        assert client.get("/login", headers=by_address).status_code == 400
        assert client.post("/healthz").status_code in (404, 405)


def samples(client: TestClient, name: str) -> dict[tuple[tuple[str, str], ...], float]:
    response = client.get("/metrics", headers=SCRAPE)
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/plain; version=")
    return {
        tuple(sorted(sample.labels.items())): sample.value
        for family in text_string_to_metric_families(response.text)
        for sample in family.samples
        if sample.name == name
    }


def test_metrics_need_the_token_from_other_machines(tmp_path: Path) -> None:
    with app(tmp_path) as client:
        missing = client.get("/metrics")
        wrong = client.get("/metrics", headers={"Authorization": "Bearer guess"})
        right = client.get("/metrics", headers=SCRAPE)
    assert (missing.status_code, wrong.status_code, right.status_code) == (401, 401, 200)
    assert missing.headers["www-authenticate"].startswith("Bearer")
    assert "leadsmanager_http_requests_total" in right.text


def test_new_leads_are_counted_by_source_and_merges_are_not(tmp_path: Path) -> None:
    created = (("source", "api"),)
    with app(tmp_path) as client:
        container = client.app.state.container  # type: ignore[attr-defined]
        _, secret = container.api_keys().create("crm", frozenset({Scope.LEADS_WRITE}), by=Actor.system())
        key = {"Authorization": f"Bearer {secret}"}
        before = samples(client, "leadsmanager_leads_created_total").get(created, 0.0)
        first = client.post("/api/v1/leads", json={"name": "Ana", "email": "ana@metrics.example"}, headers=key)
        again = client.post("/api/v1/leads", json={"name": "Ana", "email": "ana@metrics.example"}, headers=key)
        other = client.post("/api/v1/leads", json={"name": "Bo", "email": "bo@metrics.example"}, headers=key)
        after = samples(client, "leadsmanager_leads_created_total").get(created, 0.0)
    assert [r.status_code for r in (first, again, other)] == [201, 200, 201]
    assert after - before == 2


def test_requests_are_counted_by_route_template_and_status(tmp_path: Path) -> None:
    with app(tmp_path) as client:
        key = (("method", "GET"), ("route", "/api/v1/leads/{lead_id:id}"), ("status", "401"))
        before = samples(client, "leadsmanager_http_requests_total").get(key, 0.0)
        for lead_id in (1, 2, 3):
            assert client.get(f"/api/v1/leads/{lead_id}").status_code == 401
        client.get("/no/such/page/12345")
        counted = samples(client, "leadsmanager_http_requests_total")
        latency = samples(client, "leadsmanager_http_request_duration_seconds_count")
    assert counted[key] - before == 3
    assert counted[(("method", "GET"), ("route", "unmatched"), ("status", "404"))] >= 1
    assert not any("12345" in value for labels in counted for _, value in labels)
    assert latency[(("method", "GET"), ("route", "/api/v1/leads/{lead_id:id}"))] >= 3
