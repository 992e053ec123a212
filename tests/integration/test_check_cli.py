"""`leadsmanager check` against real services and loopback fakes; `serve` refusing an insecure production setup."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from sqlalchemy import Engine, text

from leadsmanager.entrypoints.cli import main
from tests.conftest import MYSQL_URL, NOBODY_LISTENS
from tests.integration.fake_http import Answer, FakeHttpServer, Received, running
from tests.integration.fake_wordpress import PASSWORD, USERNAME, FakeWordPress, Fault
from tests.integration.serving import serving

Cli = Callable[..., Result]
PERFIT_KEY = "perfit-key-for-tests"
SECURE = {
    "LEADSMANAGER_ENV": "production",
    "LEADSMANAGER_SECRET_KEY": "k" * 20 + "a long random production secret",
    "LEADSMANAGER_ALLOWED_HOSTS": "leads.example.com",
    "LEADSMANAGER_SECURE_COOKIES": "true",
}


class FakePerfit(FakeHttpServer):
    """Perfit's answer to an empty send: 400 for a good key, 401 for any other; 404 once `gone`."""

    gone = False

    def record(self, request: Received) -> Answer:
        super().record(request)
        if self.gone:
            return Answer(404, "<html>Not Found</html>")
        if request.headers.get("authorization") == f"Bearer {PERFIT_KEY}":
            return Answer.json(400, {"error": {"type": "validation_error"}})
        return Answer.json(401, {"error": {"type": "unauthorized"}})


@pytest.fixture
def wordpress() -> Iterator[FakeWordPress]:
    with FakeWordPress() as site:
        site.add("contact")
        yield site


@pytest.fixture
def perfit() -> Iterator[FakePerfit]:
    with serving(FakePerfit()) as server:
        yield server


@pytest.fixture
def slack() -> Iterator[FakeHttpServer]:
    with running() as server:
        server.default = Answer(400, "no_text")
        yield server


@pytest.fixture
def env(tmp_path: Path, wordpress: FakeWordPress, perfit: FakePerfit, slack: FakeHttpServer) -> dict[str, str]:
    return {
        "LEADSMANAGER_DATA_DIR": str(tmp_path / "data"),
        "LEADSMANAGER_DATABASE_URL": f"sqlite:///{tmp_path / 'check.sqlite3'}",
        "LEADSMANAGER_WORDPRESS_SITES": "shop",
        "LEADSMANAGER_WORDPRESS_SHOP_URL": wordpress.url,
        "LEADSMANAGER_WORDPRESS_SHOP_USER": USERNAME,
        "LEADSMANAGER_WORDPRESS_SHOP_PASSWORD": PASSWORD,
        "LEADSMANAGER_WORDPRESS_SHOP_FORMS": "contact",
        "LEADSMANAGER_PERFIT_TRANSACTIONAL": "true",
        "LEADSMANAGER_PERFIT_API_KEY": PERFIT_KEY,
        "LEADSMANAGER_PERFIT_URL": perfit.url,
        "LEADSMANAGER_MAIL_FROM": "leads@example.com",
        "LEADSMANAGER_SLACK_WEBHOOK_URL": slack.url + "/services/T000/B000/webhook-secret",
    }


@pytest.fixture
def cli(env: dict[str, str], monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Cli:
    monkeypatch.chdir(tmp_path)  # no stray .env file

    def run(*args: str, **changes: str) -> Result:
        return CliRunner().invoke(main, list(args), env={**env, **changes})

    return run


def report(result: Result) -> dict[str, tuple[str, str]]:
    """item -> (ok or FAIL, detail); config may repeat, so its lines are numbered."""
    found: dict[str, tuple[str, str]] = {}
    for line in result.stdout.splitlines():
        state, name, detail = line.split(maxsplit=2)
        key = name if name not in found else f"{name}#{sum(k.startswith(name) for k in found) + 1}"
        found[key] = (state, detail)
    return found


def test_everything_reachable_is_one_ok_line_each_and_exit_0(cli: Cli, redis_url: str) -> None:
    result = cli("check", LEADSMANAGER_REDIS_URL=redis_url)
    assert result.exit_code == 0, result.output
    lines = report(result)
    assert list(lines) == ["config", "database", "redis", "wordpress:shop", "email", "perfit", "slack"]
    assert {state for state, _ in lines.values()} == {"ok"}
    assert lines["config"][1] == "development mode; production would refuse 3 setting(s)"
    assert lines["wordpress:shop"][1].endswith("answers and accepts our credentials (form contact)")


def test_each_failure_is_a_fail_line_naming_why_and_exit_1(
    cli: Cli, wordpress: FakeWordPress, slack: FakeHttpServer
) -> None:
    slack.default = Answer(404, "no_service")
    result = cli(
        "check",
        LEADSMANAGER_REDIS_URL=f"redis://:redis-secret@{NOBODY_LISTENS}/0",
        LEADSMANAGER_WORDPRESS_SHOP_PASSWORD="wrong wordpress password",
        LEADSMANAGER_PERFIT_API_KEY="revoked-perfit-key",
    )
    assert result.exit_code == 1
    lines = report(result)
    assert lines["redis"][0] == "FAIL" and "Connection refused" in lines["redis"][1]
    assert lines["wordpress:shop"] == (
        "FAIL",
        "the site refused our credentials (HTTP 401, incorrect_password): check the user and application password",
    )
    assert lines["perfit"] == ("FAIL", "the API key was refused (HTTP 401)")
    assert lines["slack"] == ("FAIL", "the webhook was refused (HTTP 404): it was revoked or is mistyped")
    assert lines["database"][0] == "ok"
    for secret in ("redis-secret", "wrong wordpress password", "revoked-perfit-key", "webhook-secret"):
        assert secret not in result.output


def test_a_site_that_hangs_fails_within_the_short_timeout(cli: Cli, wordpress: FakeWordPress) -> None:
    wordpress.fail_next(Fault.hanging(20))
    started = time.monotonic()
    result = cli("check")
    assert time.monotonic() - started < 10
    assert result.exit_code == 1
    assert report(result)["wordpress:shop"] == ("FAIL", "no answer in time (ReadTimeout)")


def test_production_with_insecure_settings_fails_one_line_each(cli: Cli) -> None:
    result = cli(
        "check",
        LEADSMANAGER_ENV="production",
        LEADSMANAGER_DEBUG="true",
        LEADSMANAGER_SECRET_KEY="changeme",
        LEADSMANAGER_ALLOWED_HOSTS="*",
    )
    assert result.exit_code == 1
    config = [
        detail for name, (state, detail) in report(result).items() if name.startswith("config") and state == "FAIL"
    ]
    assert config == [
        "LEADSMANAGER_DEBUG is on: error pages would show code and data",
        "LEADSMANAGER_SECRET_KEY is weak: use at least 32 random characters",
        "LEADSMANAGER_ALLOWED_HOSTS must name the site's host names (not '*', not only localhost)",
        "LEADSMANAGER_SECURE_COOKIES is off: session cookies would also travel over plain HTTP",
    ]
    assert "changeme" not in result.output


def test_secure_production_settings_pass(cli: Cli) -> None:
    result = cli("check", **SECURE)
    assert result.exit_code == 0, result.output
    assert report(result)["config"] == ("ok", "production, secure")


def test_a_perfit_that_is_gone_is_no_healthy_perfit(cli: Cli, perfit: FakePerfit) -> None:
    perfit.gone = True  # what a discontinued service answers
    result = cli("check")
    assert result.exit_code == 1
    state, detail = report(result)["perfit"]
    assert state == "FAIL" and "HTTP 404" in detail


def test_a_perfit_key_without_the_explicit_choice_is_ignored_and_said_so(cli: Cli) -> None:
    result = cli("check", LEADSMANAGER_PERFIT_TRANSACTIONAL="", LEADSMANAGER_SMTP_HOST="smtp.example.com")
    lines = report(result)
    assert lines["email"] == ("ok", "sent through smtp")
    assert lines["perfit"][0] == "ok" and "ignored" in lines["perfit"][1]


def test_production_without_an_email_channel_fails_its_check(cli: Cli) -> None:
    result = cli("check", **SECURE, LEADSMANAGER_PERFIT_TRANSACTIONAL="", LEADSMANAGER_PERFIT_API_KEY="")
    assert result.exit_code == 1
    state, detail = report(result)["email"]
    assert state == "FAIL" and "no email channel in production" in detail and "LEADSMANAGER_SMTP_HOST" in detail
    with_smtp = cli("check", **SECURE, LEADSMANAGER_PERFIT_TRANSACTIONAL="", LEADSMANAGER_SMTP_HOST="smtp.example.com")
    assert report(with_smtp)["email"] == ("ok", "sent through smtp")


def test_an_unreadable_configuration_is_the_one_fail_line(cli: Cli) -> None:
    for setting, message in (
        ({"LEADSMANAGER_ENV": "staging"}, "LEADSMANAGER_ENV must be one of development, production, not 'staging'"),
        ({"LEADSMANAGER_WORDPRESS_SHOP_URL": ""}, "LEADSMANAGER_WORDPRESS_SHOP_URL is not set"),
    ):
        result = cli("check", **setting)
        assert result.exit_code == 1
        [line] = result.stdout.splitlines()
        assert line.startswith("FAIL  config ") and line.endswith(message)


def test_notifier_settings_that_cannot_work_fail(cli: Cli) -> None:
    result = cli("check", LEADSMANAGER_MAIL_FROM="", LEADSMANAGER_SLACK_WEBHOOK_URL="http://hooks.example.com/x")
    assert result.exit_code == 1
    assert report(result)["notifiers"] == ("FAIL", "LEADSMANAGER_MAIL_FROM must be set to send through Perfit")


@pytest.mark.mariadb
def test_mariadb_down_out_of_date_and_up_to_date(cli: Cli, mysql_engine: Engine) -> None:
    down = cli("check", LEADSMANAGER_DATABASE_URL=f"mysql+pymysql://leads:db-secret@{NOBODY_LISTENS}/leads")
    assert down.exit_code == 1
    state, detail = report(down)["database"]
    assert state == "FAIL" and detail.startswith("mysql+pymysql://leads:***@127.0.0.1:9/leads") and "2003" in detail
    assert "db-secret" not in down.output
    up = cli("check", LEADSMANAGER_DATABASE_URL=MYSQL_URL)
    assert report(up)["database"][1].endswith(": answers, schema up to date") and up.exit_code == 0
    with mysql_engine.begin() as connection:
        version = connection.execute(text("SELECT version_num FROM alembic_version")).scalar_one()
        connection.execute(text("UPDATE alembic_version SET version_num = '0001'"))
    try:
        behind = cli("check", LEADSMANAGER_DATABASE_URL=MYSQL_URL)
    finally:
        with mysql_engine.begin() as connection:
            connection.execute(text("UPDATE alembic_version SET version_num = :v"), {"v": version})
    assert behind.exit_code == 1
    assert report(behind)["database"][1].endswith("the schema is out of date: run `leadsmanager db upgrade`")


def test_serve_refuses_insecure_production_settings_one_line_each(cli: Cli) -> None:
    result = cli("serve", LEADSMANAGER_ENV="production", LEADSMANAGER_SECRET_KEY="", LEADSMANAGER_SECURE_COOKIES="no")
    assert result.exit_code == 3
    assert result.stderr.splitlines() == [
        "error: LEADSMANAGER_SECRET_KEY is not set: each instance would sign with a key of its own",
        "error: LEADSMANAGER_ALLOWED_HOSTS must name the site's host names (not '*', not only localhost)",
        "error: LEADSMANAGER_SECURE_COOKIES is off: session cookies would also travel over plain HTTP",
    ]


@pytest.mark.mariadb
def test_the_unix_socket_url_of_cloud_sql_reaches_the_database(cli: Cli, mysql_engine: Engine) -> None:
    """docs/deploy.md's form for Cloud SQL, against this MariaDB's own socket."""
    with mysql_engine.connect() as connection:
        socket_path = connection.execute(text("SELECT @@socket")).scalar_one()
    url = mysql_engine.url.set(host=None, port=None).update_query_dict({"unix_socket": socket_path})
    result = cli("check", LEADSMANAGER_DATABASE_URL=url.render_as_string(hide_password=False))
    assert report(result)["database"][0] == "ok", result.output
