"""Time `leadsmanager import legacy`: 10,000 leads of the original Django system with 30,000 history rows.

    .venv/bin/python bench/legacy_import_bench.py             # into a SQLite file
    .venv/bin/python bench/legacy_import_bench.py --mariadb   # into MariaDB

The original system's database is built on MariaDB with the test suite's copy of its schema
(tests/integration/legacy_db.py), as `<database>_legacy` beside the database of
LEADSMANAGER_BENCH_MYSQL_URL (default mysql+pymysql://root@127.0.0.1:3306/leadsmanager_bench_legacy),
which --mariadb imports into; both are created and dropped by the script. 20 users; every lead has three
status changes (retired estados among them, every 50th by a deleted user), a management note every 10th,
no email every 40th, and every 25th is a person who wrote before. The import runs as the command does
(users, then leads and history, 500 rows a transaction); then again, when it must change nothing.
Target: the first run under 60 s.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import Engine, func, select, text

from leadsmanager.adapters.legacy_django import DjangoLegacySource
from leadsmanager.adapters.sql.engine import make_engine, make_session_factory
from leadsmanager.adapters.sql.migrate import upgrade
from leadsmanager.adapters.sql.tables import lead_history, leads
from leadsmanager.adapters.sql.unit_of_work import SqlAlchemyUnitOfWork
from leadsmanager.adapters.system import SystemClock
from leadsmanager.application.legacy import ImportLegacyLeads, ImportLegacyUsers, LegacyRun
from leadsmanager.application.ports import UnitOfWorkFactory
from leadsmanager.domain.pipeline import INTRALOG, StageChange

ROOT = Path(__file__).resolve().parents[1]
URL_ENV = "LEADSMANAGER_BENCH_MYSQL_URL"
DEFAULT_URL = "mysql+pymysql://root@127.0.0.1:3306/leadsmanager_bench_legacy"
TARGET = 60.0
STEPS = (("pendiente", "contactado"), ("contactado", "cotizado"), ("cotizado", "avanzando"))


def fill_legacy(engine: Engine, count: int) -> None:
    sys.path.insert(0, str(ROOT))
    from tests.integration.legacy_db import history_row, insert, insert_users, submission_row, user_row

    insert_users(engine, *(user_row(n) for n in range(1, 21)))
    chunk = 2_000
    for start in range(1, count + 1, chunk):
        numbers = range(start, min(start + chunk, count + 1))
        rows = [
            submission_row(
                n,
                mail=None if n % 40 == 0 else f"cliente{n - 1 if n % 25 == 0 else n}@example.com",
                estado="avanzando" if n % 3 else "pospuesto",
                assigned_user_id=n % 20 + 1,
                management_message="Llamar el lunes" if n % 10 == 0 else None,
            )
            for n in numbers
        ]
        insert(engine, "formsapp_formsubmission", *rows)
        history = [
            history_row(3 * n + i, n, old, new, None if n % 50 == 0 else n % 20 + 1, f"2025-02-0{i + 1} 10:00:00")
            for n in numbers
            for i, (old, new) in enumerate(STEPS)
        ]
        insert(engine, "formsapp_leadhistory", *history)


def run_import(uow: UnitOfWorkFactory, url: str) -> tuple[float, dict[str, int]]:
    started = time.perf_counter()
    source = DjangoLegacySource.from_url(url)
    users = ImportLegacyUsers(uow, SystemClock())(source.users())
    use_case = ImportLegacyLeads(uow, SystemClock())
    ids = {p.legacy_id: p.user_id for p in users if p.user_id is not None}
    plans = use_case(source, LegacyRun("intralog", "AR", use_case.status_table([]), ids))
    counts: dict[str, int] = {}
    for plan in plans:
        counts[plan.outcome.value] = counts.get(plan.outcome.value, 0) + 1
    return time.perf_counter() - started, counts


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--leads", type=int, default=10_000)
    parser.add_argument("--mariadb", action="store_true", help=f"import into the database of {URL_ENV}")
    args = parser.parse_args()
    sys.path.insert(0, str(ROOT))
    from tests.integration.legacy_db import legacy_database

    server = os.environ.get(URL_ENV, DEFAULT_URL)
    recreate(server, keep=True)
    with tempfile.TemporaryDirectory() as tmp, legacy_database(server) as (legacy_url, legacy_engine):
        fill_legacy(legacy_engine, args.leads)
        engine = make_engine(server if args.mariadb else f"sqlite:///{tmp}/bench.sqlite3")
        upgrade(engine)
        factory = make_session_factory(engine)

        def uow() -> SqlAlchemyUnitOfWork:
            return SqlAlchemyUnitOfWork(factory)

        with uow() as unit:
            unit.pipeline.replace(INTRALOG, StageChange(datetime.now(UTC), "bench", "apply", "intralog"))
            unit.commit()
        first, counts = run_import(uow, legacy_url)
        again, recounts = run_import(uow, legacy_url)
        with engine.connect() as connection:
            stored = connection.execute(select(func.count()).select_from(leads)).scalar_one()
            history = connection.execute(select(func.count()).select_from(lead_history)).scalar_one()
        where = "MariaDB" if args.mariadb else "SQLite"
        print(f"{where}: {args.leads:,} legacy leads, {3 * args.leads:,} history rows")
        print(f"first run {first:.1f} s (target {TARGET:.0f} s): {counts}; {stored:,} leads, {history:,} history rows")
        print(f"second run {again:.1f} s: {recounts}")
        engine.dispose()
    recreate(server, keep=False)


def recreate(url: str, *, keep: bool) -> None:
    """The bench's own database, empty (keep) or dropped."""
    database = make_engine(url).url.database
    with make_engine(url.rsplit("/", 1)[0]).begin() as connection:
        connection.execute(text(f"DROP DATABASE IF EXISTS `{database}`"))
        if keep:
            connection.execute(text(f"CREATE DATABASE `{database}` CHARACTER SET utf8mb4"))


if __name__ == "__main__":
    main()
