"""The Dockerfile and docker-compose.yml, checked without a container engine: every command they run
exists in the CLI and starts (`--help` after the very arguments they pass), and the image's health check
answers against a real server."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

from tests.integration.test_serve_process import Served, clean_env, leadsmanager

ROOT = Path(__file__).resolve().parents[2]
INSTRUCTION = re.compile(r"^(ENTRYPOINT|CMD|HEALTHCHECK)\s+(.*)$")


def dockerfile() -> dict[str, Any]:
    """ENTRYPOINT, CMD and the HEALTHCHECK's command, each as the JSON (exec) form it must be written in."""
    text = (ROOT / "Dockerfile").read_text().replace("\\\n", " ")
    runtime = text.split("FROM ", 2)[2]  # the last stage is the image that runs
    found: dict[str, Any] = {}
    for line in runtime.splitlines():
        if match := INSTRUCTION.match(line.strip()):
            name, rest = match.groups()
            found[name] = json.loads(rest.split(" CMD ", 1)[1] if name == "HEALTHCHECK" else rest)
    return found


def compose_commands() -> dict[str, list[str]]:
    """Each service built from this image: the full command line it runs."""
    image = dockerfile()
    services = yaml.safe_load((ROOT / "docker-compose.yml").read_text())["services"]
    return {
        name: [*service.get("entrypoint", image["ENTRYPOINT"]), *service.get("command", image["CMD"])]
        for name, service in services.items()
        if "build" in service or str(service.get("image", "")).startswith("leadsmanager")
    }


def commands() -> dict[str, list[str]]:
    image = dockerfile()
    return {"Dockerfile": [*image["ENTRYPOINT"], *image["CMD"]]} | {
        f"compose {name}": argv for name, argv in compose_commands().items()
    }


def test_the_files_say_what_the_deployment_needs() -> None:
    image = dockerfile()
    assert image["ENTRYPOINT"] == ["leadsmanager"]
    assert image["CMD"][0] == "serve"
    served = {name: argv[1:] for name, argv in compose_commands().items()}
    assert served["migrate"] == ["db", "upgrade"]
    assert {served["worker"][0], served["scheduler"][0], served["web"][0]} == {"worker", "scheduler", "serve"}


@pytest.mark.parametrize(("where", "argv"), commands().items(), ids=list(commands()))
def test_every_command_exists_in_the_cli_and_starts(where: str, argv: list[str], tmp_path: Path) -> None:
    executable = Path(sys.executable).parent / argv[0]
    assert executable.exists(), f"{argv[0]} is not an installed command"
    done = subprocess.run(
        [str(executable), *argv[1:], "--help"],
        env=clean_env(tmp_path),
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 0, f"{where}: `{' '.join(argv)}` does not start: {done.stderr.strip()}"
    assert done.stdout.startswith("Usage: ")


def test_the_image_health_check_passes_against_a_server_and_fails_without_one(tmp_path: Path) -> None:
    check = dockerfile()["HEALTHCHECK"]
    env = clean_env(tmp_path)
    (tmp_path / "data").mkdir()
    leadsmanager(env, "db", "upgrade")
    server = Served(env)

    def healthy() -> bool:
        argv = [sys.executable if check[0] == "python" else check[0], *check[1:]]
        return (
            subprocess.run(argv, env={**env, "PORT": str(server.port)}, capture_output=True, check=False).returncode
            == 0
        )

    try:
        assert healthy()
    finally:
        assert server.stop() == 0
    assert not healthy()
