"""Fixtures shared by the integration suites."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from leadsmanager.entrypoints.cli import main

Cli = Callable[..., Result]


@pytest.fixture
def cli(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Cli:
    """`leadsmanager` in this process, on an SQLite file of the test's own."""
    monkeypatch.chdir(tmp_path)
    env = {"LEADSMANAGER_DATABASE_URL": f"sqlite:///{tmp_path / 'cli.sqlite3'}", "LEADSMANAGER_PHONE_REGION": "US"}

    def run(*args: str, stdin: str = "") -> Result:
        return CliRunner().invoke(main, list(args), input=stdin, env=env)

    return run
