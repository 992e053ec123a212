"""The embedded default is the whole product: `leadsmanager serve` with no Redis runs the tasks too."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
from pathlib import Path

from tests.processes import free_port, wait_for


def test_serve_without_redis_mails_new_leads_to_the_local_outbox(tmp_path: Path) -> None:
    cli = str(Path(sys.executable).parent / "leadsmanager")
    env = {k: v for k, v in os.environ.items() if not k.startswith("LEADSMANAGER_")}
    env["LEADSMANAGER_DATA_DIR"] = str(tmp_path / "data")

    def run(*args: str, stdin: str = "") -> str:
        done = subprocess.run(
            [cli, *args], check=False, env=env, input=stdin, capture_output=True, text=True, timeout=60
        )
        assert done.returncode == 0, done.stderr
        return done.stdout

    run("users", "create", "--email", "boss@example.com", "--name", "Boss", "--role", "manager", "--password-stdin",
        stdin="a long enough password\n")  # fmt: skip
    log = (tmp_path / "serve.log").open("wb")
    server = subprocess.Popen([cli, "serve", "--port", str(free_port())], env=env, stdout=log, stderr=log)
    try:
        assert run("leads", "add", "--name", "Ana Díaz", "--email", "ana@example.org").startswith("lead 1 created")
        outbox = tmp_path / "data" / "outbox"
        wait_for(lambda: len(list(outbox.glob("*.eml"))) == 1 and len(list(outbox.glob("*.json"))) == 1, "outbox")
        [mail] = outbox.glob("*.eml")
        text = mail.read_text()
        assert "To: boss@example.com" in text and "Ana D" in text
        # The new lead's report counts wait as pending rows until `serve`'s scheduler folds them in.
        database = tmp_path / "data" / "leadsmanager.sqlite3"
        wait_for(lambda: _rows(database, "report_pending") == 0 and _rows(database, "report_counts") > 0, "fold")
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(30)


def _rows(database: Path, table: str) -> int:
    with sqlite3.connect(database) as connection:
        (n,) = connection.execute(f"SELECT count(*) FROM {table}").fetchone()
    return int(n)
