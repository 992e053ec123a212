"""A MariaDB server of the test's own (a data directory in tmp, a free port), so a test may kill -9 it."""

from __future__ import annotations

import shutil
import signal
import subprocess
import time
from pathlib import Path

from sqlalchemy import create_engine, exc, text

from tests.conftest import service_missing
from tests.processes import free_port


class PrivateMariaDB:
    def __init__(self, directory: Path) -> None:
        self.directory = directory
        self.port = free_port()
        self.process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"mysql+pymysql://root@127.0.0.1:{self.port}/app"

    def install(self) -> None:
        installer = shutil.which("mariadb-install-db")
        if installer is None or not Path("/usr/sbin/mariadbd").exists():
            service_missing("MariaDB server binaries", FileNotFoundError("mariadb-install-db / mariadbd"))
        assert installer is not None
        command = [installer, "--no-defaults", f"--datadir={self.directory / 'data'}", "--user=root"]
        command += ["--auth-root-authentication-method=normal", "--skip-test-db"]
        subprocess.run(command, check=True, capture_output=True, timeout=120)
        self.start()
        self._execute("CREATE DATABASE app CHARACTER SET utf8mb4")

    def start(self) -> None:
        command = [
            "/usr/sbin/mariadbd",
            "--no-defaults",
            f"--datadir={self.directory / 'data'}",
            "--user=root",
            f"--port={self.port}",
            "--bind-address=127.0.0.1",
            f"--socket={self.directory / 'mysqld.sock'}",
            "--innodb-buffer-pool-size=64M",
        ]
        log = (self.directory / "server.log").open("ab")
        self.process = subprocess.Popen(command, stdout=log, stderr=log)
        deadline = time.monotonic() + 60
        while True:
            try:
                self._execute("SELECT 1")
                return
            except exc.OperationalError:
                if time.monotonic() > deadline or self.process.poll() is not None:
                    raise AssertionError("the private MariaDB did not start: " + self.log()) from None
                time.sleep(0.1)

    def kill(self) -> None:
        """As a crash would: SIGKILL, no chance to flush anything the log has not made durable."""
        if self.process is not None:
            self.process.send_signal(signal.SIGKILL)
            self.process.wait(30)
            self.process = None

    def stop(self) -> None:
        if self.process is not None:
            self.process.terminate()
            try:
                self.process.wait(60)
            except subprocess.TimeoutExpired:
                self.process.kill()
            self.process = None

    def log(self) -> str:
        path = self.directory / "server.log"
        return path.read_text(errors="replace")[-2000:] if path.exists() else ""

    def _execute(self, statement: str) -> None:
        engine = create_engine(f"mysql+pymysql://root@127.0.0.1:{self.port}/", connect_args={"connect_timeout": 2})
        try:
            with engine.begin() as connection:
                connection.execute(text(statement))
        finally:
            engine.dispose()
