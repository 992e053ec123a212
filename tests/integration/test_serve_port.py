"""`leadsmanager serve` on a busy port says so first, and the links it sends follow the port it serves."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from leadsmanager.entrypoints.bootstrap.container import Container
from leadsmanager.entrypoints.cli import main
from leadsmanager.entrypoints.web.app import create_app
from leadsmanager.entrypoints.worker import jobs
from tests.processes import free_port


def env_for(tmp_path: Path) -> dict[str, str]:
    inherited = {k: v for k, v in os.environ.items() if not k.startswith("LEADSMANAGER_")}
    return {
        **inherited,
        "LEADSMANAGER_DATA_DIR": str(tmp_path / "data"),
        "LEADSMANAGER_DATABASE_URL": f"sqlite:///{tmp_path / 'serve.sqlite3'}",
    }


def bindable(port: int) -> bool:
    with socket.socket() as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind(("127.0.0.1", port))
        except OSError:
            return False
    return True


@pytest.fixture
def two_busy_ports() -> Iterator[int]:
    """A port something already listens on, and the one after it busy too."""
    port = free_port()
    listeners = []
    for busy in (port, port + 1):
        listener = socket.socket()
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            listener.bind(("127.0.0.1", busy))
            listener.listen()
        except OSError:  # someone else already holds it: busy either way
            pass
        listeners.append(listener)
    yield port
    for listener in listeners:
        listener.close()


def test_a_busy_port_is_reported_before_anything_starts_with_the_next_free_one(
    two_busy_ports: int, tmp_path: Path
) -> None:
    port = two_busy_ports
    done = subprocess.run(
        [sys.executable, "-m", "leadsmanager", "serve", "--port", str(port)],
        env=env_for(tmp_path),
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )

    assert done.returncode != 0
    suggested = next(p for p in range(port + 2, port + 100) if bindable(p))
    assert done.stderr == f"error: port {port} is in use; try --port {suggested}\n"
    assert "LeadsManager on" not in done.stdout + done.stderr


def test_links_in_emails_follow_the_port_served_unless_the_base_url_is_set(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    seen: dict[str, str] = {}

    class Jobs:  # in place of the in-process jobs: what their container would link to
        def __init__(self, built: Container) -> None:
            seen["jobs"] = built.settings().base_url

        def start(self) -> None: ...

        def stop(self) -> None: ...

    def run(*args: Any, **kwargs: Any) -> None:  # in place of uvicorn: the app it would build
        seen["app"] = create_app().state.container.settings().base_url
        seen["port"] = str(kwargs["port"])

    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr(jobs, "InProcessJobs", Jobs)
    monkeypatch.setattr("uvicorn.run", run)
    port = free_port()
    env = {**env_for(tmp_path), "LEADSMANAGER_BASE_URL": ""}
    monkeypatch.setattr(os, "environ", dict(env))  # serve writes the default it chose into it

    served = CliRunner().invoke(main, ["serve", "--port", str(port)], env=env)

    assert served.exit_code == 0, served.output
    assert seen == {"jobs": f"http://127.0.0.1:{port}", "app": f"http://127.0.0.1:{port}", "port": str(port)}

    configured = {**env, "LEADSMANAGER_BASE_URL": "https://leads.example.com"}
    monkeypatch.setattr(os, "environ", dict(configured))
    assert CliRunner().invoke(main, ["serve", "--port", str(port)], env=configured).exit_code == 0
    assert seen["app"] == seen["jobs"] == "https://leads.example.com"
