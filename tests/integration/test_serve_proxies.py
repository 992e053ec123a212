"""`leadsmanager serve` believes X-Forwarded-For only from LEADSMANAGER_TRUSTED_PROXIES, never by default."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx

from tests.processes import free_port, wait_for

STARTED = re.compile(r'name="started" value="([^"]+)"')


@contextmanager
def serving(tmp_path: Path, **settings: str) -> Iterator[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("LEADSMANAGER_")}
    env.update({"LEADSMANAGER_DATA_DIR": str(tmp_path / "data"), **settings})
    port = free_port()
    log = (tmp_path / "serve.log").open("wb")
    cli = str(Path(sys.executable).parent / "leadsmanager")
    server = subprocess.Popen([cli, "serve", "--port", str(port)], env=env, stdout=log, stderr=log)
    base = f"http://127.0.0.1:{port}"
    try:
        wait_for(lambda: _answers(f"{base}/healthz"), "serve", detail=(tmp_path / "serve.log").read_text)
        yield base
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(30)


def _answers(url: str) -> bool:
    try:
        return httpx.get(url, timeout=1).status_code == 200
    except httpx.HTTPError:
        return False


def spoofed_forms(base: str, count: int) -> list[int]:
    """Forms from this one machine, each naming a different visitor in X-Forwarded-For."""
    codes = []
    with httpx.Client(base_url=base, timeout=10) as client:
        for n in range(count):
            found = STARTED.search(client.get("/forms/contact").text)
            assert found
            data = {"started": found.group(1), "name": f"P{n}", "email": f"p{n}@example.com"}
            forwarded = {"x-forwarded-for": f"203.0.113.{n}"}
            codes.append(client.post("/forms/contact", data=data, headers=forwarded).status_code)
    return codes


def test_by_default_a_forged_forwarded_address_from_loopback_is_not_believed(tmp_path: Path) -> None:
    with serving(tmp_path) as base:
        codes = spoofed_forms(base, 11)
    assert codes[:10] == [200] * 10 and codes[10] == 429


def test_a_proxy_named_in_the_setting_is_believed(tmp_path: Path) -> None:
    with serving(tmp_path, LEADSMANAGER_TRUSTED_PROXIES="127.0.0.1") as base:
        assert spoofed_forms(base, 11) == [200] * 11
