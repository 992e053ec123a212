"""Operator commands: clear one-line errors, non-zero exits, nothing half-written."""

from __future__ import annotations

import json
import os
import re
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import Result

from tests.conftest import MYSQL_URL, UowFactory
from tests.integration.conftest import Cli

PASSWORD = "a long enough password\n"


def lines(result: Result) -> list[str]:
    return result.output.strip().splitlines()


def test_an_operator_sets_up_users(cli: Cli) -> None:
    assert cli("db", "upgrade").output == "database is up to date\n"
    made = cli(
        "users",
        "create",
        "--email",
        "Boss@Example.com",
        "--name",
        "Bo Boss",
        "--role",
        "admin",
        "--password-stdin",
        stdin=PASSWORD,
    )
    assert made.exit_code == 0, made.output
    assert made.output == "created user 1 boss@example.com (admin)\n"
    cli(
        "users",
        "create",
        "--email",
        "rita@example.com",
        "--name",
        "Rita",
        "--role",
        "employee",
        "--password-stdin",
        stdin=PASSWORD,
    )
    assert cli("users", "set-role", "rita@example.com", "manager").output == "rita@example.com is now manager\n"
    assert cli("users", "deactivate", "rita@example.com").exit_code == 0
    assert lines(cli("users", "list")) == [
        "1\tboss@example.com\tBo Boss\tadmin\tactive",
        "2\trita@example.com\tRita\tmanager\tinactive",
    ]


def test_bad_input_is_one_line_a_non_zero_exit_and_nothing_written(cli: Cli) -> None:
    bad_role = cli(
        "users",
        "create",
        "--email",
        "x@example.com",
        "--name",
        "X",
        "--role",
        "boss",
        "--password-stdin",
        stdin=PASSWORD,
    )
    assert bad_role.exit_code == 3
    assert lines(bad_role) == ["error: unknown role 'boss'; use one of: admin, manager, employee"]
    weak = cli(
        "users",
        "create",
        "--email",
        "x@example.com",
        "--name",
        "X",
        "--role",
        "admin",
        "--password-stdin",
        stdin="short\n",
    )
    assert weak.exit_code == 3 and len(lines(weak)) == 1 and "password" in weak.output
    assert cli("users", "list").output == ""
    missing = cli("users", "deactivate", "ghost@example.com")
    assert (missing.exit_code, lines(missing)) == (4, ["error: no user has email 'ghost@example.com'"])


def test_the_last_admin_cannot_be_deactivated(cli: Cli) -> None:
    cli(
        "users",
        "create",
        "--email",
        "boss@example.com",
        "--name",
        "Bo",
        "--role",
        "admin",
        "--password-stdin",
        stdin=PASSWORD,
    )
    refused = cli("users", "deactivate", "boss@example.com")
    assert refused.exit_code == 6 and "last active admin" in refused.output
    assert "active" in cli("users", "list").output


def test_leads_are_entered_listed_and_shown(cli: Cli) -> None:
    assert cli("leads", "add", "--name", "Ana García", "--email", "ANA@example.com").output == "lead 1 created\n"
    assert cli("leads", "add", "--name", "Ana", "--email", "ana@example.com", "--message", "again").output == (
        "lead 1 merged\n"
    )
    cli("leads", "add", "--name", "Bo", "--phone", "(202) 555-0143")
    listed = lines(cli("leads", "list", "--limit", "1"))
    assert listed[0].startswith("2\t") and listed[0].endswith("\tnew\tmanual\tBo\t+12025550143")
    assert listed[1].startswith("more: --cursor ")
    rest = lines(cli("leads", "list", "--limit", "1", "--cursor", listed[1].split()[-1]))
    assert rest[0].startswith("1\t")
    assert [x.split("\t")[0] for x in lines(cli("leads", "list", "--search", "garc"))] == ["1"]
    shown = cli("leads", "show", "1").output
    assert "email: ana@example.com" in shown and "resubmission:" in shown and '"message": "again"' in shown
    bad = cli("leads", "add", "--name", "", "--email", "nope")
    assert bad.exit_code == 3 and "name: enter a name" in bad.output and "email" in bad.output
    assert cli("leads", "show", "99").exit_code == 4
    assert cli("leads", "list", "--status", "dormant").exit_code == 3


@pytest.mark.mariadb
def test_the_installed_command_runs_on_mariadb(mysql_uow: UowFactory, tmp_path: Path) -> None:
    env = {**os.environ, "LEADSMANAGER_DATABASE_URL": MYSQL_URL}
    create = ["users", "create", "--email", "ops@example.com", "--name", "Ops", "--role", "admin", "--password-stdin"]
    for args, stdin in ((["db", "upgrade"], ""), (create, PASSWORD), (["users", "list"], "")):
        done = subprocess.run(
            [sys.executable, "-m", "leadsmanager", *args],
            input=stdin,
            env=env,
            cwd=tmp_path,
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        )
        assert done.returncode == 0, done.stderr
    assert "ops@example.com\tOps\tadmin\tactive" in done.stdout
    with mysql_uow() as uow:
        assert [u.email for u in uow.users.list()] == ["ops@example.com"]


def test_api_keys_are_shown_once_listed_without_secret_and_revoked(cli: Cli) -> None:
    made = lines(cli("api-keys", "create", "Website", "--scope", "leads:write"))
    assert made[0].startswith("created API key 1 ") and made[1].startswith("lm_")
    secret = made[1]
    listed = lines(cli("api-keys", "list"))
    assert listed[0].endswith("\tWebsite\tleads:write\tactive") and secret not in listed[0]
    assert cli("api-keys", "revoke", "1").output == "API key 1 (Website) is revoked\n"
    assert "revoked" in cli("api-keys", "list").output
    bad = cli("api-keys", "create", "X", "--scope", "leads:delete")
    assert bad.exit_code == 3 and "unknown scope" in bad.output


def test_the_password_rule_is_told_before_the_password_is_typed_twice(cli: Cli) -> None:
    create = ["users", "create", "--email", "new@example.com", "--name", "New", "--role", "employee"]

    made = cli(*create, stdin="short\na long enough password\na long enough password\n")

    assert made.exit_code == 0, made.output
    first_prompt, rest = made.output.split("\n", 1)
    assert first_prompt.startswith("Password (at least 10 characters)")
    refused, repeat = rest.split("Repeat for confirmation", 1)
    assert "a password needs at least 10 characters" in refused  # before it is asked for again
    assert "created user" in repeat


def test_leads_show_escapes_control_characters_stored_in_a_lead(cli: Cli, tmp_path: Path) -> None:
    """Text written into the database by any other way (an old version, a hand-made row) cannot drive
    the operator's terminal: no clear screen, no fake line, no clipboard write (OSC 52)."""
    assert cli("leads", "add", "--name", "Plain", "--email", "plain@example.com").exit_code == 0
    clear, bell, osc52 = "\x1b[2J", "\x07", "\x1b]52;c;cm0gLXJmIH4=\x07"
    with sqlite3.connect(tmp_path / "cli.sqlite3") as database:
        database.execute(
            "UPDATE leads SET contact_name = ?, message = ?, extras = ? WHERE id = 1",
            (f"Eve{clear}", f"first line\nstatus: won{osc52}\rhidden", json.dumps({"budget\x1b[8m": f"5k{bell}"})),
        )
        note = f"called{osc52}\nassignee: admin"
        database.execute(
            "INSERT INTO lead_history (lead_id, field, new, at) VALUES (1, 'note', ?, '2026-03-01 09:00:00')", (note,)
        )
    shown = cli("leads", "show", "1")
    assert shown.exit_code == 0, shown.output
    assert "\x1b" not in shown.output and "\x07" not in shown.output and "\r" not in shown.output
    assert "name: Eve\\x1b[2J" in shown.output
    assert "message: first line\n    status: won\\x1b]52;c;cm0gLXJmIH4=\\x07\\rhidden\n" in shown.output
    assert "extra budget\\x1b[8m: 5k\\x07" in shown.output
    assert "note: called\\x1b]52;c;cm0gLXJmIH4=\\x07\n      assignee: admin  (system)" in shown.output
    listed = cli("leads", "list").output
    assert "\tEve\\x1b[2J\t" in listed and "\x1b" not in listed


def test_leads_list_and_show_say_times_in_the_deployments_zone_labelled(
    cli: Cli, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("LEADSMANAGER_TIME_ZONE", "America/Argentina/Buenos_Aires")
    cli("leads", "add", "--name", "Ana", "--email", "ana@example.com")
    [listed] = lines(cli("leads", "list"))
    when = listed.split("\t")[1]
    assert re.fullmatch(r"\d{4}-\d\d-\d\d \d\d:\d\d UTC-03", when), listed  # as the pages say it, not bare UTC
    shown = cli("leads", "show", "1").output
    assert f"created: {when}\n" in shown
    assert re.search(r"\n  \d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC-03  status: new", shown), shown
