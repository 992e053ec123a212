"""`leadsmanager import legacy` on the embedded default, reading the original system on MariaDB: the status
table it prints, a dry run's counts and reasons, the import, and then the intralog-legacy sync of the same
WordPress entries creating nothing twice."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
import sqlalchemy as sa
from click.testing import CliRunner, Result

from leadsmanager.adapters.sql.engine import make_engine, make_session_factory
from leadsmanager.adapters.sql.unit_of_work import SqlAlchemyUnitOfWork
from leadsmanager.domain.pipeline import INTRALOG, StageChange
from leadsmanager.entrypoints.cli import main
from tests.conftest import MYSQL_URL
from tests.integration.fake_sources.intralog import FakeIntralog
from tests.integration.fake_sources.site import PASSWORD, USERNAME
from tests.integration.legacy_db import history_row, insert, insert_users, legacy_database, submission_row, user_row
from tests.integration.test_intralog_sync_cli import documented_settings, form_4

pytestmark = pytest.mark.mariadb
Cli = Callable[..., Result]


@pytest.fixture
def legacy(mysql_engine: sa.Engine) -> Iterator[str]:
    with legacy_database(MYSQL_URL) as (url, engine):
        insert_users(
            engine,
            user_row(1),
            user_row(2, email="", mail="solo.mail@intralog.example"),
            user_row(3, username="supervisora", role="supervisor"),
        )
        insert(
            engine,
            "formsapp_formsubmission",
            submission_row(1, estado="cotizado", assigned_user_id=2, management_message="Llamar el lunes"),
            submission_row(2, mail=None, telefono=" 011 4555 1234 ", estado="pendiente", data=None),
            submission_row(3, mail=None, telefono=None, data="{}"),
            submission_row(4, mail="cliente1@example.com"),
        )
        insert(engine, "formsapp_leadhistory", history_row(1, 1, "pendiente", "cotizado", None, "2025-01-03 10:00:00"))
        yield url


@pytest.fixture
def site() -> Iterator[FakeIntralog]:
    with FakeIntralog() as fake:
        yield fake


@pytest.fixture
def cli(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, site: FakeIntralog) -> Cli:
    monkeypatch.chdir(tmp_path)
    env = documented_settings() | {
        "LEADSMANAGER_DATA_DIR": str(tmp_path / "data"),
        "LEADSMANAGER_DATABASE_URL": f"sqlite:///{tmp_path / 'cli.sqlite3'}",
        "LEADSMANAGER_PHONE_REGION": "AR",
        "LEADSMANAGER_WORDPRESS_INTRALOG_URL": site.url,
        "LEADSMANAGER_WORDPRESS_INTRALOG_USER": USERNAME,
        "LEADSMANAGER_WORDPRESS_INTRALOG_PASSWORD": PASSWORD,
    }
    return lambda *args: CliRunner().invoke(main, list(args), env=env)


def use_intralog_stages(cli: Cli, tmp_path: Path) -> None:
    """As `pipeline apply intralog` will, once reports count any stage (it refuses the preset until then)."""
    assert cli("pipeline", "list").exit_code == 0  # the embedded database, created and migrated
    engine = make_engine(f"sqlite:///{tmp_path / 'cli.sqlite3'}")
    with SqlAlchemyUnitOfWork(make_session_factory(engine)) as uow:
        uow.pipeline.replace(INTRALOG, StageChange(datetime(2026, 1, 1, tzinfo=UTC), "test", "apply", "intralog"))
        uow.commit()
    engine.dispose()


def test_the_import_says_what_it_does_and_the_sync_then_creates_nothing_twice(
    cli: Cli, legacy: str, site: FakeIntralog, tmp_path: Path
) -> None:
    refused = cli("import", "legacy", "--from", legacy, "--site", "intralog")
    assert refused.exit_code == 6
    assert "run `leadsmanager pipeline apply intralog` first, or pass --status old=new" in refused.stderr
    use_intralog_stages(cli, tmp_path)
    unknown = cli("import", "legacy", "--from", legacy, "--site", "shop")
    assert (unknown.exit_code, unknown.stderr) == (
        3,
        "error: --site 'shop' is not a configured WordPress site (configured: intralog)\n",
    )

    dry = cli(
        "import", "legacy", "--from", legacy, "--site", "intralog", "--dry-run", "--status", "pospuesto=avanzando"
    )
    assert dry.exit_code == 0, dry.output
    out = dry.stdout.splitlines()
    assert out[0] == "estado -> stage"
    assert {"pendiente\tesperandoDatos", "pospuesto\tavanzando", "gestionExitosa\tnuevoCliente"} <= set(out)
    assert "users to create: 2" in out
    assert "users to skip: 1 (unknown role 'supervisor') e.g. user 3 ('supervisora')" in out
    assert "the leads of skipped users come over unassigned, their history changes as a deleted user's" in out
    assert "leads to create: 2" in out
    assert "leads to merge: 1 (same email as an open lead) e.g. row 4 (intralog/4/1004)" in out
    assert "leads to skip: 1 (no email and no phone) e.g. row 3 (intralog/4/1003)" in out
    assert out[-1] == "dry run: nothing was written"

    done = cli("import", "legacy", "--from", legacy, "--site", "intralog", "--progress")
    assert done.exit_code == 0, done.output
    assert "4 leads read" in done.stderr
    again = cli("import", "legacy", "--from", legacy, "--site", "intralog")
    assert "users existing: 2 (an account has this email)" in again.stdout
    assert "leads skipped: 3 (already imported) e.g. row 1 (intralog/4/1001), row 2 (intralog/4/1002), row 4" in (
        again.stdout
    )

    # The same WordPress entries, as INTRALOG's Custom Form API lists them: nothing is created twice.
    site.add("4", *(form_4(n) for n in (1001, 1002, 1004)))
    synced = cli("sync", "--site", "intralog", "--form", "4")
    assert synced.exit_code == 0, synced.output
    assert "created 0, merged 0, duplicates 3" in synced.stdout


def test_the_urls_password_is_never_printed(cli: Cli, tmp_path: Path) -> None:
    use_intralog_stages(cli, tmp_path)
    for url in ("mysql+pymysql://root:s3cr3t-pw@127.0.0.1:9/gone", "mysql+nosuchdriver://root:s3cr3t-pw@h/db", "::"):
        result = cli("import", "legacy", "--from", url, "--site", "intralog")
        assert result.exit_code == 8, result.output
        assert "s3cr3t-pw" not in result.output and result.stderr.startswith("error: ")
