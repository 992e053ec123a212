"""The demo: the whole product in memory, from the same container, with nothing kept anywhere."""

from __future__ import annotations

import re
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from dependency_injector import providers
from starlette.testclient import TestClient

from leadsmanager.application.queries import LeadQuery
from leadsmanager.domain.actor import Actor
from leadsmanager.entrypoints.bootstrap.adapters import Adapters
from leadsmanager.entrypoints.bootstrap.container import build
from leadsmanager.entrypoints.bootstrap.memory import InMemoryAdapters
from leadsmanager.entrypoints.bootstrap.settings import Settings
from leadsmanager.entrypoints.cli import main
from leadsmanager.entrypoints.cli.demo import DEMO_ADMIN
from leadsmanager.entrypoints.web.app import create_app
from leadsmanager.entrypoints.worker import jobs
from tests.processes import free_port
from tests.support import FakeClock

STARTED = re.compile(r'name="started" value="([^"]+)"')


def test_the_demo_serves_the_login_page_and_accepts_a_lead_keeping_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    data = tmp_path / "data"
    env = {"LEADSMANAGER_DEMO": "1", "LEADSMANAGER_DATA_DIR": str(data), "LEADSMANAGER_ALLOWED_HOSTS": "testserver"}
    settings = Settings.from_env(env, env_file=None)
    built = build(settings)
    clock = FakeClock()
    built.clock.override(providers.Object(clock))
    with TestClient(create_app(built), follow_redirects=False) as client:
        assert client.get("/login").status_code == 200
        started = STARTED.search(client.get("/forms/contact").text)
        assert started
        clock.current += timedelta(seconds=5)
        form = {"started": started.group(1), "name": "Demo Visitor", "email": "visitor@example.com"}
        assert client.post("/forms/contact", data=form).status_code == 200
        assert client.get("/readyz").json()["status"] == "ready"
        [found] = built.list_leads()(LeadQuery(limit=10), by=Actor.system()).leads
        lead = built.get_lead()(found.id or 0, by=Actor.system()).lead
    assert lead.contact_name == "Demo Visitor"
    assert list(tmp_path.iterdir()) == []  # no database, no secret key file, no outbox


def test_the_in_memory_adapters_stand_in_for_every_real_one() -> None:
    assert set(Adapters.providers) <= set(InMemoryAdapters.providers)


def test_serve_demo_serves_from_the_container_its_jobs_use_with_an_admin_to_sign_in_as(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    seen: dict[str, Any] = {}

    def run(app: Any, **options: Any) -> None:  # in place of uvicorn: the app it would serve
        seen["app"], seen["factory"] = app, options["factory"]

    monkeypatch.chdir(tmp_path)
    # The in-process jobs start nothing; the container they were handed is kept.
    monkeypatch.setattr(jobs.InProcessJobs, "start", lambda self: seen.update(jobs=self._c))
    monkeypatch.setattr(jobs.InProcessJobs, "stop", lambda self: None)
    monkeypatch.setattr("uvicorn.run", run)
    env = {"LEADSMANAGER_BASE_URL": "http://localhost:8000", "LEADSMANAGER_DATA_DIR": str(tmp_path / "data")}

    served = CliRunner().invoke(main, ["serve", "--demo", "--port", str(free_port())], env=env)

    assert served.exit_code == 0, served.output
    assert seen["factory"] is False and seen["app"].state.container is seen["jobs"]
    [admin] = seen["jobs"].user_admin().list(by=Actor.system())
    assert admin.email == DEMO_ADMIN
    assert list(tmp_path.iterdir()) == []
