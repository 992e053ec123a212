"""`leadsmanager sync --failed` and `--replay`: synced submissions that could not become leads, listed and
retried through the mapping the environment gives now, against a fake WordPress site on loopback."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result

from leadsmanager.entrypoints.cli import main
from tests.integration.fake_wordpress import PASSWORD, USERNAME, FakeWordPress

Cli = Callable[..., Result]
MAPPED = "contact:your-name=name,contact:your-email=email"
FIXED = f"{MAPPED},contact:correo=email"  # the site's new email field, mapped at last
NO_CONTACT = "no email and no phone: map the form's fields in the site's _FIELDS"
SECONDS = re.compile(r" \(\d+\.\d s\)$")


@pytest.fixture
def shop() -> Iterator[FakeWordPress]:
    with FakeWordPress() as server:
        yield server


@pytest.fixture
def cli(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, shop: FakeWordPress) -> Cli:
    monkeypatch.chdir(tmp_path)  # no stray .env file
    env = {
        "LEADSMANAGER_DATABASE_URL": f"sqlite:///{tmp_path / 'cli.sqlite3'}",
        "LEADSMANAGER_WORDPRESS_SITES": "shop",
        "LEADSMANAGER_WORDPRESS_SHOP_URL": shop.url,
        "LEADSMANAGER_WORDPRESS_SHOP_USER": USERNAME,
        "LEADSMANAGER_WORDPRESS_SHOP_PASSWORD": PASSWORD,
        "LEADSMANAGER_WORDPRESS_SHOP_FORMS": "contact,quote",
        "LEADSMANAGER_WORDPRESS_SHOP_FIELDS": MAPPED,
    }

    def run(*args: str, fields: str = MAPPED) -> Result:
        return CliRunner().invoke(main, list(args), env={**env, "LEADSMANAGER_WORDPRESS_SHOP_FIELDS": fields})

    return run


def entry(n: int, **fields: str) -> dict[str, Any]:
    return {"id": n, "created_at": f"2026-03-01T09:{n:02d}:00Z", "fields": {"your-name": f"Person {n}", **fields}}


@pytest.fixture
def synced(cli: Cli, shop: FakeWordPress) -> Result:
    """Entries 2 and 4 put their email where the mapping does not look; 4 has none at all."""
    shop.add(
        "contact",
        entry(1, **{"your-email": "one@example.com"}),
        entry(2, correo="two@example.com"),
        entry(3, **{"your-email": "three@example.com"}),
        entry(4, comentario="llámenme"),
    )
    shop.add("quote")
    return cli("sync", "--quiet")


def columns(line: str) -> list[str]:
    return re.split(r"  +", line, maxsplit=5)


def test_the_sync_reports_what_it_kept_in_the_inbox_and_moves_on(synced: Result) -> None:
    assert synced.exit_code == 0, synced.output
    assert [SECONDS.sub("", line) for line in synced.stdout.splitlines()] == [
        "shop/contact: fetched 4, created 2, merged 0, duplicates 0, "
        "rejected 2 (kept in the failed-submissions inbox), cursor start -> 4",
        f"  rejected submission 2 (failed submission 1): {NO_CONTACT} (the fields received are 'correo', 'your-name')",
        f"  rejected submission 4 (failed submission 2): {NO_CONTACT} "
        "(the fields received are 'comentario', 'your-name')",
        "shop/quote: fetched 0, created 0, merged 0, duplicates 0, rejected 0, cursor start -> start",
    ]
    assert synced.stderr == (
        "2 kept in the failed-submissions inbox (`leadsmanager sync --failed`); once the site's mapping (_FIELDS) "
        "is fixed, `leadsmanager sync --replay ID` (or --replay-all) makes them leads\n"
    )


def test_failed_lists_the_inbox_in_columns_and_a_rerun_adds_nothing(cli: Cli, synced: Result) -> None:
    again = cli("sync", "--quiet")
    assert "rejected 0, rechecked 4, cursor 4 -> 4" in again.stdout and again.stderr == ""

    listed = cli("sync", "--failed")

    assert listed.exit_code == 0
    header, first, second = listed.stdout.splitlines()
    assert columns(header) == ["id", "received (UTC)", "via", "site/form", "entry", "reason"]
    assert columns(first)[:5] == ["1", columns(first)[1], "sync", "shop/contact", "2"]
    assert re.fullmatch(r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d", columns(first)[1])
    assert columns(first)[5] == f"{NO_CONTACT} (the fields received are 'correo', 'your-name')"
    assert columns(second)[:5] == ["2", columns(second)[1], "sync", "shop/contact", "4"]
    assert {len(line.split("sync")[0]) for line in (first, second)} == {header.index("via")}  # aligned
    assert listed.stderr.startswith("2 waiting; once the site's mapping (_FIELDS) is fixed")

    assert (
        cli("sync", "--failed", "--form", "quote").stderr == "no failed submissions of form quote wait in the inbox\n"
    )
    assert len(cli("sync", "--failed", "--site", "shop", "--form", "contact").stdout.splitlines()) == 3


def test_replay_through_the_fixed_mapping_makes_the_lead_and_empties_its_entry(cli: Cli, synced: Result) -> None:
    unfixed = cli("sync", "--replay", "1")
    assert unfixed.exit_code == 3
    assert unfixed.stdout == (
        f"failed submission 1 (shop/contact entry 2): still refused: {NO_CONTACT} "
        "(the fields received are 'correo', 'your-name')\n"
    )
    assert unfixed.stderr == (
        "error: 1 of 1 still refused and kept in the inbox: fix the site's mapping and replay again\n"
    )

    fixed = cli("sync", "--replay", "1", fields=FIXED)

    assert (fixed.exit_code, fixed.stdout) == (
        0,
        "failed submission 1 (shop/contact entry 2): replayed, created lead 3\n",
    )
    assert [columns(line)[0] for line in cli("sync", "--failed").stdout.splitlines()] == ["id", "2"]
    shown = cli("leads", "show", "3").stdout
    assert "two@example.com" in shown and "shop/contact/2" in shown
    later = cli("sync", "--quiet", fields=FIXED)
    assert "created 0" in later.stdout and "rejected 0, rechecked 4" in later.stdout
    assert (
        cli("sync", "--replay", "1", fields=FIXED).output == "error: no failed submission 1 is waiting in the inbox\n"
    )


def test_replay_all_retries_each_and_exits_3_while_any_is_still_refused(cli: Cli, synced: Result) -> None:
    replayed = cli("sync", "--replay-all", "--site", "shop", fields=FIXED)

    assert replayed.exit_code == 3
    assert replayed.stdout.splitlines() == [
        "failed submission 1 (shop/contact entry 2): replayed, created lead 3",
        f"failed submission 2 (shop/contact entry 4): still refused: {NO_CONTACT} "
        "(the fields received are 'comentario', 'your-name')",
    ]
    assert replayed.stderr.startswith("error: 1 of 2 still refused")
    [_, left] = cli("sync", "--failed").stdout.splitlines()
    assert columns(left)[0] == "2"

    nothing = cli("sync", "--replay-all", "--form", "quote")
    assert (nothing.exit_code, nothing.stderr) == (
        0,
        "nothing to replay: no failed submissions of form quote wait in the inbox\n",
    )


def test_an_unknown_id_exits_4_and_the_actions_do_not_mix(cli: Cli) -> None:
    unknown = cli("sync", "--replay", "42")
    assert (unknown.exit_code, unknown.output) == (4, "error: no failed submission 42 is waiting in the inbox\n")
    assert cli("sync", "--failed").stderr == "no failed submissions wait in the inbox\n"
    for args in (["--failed", "--status"], ["--replay", "1", "--replay-all"], ["--replay", "1", "--site", "shop"]):
        mixed = cli("sync", *args)
        assert mixed.exit_code == 2 and "Error:" in mixed.output
