"""The real app served by uvicorn on loopback, and Debian's Chromium driven by Playwright."""

from __future__ import annotations

import os
import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
import uvicorn

from leadsmanager.adapters.sql.migrate import upgrade
from leadsmanager.application.users import NewUser
from leadsmanager.domain.actor import Actor
from leadsmanager.domain.roles import Role
from leadsmanager.entrypoints.bootstrap.container import Container, build
from leadsmanager.entrypoints.bootstrap.settings import Settings
from leadsmanager.entrypoints.web.app import create_app
from tests.conftest import service_missing

CHROMIUM = os.environ.get("LEADSMANAGER_CHROMIUM", "/usr/bin/chromium")
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
ADMIN_PASSWORD = "admin password for tests"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextmanager
def serving(container: Container) -> Iterator[str]:
    """The app of `container` served by uvicorn on a free loopback port, in a thread; its address."""
    port = free_port()
    server = uvicorn.Server(uvicorn.Config(create_app(container), host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 15
    while not server.started and time.monotonic() < deadline:
        time.sleep(0.05)
    assert server.started, "uvicorn did not start"
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=10)


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Container]]:
    data = tmp_path_factory.mktemp("browser")
    settings = Settings(
        data_dir=data,
        database_url=f"sqlite:///{data / 'app.sqlite3'}",
        redis_url=None,
        phone_region="US",
        secret_key="browser test secret that is long enough",
        allowed_hosts=("127.0.0.1",),
    )
    container = build(settings)
    upgrade(container.engine())
    admin = NewUser("admin@example.com", "Ada Admin", Role.ADMIN, ADMIN_PASSWORD)
    container.user_admin().create(admin, by=Actor.system())
    with serving(container) as url:
        yield url, container


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    try:
        from playwright.sync_api import sync_playwright
    except ImportError as e:
        service_missing("Playwright for Python", e)
    if not Path(CHROMIUM).exists():
        service_missing(f"Chromium at {CHROMIUM} (apt-get install chromium)", FileNotFoundError(CHROMIUM))
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(
            executable_path=CHROMIUM,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--no-first-run",
                "--disable-sync",
            ],
        )
        yield launched
        launched.close()


@pytest.fixture
def screenshot() -> object:
    ARTIFACTS.mkdir(exist_ok=True)

    def take(page: object, name: str) -> None:
        page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)  # type: ignore[attr-defined]

    return take
