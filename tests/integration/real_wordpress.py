"""A real WordPress (Debian's package) served by `php -S` on loopback, with our plugin activated.

Its database is a fresh one on the tests' MariaDB server, dropped afterwards. The test mu-plugin in
tests/integration/wordpress/ stands in for the form plugins: `submit()` fires the hook the named plugin
fires after a submission, in a real request, so the plugin records it (and pushes it) as on a live site.
"""

from __future__ import annotations

import json
import os
import secrets
import shutil
import signal
import subprocess
from collections.abc import Iterator
from pathlib import Path
from types import TracebackType
from typing import Any

import httpx
from sqlalchemy import Engine, text
from sqlalchemy.engine import URL, make_url

from leadsmanager.adapters.sql.engine import make_engine
from tests.conftest import MYSQL_URL, service_missing
from tests.processes import free_port, wait_for

DEBIAN_WORDPRESS = Path("/usr/share/wordpress")
PLUGIN = Path(__file__).parents[2] / "wordpress" / "leadsmanager-forms"
SUPPORT = Path(__file__).parent / "wordpress"
TABLE = "wp_leadsmanager_submissions"


class WordPressMissing(Exception):
    """PHP, its MySQL driver or Debian's WordPress is not installed here."""


def check_installed() -> None:
    php = shutil.which("php")
    if php is None or not (DEBIAN_WORDPRESS / "wp-settings.php").is_file():
        raise WordPressMissing("php or /usr/share/wordpress (apt-get install wordpress php-cli php-mysql)")
    modules = subprocess.run([php, "-m"], capture_output=True, text=True, check=True, timeout=30).stdout.split()
    if "mysqli" not in modules:
        raise WordPressMissing("PHP's mysqli extension (apt-get install php-mysql)")


def real_wordpress(folder: Path) -> Iterator[RealWordPress]:
    """For a fixture: the site, or the test skipped (failed under LEADSMANAGER_REQUIRE_SERVICES=1) with why."""
    try:
        check_installed()
    except (WordPressMissing, OSError) as e:
        service_missing("A real WordPress (PHP and Debian's wordpress package)", e)
    server = make_engine(MYSQL_URL)
    try:
        with server.connect():
            pass
    except Exception as e:  # any driver error means the same thing here: no server
        service_missing(f"MariaDB for WordPress's database at {server.url.render_as_string(hide_password=True)}", e)
    finally:
        server.dispose()
    with RealWordPress(folder, MYSQL_URL) as site:
        yield site


def _php_string(value: str) -> str:
    return "'" + value.replace("\\", "\\\\").replace("'", "\\'") + "'"


class RealWordPress:
    def __init__(self, folder: Path, mysql_url: str) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.root = folder / "site"
        self.log = folder / "debug.log"
        self._server_url = make_url(mysql_url)
        self.database = f"wp_{secrets.token_hex(6)}"
        self._admin = make_engine(self._server_url.render_as_string(hide_password=False))
        self._site_db: Engine | None = None
        self._process: subprocess.Popen[bytes] | None = None
        self.passwords: dict[str, str] = {}
        self.setup: dict[str, Any] = {}

    def __enter__(self) -> RealWordPress:
        try:
            self._start()
        except BaseException:
            self.__exit__(None, None, None)
            raise
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        if self._process is not None:
            os.killpg(self._process.pid, signal.SIGTERM)
            self._process.wait(timeout=30)
        if self._site_db is not None:
            self._site_db.dispose()
        with self._admin.begin() as connection:
            connection.execute(text(f"DROP DATABASE IF EXISTS `{self.database}`"))
        self._admin.dispose()

    def _start(self) -> None:
        subprocess.run(["cp", "-rL", str(DEBIAN_WORDPRESS), str(self.root)], check=True, timeout=120)
        shutil.rmtree(self.root / "wp-content" / "languages")  # 30 MB the tests never read
        (self.root / "wp-config.php").write_text(self._config())
        shutil.copy(SUPPORT / "router.php", self.root / "router.php")
        shutil.copytree(PLUGIN, self.root / "wp-content" / "plugins" / PLUGIN.name)
        (self.root / "wp-content" / "mu-plugins").mkdir()
        shutil.copy(SUPPORT / "leadsmanager-test-forms.php", self.root / "wp-content" / "mu-plugins")
        with self._admin.begin() as connection:
            connection.execute(text(f"CREATE DATABASE `{self.database}` CHARACTER SET utf8mb4"))
        self._site_db = make_engine(self._server_url.set(database=self.database).render_as_string(hide_password=False))
        self.passwords["admin-login"] = secrets.token_urlsafe(16)
        self.cli("install", {"admin_password": self.passwords["admin-login"]})
        self.setup = self.cli("setup")
        self.passwords.update({k: self.setup.pop(k) for k in ("sync", "editor", "admin")})
        command = ["php", "-S", f"127.0.0.1:{self.port}", "-t", str(self.root), str(self.root / "router.php")]
        # A few workers, so that a browser's parallel requests do not queue behind each other.
        env = {**os.environ, "PHP_CLI_SERVER_WORKERS": "4"}
        # Its own process group: the workers are its children, and stop with it.
        self._process = subprocess.Popen(
            command,
            cwd=self.root,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
        )
        wait_for(self._answers, f"php -S on port {self.port}")

    def _answers(self) -> bool:
        try:
            return httpx.get(self.url + "/wp-json/", timeout=5).status_code == 200
        except httpx.TransportError:
            return False

    def _config(self) -> str:
        url: URL = self._server_url
        keys = ("AUTH", "SECURE_AUTH", "LOGGED_IN", "NONCE")
        defines = {
            "DB_NAME": self.database,
            "DB_USER": url.username or "root",
            "DB_PASSWORD": url.password or "",
            "DB_HOST": f"{url.host or '127.0.0.1'}:{url.port or 3306}",
            "DB_CHARSET": "utf8mb4",
            "DB_COLLATE": "",
            **{f"{k}_{kind}": secrets.token_hex(32) for k in keys for kind in ("KEY", "SALT")},
            # Application passwords are offered over plain http only on a "local" site.
            "WP_ENVIRONMENT_TYPE": "local",
            "WP_HOME": self.url,
            "WP_SITEURL": self.url,
            "WP_DEBUG_LOG": str(self.log),
        }
        lines = [f"define({_php_string(k)}, {_php_string(str(v))});" for k, v in defines.items()]
        flags = ("WP_DEBUG", "DISABLE_WP_CRON", "WP_HTTP_BLOCK_EXTERNAL", "AUTOMATIC_UPDATER_DISABLED")
        lines += [f"define('{flag}', true);" for flag in flags] + ["define('WP_DEBUG_DISPLAY', false);"]
        boot = [
            "$table_prefix = 'wp_';",
            "define('ABSPATH', __DIR__ . '/');",
            "require_once ABSPATH . 'wp-settings.php';",
        ]
        return "\n".join(["<?php", *lines, *boot, ""])

    def cli(self, command: str, argument: dict[str, Any] | None = None) -> Any:
        """Runs tests/integration/wordpress/cli.php in the site: install, setup, push-settings, state, ..."""
        done = subprocess.run(
            ["php", str(SUPPORT / "cli.php"), command, json.dumps(argument or {})],
            cwd=self.root,
            env={**os.environ, "LEADSMANAGER_TEST_WP_URL": self.url},
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )
        if done.returncode != 0:
            raise AssertionError(f"cli.php {command} failed ({done.returncode}): {done.stdout}{done.stderr}")
        return json.loads(done.stdout.strip().splitlines()[-1])

    def submit(self, source: str, payload: dict[str, Any]) -> None:
        """A visitor sends a form of `source` (formidable, gravityforms, cf7, elementor)."""
        data = {"action": "leadsmanager_test_submit", "source": source, "payload": json.dumps(payload)}
        response = httpx.post(self.url + "/wp-admin/admin-ajax.php", data=data, timeout=30)
        assert response.json() == {"success": True, "data": "sent"}, response.text

    def engine(self) -> Engine:
        """The site's own database."""
        assert self._site_db is not None, "the site is not started"
        return self._site_db

    def let_settle(self) -> None:
        """Moves every recorded submission a minute back: past the plugin's settling delay."""
        with self.engine().begin() as connection:
            connection.execute(text(f"UPDATE {TABLE} SET created_at = created_at - INTERVAL 1 MINUTE"))

    def problems_logged(self) -> list[str]:
        """PHP notices, warnings and errors the plugin caused, as WordPress's debug log has them."""
        if not self.log.exists():
            return []
        return [line for line in self.log.read_text().splitlines() if PLUGIN.name in line or "LeadsManager" in line]
