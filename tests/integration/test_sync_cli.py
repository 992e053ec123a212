"""`leadsmanager sync` against fake WordPress sites on loopback, configured only through the environment."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result
from sqlalchemy import Engine, select

from leadsmanager.adapters.sql.tables import leads
from leadsmanager.application.job_types import TaskName
from leadsmanager.domain.errors import ValidationError
from leadsmanager.entrypoints.bootstrap.container import build
from leadsmanager.entrypoints.bootstrap.settings import Settings
from leadsmanager.entrypoints.cli import main
from tests.conftest import MYSQL_URL, empty
from tests.integration.fake_wordpress import PASSWORD, USERNAME, FakeWordPress

Cli = Callable[..., Result]
SECONDS = re.compile(r" \(\d+\.\d s\)$")


@pytest.fixture
def shop() -> Iterator[FakeWordPress]:
    with FakeWordPress() as server:
        yield server


@pytest.fixture
def blog() -> Iterator[FakeWordPress]:
    with FakeWordPress() as server:
        yield server


def site_env(name: str, server: FakeWordPress, forms: str, *, password: str = PASSWORD) -> dict[str, str]:
    prefix = f"LEADSMANAGER_WORDPRESS_{name.upper()}_"
    return {
        prefix + "URL": server.url,
        prefix + "USER": USERNAME,
        prefix + "PASSWORD": password,
        prefix + "FORMS": forms,
        prefix + "FIELDS": ",".join(
            f"{f}:first-name=name,{f}:last-name=name,{f}:your-email=email" for f in forms.split(",")
        ),
    }


@pytest.fixture
def env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, shop: FakeWordPress, blog: FakeWordPress) -> dict[str, str]:
    monkeypatch.chdir(tmp_path)  # no stray .env file
    return {
        "LEADSMANAGER_DATABASE_URL": f"sqlite:///{tmp_path / 'cli.sqlite3'}",
        "LEADSMANAGER_WORDPRESS_SITES": "shop,blog",
        **site_env("shop", shop, "contact,quote"),
        **site_env("blog", blog, "7"),
    }


@pytest.fixture
def cli(env: dict[str, str]) -> Cli:
    def run(*args: str, **changes: str) -> Result:
        return CliRunner().invoke(main, list(args), env={**env, **changes})

    return run


def raw(n: int) -> dict[str, Any]:
    fields = {"first-name": "Person", "last-name": str(n), "your-email": f"person{n}@example.com"}
    return {"id": n, "created_at": f"2026-03-01T09:{n:02d}:00Z", "fields": fields}


def stdout_lines(result: Result) -> list[str]:
    """The per-form lines, without the run time that ends each successful one."""
    return [SECONDS.sub("", line) for line in result.stdout.splitlines()]


@pytest.fixture
def filled(shop: FakeWordPress, blog: FakeWordPress) -> None:
    shop.add("contact", *(raw(n) for n in range(1, 4)))
    shop.add("quote")
    blog.add("7", raw(20), raw(21))


def test_sync_imports_each_form_and_a_second_run_finds_nothing_new(cli: Cli, filled: None) -> None:
    first = cli("sync", "--progress")
    assert first.exit_code == 0, first.output
    assert stdout_lines(first) == [
        "shop/contact: fetched 3, created 3, merged 0, duplicates 0, rejected 0, cursor start -> 3",
        "shop/quote: fetched 0, created 0, merged 0, duplicates 0, rejected 0, cursor start -> start",
        "blog/7: fetched 2, created 2, merged 0, duplicates 0, rejected 0, cursor start -> 21",
    ]
    assert all(SECONDS.search(line) for line in first.stdout.splitlines())
    assert first.stderr.splitlines() == [
        "shop/contact: 3 fetched so far, cursor at 3",
        "shop/quote: 0 fetched so far, cursor at start",
        "blog/7: 2 fetched so far, cursor at 21",
    ]
    listed = cli("leads", "list", "--source", "wordpress").stdout
    assert "Person 1" in listed and "Person 21" in listed

    second = cli("sync", "--quiet")
    assert second.exit_code == 0 and second.stderr == ""
    assert stdout_lines(second)[0] == (
        "shop/contact: fetched 0, created 0, merged 0, duplicates 0, rejected 0, rechecked 3, cursor 3 -> 3"
    )


def test_a_failing_site_is_reported_exits_8_and_the_other_site_is_imported(
    cli: Cli, filled: None, blog: FakeWordPress
) -> None:
    failed = cli("sync", LEADSMANAGER_WORDPRESS_BLOG_PASSWORD="not the password")
    assert failed.exit_code == 8
    lines = stdout_lines(failed)
    assert lines[0].startswith("shop/contact: fetched 3, created 3")
    assert lines[2] == (
        "blog/7: failed: the site refused our credentials (HTTP 401, incorrect_password): check the user and "
        "application password (fetched 0, created 0, merged 0, duplicates 0, rejected 0, cursor start -> start)"
    )
    assert "not the password" not in failed.output

    status = cli("sync", "--status", LEADSMANAGER_WORDPRESS_BLOG_PASSWORD="not the password")
    assert status.exit_code == 0
    shop_line, quote_line, blog_line = status.stdout.splitlines()
    assert re.fullmatch(
        r"shop/contact: cursor 3, imported 3, last run \d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC, ok", shop_line
    )
    assert quote_line.startswith("shop/quote: cursor start, imported 0, last run ")
    assert blog_line.startswith("blog/7: cursor start, imported 0, last run ")
    assert blog_line.endswith(
        ", last error: the site refused our credentials (HTTP 401, incorrect_password): "
        "check the user and application password"
    )

    fixed = cli("sync", "--site", "blog")
    assert fixed.exit_code == 0
    assert stdout_lines(fixed) == [
        "blog/7: fetched 2, created 2, merged 0, duplicates 0, rejected 0, cursor start -> 21",
    ]
    assert cli("sync", "--status", "--site", "blog").stdout.endswith(", ok\n")


def test_filters_pick_forms_and_unknown_names_are_one_line_errors(cli: Cli, filled: None) -> None:
    only = cli("sync", "--form", "quote", "--quiet")
    assert [line.split(":")[0] for line in stdout_lines(only)] == ["shop/quote"]
    assert cli("sync", "--status").stdout.splitlines()[0] == "shop/contact: never synced"
    unknown = cli("sync", "--site", "nope")
    assert (unknown.exit_code, unknown.output) == (4, "error: no WordPress site 'nope' is configured\n")


def test_a_configuration_mistake_stops_every_command_with_one_line_naming_the_variable(cli: Cli) -> None:
    for args in (["sync"], ["users", "list"]):
        broken = cli(*args, LEADSMANAGER_WORDPRESS_SHOP_URL="")
        assert broken.exit_code == 3
        assert broken.output.startswith("error: ") and broken.output.count("\n") == 1
        assert "LEADSMANAGER_WORDPRESS_SHOP_URL is not set" in broken.output and PASSWORD not in broken.output


def test_without_sites_the_sync_says_so_and_succeeds(cli: Cli) -> None:
    for args in (["sync"], ["sync", "--status"]):
        result = cli(*args, LEADSMANAGER_WORDPRESS_SITES="")
        assert (result.exit_code, result.stdout) == (
            0,
            "no WordPress forms are configured (LEADSMANAGER_WORDPRESS_SITES is empty)\n",
        )


def test_settings_carry_the_sites_parsed_from_the_environment(env: dict[str, str]) -> None:
    settings = Settings.from_env(env, env_file=None)
    assert [site.name for site in settings.wordpress_sites] == ["shop", "blog"]
    assert [(f.site, f.form_id) for s in settings.wordpress_sites for f in s.synced_forms()] == [
        ("shop", "contact"),
        ("shop", "quote"),
        ("blog", "7"),
    ]
    assert PASSWORD not in repr(settings)
    assert Settings.from_env({}, env_file=None).wordpress_sites == ()


@pytest.mark.mariadb
def test_on_mariadb_the_cli_syncs_forms_side_by_side_into_the_same_leads(
    cli: Cli, filled: None, shop: FakeWordPress, mysql_engine: Engine
) -> None:
    empty(mysql_engine)
    shop.add("quote", raw(1), raw(30))  # Person 1 writes in through both of the shop's forms
    fields = ",".join(f"{f}:first-name=name,{f}:last-name=name,{f}:your-email=email" for f in ("contact", "quote"))
    on_mariadb = {
        "LEADSMANAGER_DATABASE_URL": MYSQL_URL,
        "LEADSMANAGER_SYNC_CONCURRENCY": "3",
        "LEADSMANAGER_WORDPRESS_SHOP_FIELDS": fields,  # by email, so that Person 1's second form joins the first
    }
    first = cli("sync", "--progress", **on_mariadb)
    assert first.exit_code == 0, first.output
    lines = stdout_lines(first)
    assert [line.split(":")[0] for line in lines] == ["shop/contact", "shop/quote", "blog/7"]  # as configured
    assert sorted(first.stderr.splitlines()) == [
        "blog/7: 2 fetched so far, cursor at 21",
        "shop/contact: 3 fetched so far, cursor at 3",
        "shop/quote: 2 fetched so far, cursor at 30",
    ]
    assert (total(lines, "created"), total(lines, "merged")) == (6, 1)
    again = cli("sync", "--quiet", **on_mariadb)
    assert all("fetched 0," in line for line in stdout_lines(again))


def total(lines: list[str], outcome: str) -> int:
    return sum(int(found[1]) for line in lines if (found := re.search(rf"{outcome} (\d+)", line)))


def test_sync_concurrency_below_one_is_refused_with_the_variable_named(env: dict[str, str]) -> None:
    with pytest.raises(ValidationError, match="LEADSMANAGER_SYNC_CONCURRENCY must be at least 1"):
        Settings.from_env({**env, "LEADSMANAGER_SYNC_CONCURRENCY": "0"}, env_file=None)
    assert Settings.from_env(env, env_file=None).sync_concurrency == 2


@pytest.mark.mariadb
def test_the_scheduled_sync_job_on_mariadb_imports_every_form_side_by_side(
    env: dict[str, str], filled: None, mysql_engine: Engine
) -> None:
    empty(mysql_engine)
    settings = Settings.from_env({**env, "LEADSMANAGER_DATABASE_URL": MYSQL_URL}, env_file=None)
    c = build(settings)
    try:
        c.task_handlers()[TaskName.SYNC_FORMS]()  # as a worker runs it when the scheduler queues it
        cursors = {(x.site, x.form_id): x.after_id for x in c.sync_forms().status()}
        with mysql_engine.connect() as connection:
            names = connection.execute(select(leads.c.contact_name).order_by(leads.c.contact_name)).scalars().all()
    finally:
        c.shutdown_resources()
    assert cursors == {("shop", "contact"): "3", ("shop", "quote"): None, ("blog", "7"): "21"}
    assert names == ["Person 1", "Person 2", "Person 20", "Person 21", "Person 3"]
