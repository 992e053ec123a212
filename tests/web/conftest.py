"""A real app on a real SQLite file, driven through Starlette's TestClient, one client per role."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from dependency_injector import providers
from starlette.testclient import TestClient

from leadsmanager.adapters.sql.migrate import upgrade
from leadsmanager.application.intake import LeadForm
from leadsmanager.application.users import NewUser
from leadsmanager.domain.actor import Actor
from leadsmanager.domain.api_key import Scope
from leadsmanager.domain.lead import Channel
from leadsmanager.domain.roles import Role
from leadsmanager.entrypoints.bootstrap.container import Container, build
from leadsmanager.entrypoints.bootstrap.settings import Settings
from leadsmanager.entrypoints.web.app import create_app
from tests.support import FakeClock, PlainHasher

PASSWORD = "correct horse battery"
CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


class Staff:
    """The people of a small sales team, with one lead each for two reps and one unassigned."""

    def __init__(self, container: Container) -> None:
        admin = container.user_admin()
        system = Actor.system()
        self.ids = {
            role: admin.create(
                NewUser(f"{role}@example.com", role.title(), Role(role.split("2")[0]), PASSWORD), by=system
            ).id
            for role in ("admin", "manager", "employee", "employee2")
        }
        submit, assign = container.submit_lead(), container.assign_lead()
        self.leads: dict[str, int] = {}
        for n, owner in enumerate(("employee", "employee2", None)):
            form = LeadForm(Channel.WEB_FORM, name=f"Lead {n}", email=f"lead{n}@example.com")
            lead_id = submit(form).lead_id
            if owner:
                assign(lead_id, self.ids[owner], by=system)
            self.leads[owner or "nobody"] = lead_id


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def container(tmp_path: Path, clock: FakeClock) -> Iterator[Container]:
    yield from deployment(web_settings(tmp_path), clock)


def web_settings(tmp_path: Path, **more: Any) -> Settings:
    """The test deployment's settings, its data in `tmp_path`; `more` as a test needs them."""
    return Settings(
        data_dir=tmp_path,
        database_url=f"sqlite:///{tmp_path / 'web.sqlite3'}",
        redis_url=None,
        phone_region="US",
        secret_key="test secret key that is long enough to sign things",
        allowed_hosts=("testserver", "localhost"),
        **more,
    )


def deployment(settings: Settings, clock: FakeClock) -> Iterator[Container]:
    """A deployment built from `settings`, its database migrated, its clock `clock`: for a fixture to yield."""
    built = build(settings)
    built.hasher.override(providers.Singleton(PlainHasher))
    built.clock.override(providers.Object(clock))
    upgrade(built.engine())
    yield built
    built.shutdown_resources()


@pytest.fixture
def staff(container: Container) -> Staff:
    return Staff(container)


@pytest.fixture
def keys(container: Container, staff: Staff) -> dict[str, dict[str, str]]:
    """API keys' Authorization headers by their scopes: read, write, both."""
    made = {}
    for name, scopes in (
        ("read", {Scope.LEADS_READ}),
        ("write", {Scope.LEADS_WRITE}),
        ("both", {Scope.LEADS_READ, Scope.LEADS_WRITE}),
    ):
        _, secret = container.api_keys().create(name, frozenset(scopes), by=Actor.system())
        made[name] = {"Authorization": f"Bearer {secret}"}
    return made


@pytest.fixture
def client(container: Container) -> Iterator[TestClient]:
    with TestClient(create_app(container), follow_redirects=False) as test_client:
        yield test_client


def csrf_of(page: str) -> str:
    found = CSRF.search(page)
    assert found, "the page has no CSRF token"
    return found.group(1)


def sign_in(client: TestClient, email: str, password: str = PASSWORD) -> TestClient:
    token = csrf_of(client.get("/login").text)
    response = client.post("/login", data={"email": email, "password": password, "csrf_token": token})
    assert response.status_code == 303, response.text
    return client


@pytest.fixture
def as_role(container: Container, staff: Staff) -> Iterator[Callable[[str], TestClient]]:
    clients: list[TestClient] = []

    def make(role: str) -> TestClient:
        test_client = TestClient(create_app(container), follow_redirects=False).__enter__()
        clients.append(test_client)
        return test_client if role == "anonymous" else sign_in(test_client, f"{role}@example.com")

    yield make
    for test_client in clients:
        test_client.__exit__(None, None, None)
