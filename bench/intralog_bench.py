"""Time the sync of INTRALOG's Custom Form API (site kind `intralog-legacy`): every run fetches every entry.

    .venv/bin/python bench/intralog_bench.py                        # 10,000 entries over forms 3, 4 and 5, SQLite
    .venv/bin/python bench/intralog_bench.py --mariadb              # the same into MariaDB
    .venv/bin/python bench/intralog_bench.py --profile intralog.prof  # where the first run's time goes

The test suite's fake of the plugin (tests/integration/fake_sources/intralog.py: the real route over a
real socket, each listing shuffled, labels as keys, checkboxes PHP-serialized) serves the entries from a
child process, so serving does not compete with the sync for the GIL. The sync runs as `leadsmanager
sync` does, configured only through the environment with the mapping docs/form-sources.md gives for
forms 3, 4 and 5: on SQLite in this process (a temporary file), on MariaDB with the forms side by side
(LEADSMANAGER_SYNC_CONCURRENCY, default 2) in the database `leadsmanager_bench_intralog` on
LEADSMANAGER_BENCH_MYSQL_SERVER (default mysql+pymysql://root@127.0.0.1:3306; --database picks another
name, so that two people can run it at once), created, migrated and dropped by the script (--keep keeps it).

Timed: the first run, which imports everything (target: 10,000 in under 30 s), then a second run with
nothing new, which still fetches and reads every entry (target: under 2 s).
"""

from __future__ import annotations

import argparse
import cProfile
import multiprocessing
import os
import pstats
import re
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from multiprocessing import forkserver
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, func, select, text

from leadsmanager.adapters.sql.engine import make_engine
from leadsmanager.adapters.sql.migrate import upgrade
from leadsmanager.adapters.sql.tables import leads
from leadsmanager.application.sync_report import SyncReport
from leadsmanager.entrypoints.bootstrap.container import build
from leadsmanager.entrypoints.bootstrap.settings import Settings
from leadsmanager.entrypoints.worker.sync_processes import sync_forms

ROOT = Path(__file__).resolve().parents[1]
FORMS = ("3", "4", "5")
DATABASE = "leadsmanager_bench_intralog"
SERVER_ENV = "LEADSMANAGER_BENCH_MYSQL_SERVER"
FIRST_RUN_TARGET = 30.0  # seconds, for 10,000 entries
RERUN_TARGET = 2.0
START = datetime(2024, 1, 1, tzinfo=UTC)
USER, PASSWORD = "leadsmanager-sync", "abcd EFGH ijkl MNOP qrst UVWX"
SERVICES = ("Almacenamiento", "Cross-docking", "Distribución", "Fulfillment e-commerce")


def fields(form_id: str, n: int) -> list[tuple[str, Any]]:
    """One entry's fields under the form's real labels; every 25th person writes again, some leave the phone."""
    person = n - 11 if n % 25 == 0 and n > 11 else n
    phone = f"+54 9 11 {4000 + person // 10000 % 5000:04d}-{person % 10000:04d}" if person % 3 else ""
    message = "Hola, quisiera una cotización para el próximo trimestre.\nGracias."
    if form_id == "3":
        chosen = list(SERVICES[: 1 + n % len(SERVICES)])
        return [
            ("Me interesa el servicio", chosen),
            ("Razón social", f"Empresa {person % 3000} S.A."),
            ("E-mail", f"persona{person}@example.com.ar"),
            ("Telefono", phone),
            ("Mensaje", message),
        ]
    email = "Correo electrónico" if form_id == "4" else "Correo electrónico empresarial"
    text_label = "Completa tu mensaje" if form_id == "4" else "Contanos sobre tu proyecto"
    return [
        ("Razón Social o nombre de la empresa", f"Empresa {person % 3000} S.A."),
        (email, f"persona{person}@example.com.ar"),
        ("Teléfono", phone),
        (text_label, message),
        ("Nombre y Apellido", f"Persona {person} Pérez"),
        ("Cantidad de pedidos mensuales", ("Menos de 100", "Entre 100 y 1.000", "Más de 1.000")[n % 3]),
    ]


def entries(total: int) -> Iterator[tuple[str, int, datetime, list[tuple[str, Any]]]]:
    """Ids shared by the three forms, as in Formidable's one table of entries."""
    for n in range(1, total + 1):
        form_id = FORMS[n % len(FORMS)]
        yield form_id, n, START + timedelta(minutes=n), fields(form_id, n)


def serve(total: int, pipe: Connection) -> None:
    """The child process: the fake Custom Form API holding every entry, until the parent says stop."""
    sys.path.insert(0, str(ROOT))
    from tests.integration.fake_sources.intralog import FakeIntralog, entry

    with FakeIntralog() as site:
        for form_id, n, created_at, values in entries(total):
            site.add(form_id, entry(n, created_at, values))
        pipe.send(site.url)
        pipe.recv()
        pipe.send(site.listings)


def documented_mapping() -> str:
    """The _FIELDS line of docs/form-sources.md's intralog-legacy example, as a person would paste it."""
    for line in (ROOT / "docs" / "form-sources.md").read_text().splitlines():
        if line.startswith("LEADSMANAGER_WORDPRESS_INTRALOG_FIELDS="):
            return line.partition("=")[2].strip('"')
    raise SystemExit("docs/form-sources.md has no LEADSMANAGER_WORDPRESS_INTRALOG_FIELDS line")


def environment(url: str, database_url: str, concurrency: int) -> dict[str, str]:
    return {
        "LEADSMANAGER_DATABASE_URL": database_url,
        "LEADSMANAGER_DATA_DIR": tempfile.mkdtemp(prefix="intralog-bench-"),
        "LEADSMANAGER_PHONE_REGION": "AR",
        "LEADSMANAGER_SYNC_CONCURRENCY": str(concurrency),
        "LEADSMANAGER_WORDPRESS_SITES": "intralog",
        "LEADSMANAGER_WORDPRESS_INTRALOG_KIND": "intralog-legacy",
        "LEADSMANAGER_WORDPRESS_INTRALOG_URL": url,
        "LEADSMANAGER_WORDPRESS_INTRALOG_USER": USER,
        "LEADSMANAGER_WORDPRESS_INTRALOG_PASSWORD": PASSWORD,
        "LEADSMANAGER_WORDPRESS_INTRALOG_FORMS": ",".join(FORMS),
        "LEADSMANAGER_WORDPRESS_INTRALOG_FIELDS": documented_mapping(),
    }


def timed(sync: Callable[[], SyncReport], profile: str | None = None) -> tuple[SyncReport, float, float]:
    """The report, the seconds it took and the CPU seconds of this process (of the sync's own processes too)."""
    profiler = cProfile.Profile() if profile else None
    started, cpu = time.perf_counter(), _cpu()
    if profiler:
        profiler.enable()
    report = sync()
    if profiler and profile:
        profiler.disable()
        profiler.dump_stats(profile)
        pstats.Stats(profiler).strip_dirs().sort_stats("cumulative").print_stats(25)
    return report, time.perf_counter() - started, _cpu() - cpu


def _cpu() -> float:
    own = os.times()
    return own.user + own.system + own.children_user + own.children_system + _forkserver_cpu()


def _forkserver_cpu() -> float:
    """The sync's processes are forked by multiprocessing's fork server, which outlives a run: its own CPU and
    its reaped children's, read from /proc (0 where there is none)."""
    pid = getattr(forkserver._forkserver, "_forkserver_pid", None)  # no public way to ask
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except (OSError, IndexError):
        return 0.0
    return sum(int(tick) for tick in fields[11:15]) / os.sysconf("SC_CLK_TCK")


def describe(title: str, report: SyncReport, seconds: float, cpu: float, target: float) -> bool:
    fetched = sum(f.fetched for f in report.forms)
    created = sum(f.created for f in report.forms)
    merged = sum(f.merged for f in report.forms)
    rechecked = sum(f.rechecked for f in report.forms)
    failed = [f"{f.form_id}: {f.error}" for f in report.failures]
    print(
        f"{title}: {fetched:,} fetched, {created:,} created, {merged:,} merged, {rechecked:,} read again behind"
        f" the cursor, {len(failed)} forms failed {failed if failed else ''}"
    )
    within = seconds < target
    print(f"  {seconds:.2f} s (CPU {cpu:.2f} s); target < {target:g} s: {'within' if within else 'OVER'}")
    return within and not failed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--entries", type=int, default=10_000)
    parser.add_argument("--mariadb", action="store_true", help="sync into MariaDB instead of a SQLite file")
    parser.add_argument("--concurrency", type=int, default=2, help="forms side by side on MariaDB (default 2)")
    parser.add_argument("--profile", metavar="FILE", help="profile the first run with cProfile (SQLite only)")
    parser.add_argument("--database", default=DATABASE, type=database_name, help=f"on MariaDB (default {DATABASE})")
    parser.add_argument("--keep", action="store_true", help="keep the MariaDB database afterwards")
    args = parser.parse_args()
    if args.profile and args.mariadb:
        parser.error("--profile profiles this process: the SQLite run is the one that syncs in it")
    fork = multiprocessing.get_context("fork")
    parent, child = fork.Pipe()
    site = fork.Process(target=serve, args=(args.entries, child), daemon=True)
    site.start()
    url = parent.recv()
    server = os.environ.get(SERVER_ENV, "mysql+pymysql://root@127.0.0.1:3306").rstrip("/")
    engine = (
        database(server, args.database)
        if args.mariadb
        else make_engine(f"sqlite:///{tempfile.mkdtemp()}/bench.sqlite3")
    )
    try:
        ok = run(args, url, engine)
        parent.send("stop")
        print(f"listings the fake served: {parent.recv()} (one per run and form)")
    finally:
        site.join(10)
        engine.dispose()
        if args.mariadb and not args.keep:
            with make_engine(f"{server}/").begin() as connection:
                connection.execute(text(f"DROP DATABASE IF EXISTS {args.database}"))
    if not ok:
        raise SystemExit(1)


def database_name(name: str) -> str:
    """A plain identifier: the name goes into DROP DATABASE and CREATE DATABASE as it is."""
    if not re.fullmatch(r"[A-Za-z0-9_]{1,64}", name):
        raise argparse.ArgumentTypeError(f"not a plain database name: {name!r}")
    return name


def database(server: str, name: str) -> Engine:
    with make_engine(f"{server}/").begin() as connection:
        connection.execute(text(f"DROP DATABASE IF EXISTS {name}"))
        connection.execute(text(f"CREATE DATABASE {name} CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci"))
    return make_engine(f"{server}/{name}")


def run(args: argparse.Namespace, url: str, engine: Engine) -> bool:
    upgrade(engine)
    database_url = engine.url.render_as_string(hide_password=False)
    c = build(Settings.from_env(environment(url, database_url, args.concurrency), env_file=None))
    where = f"MariaDB, {args.concurrency} forms at a time" if args.mariadb else "SQLite, one form after another"
    print(f"{args.entries:,} entries over forms {', '.join(FORMS)}, served at {url}, into {where}")
    try:
        sync = lambda: sync_forms(c.sync_forms(), c.settings())  # noqa: E731
        first, seconds, cpu = timed(sync, args.profile)
        ok = describe("first run", first, seconds, cpu, FIRST_RUN_TARGET * args.entries / 10_000)
        again, again_seconds, again_cpu = timed(sync)
        ok = describe("second run, nothing new", again, again_seconds, again_cpu, RERUN_TARGET) and ok
    finally:
        c.shutdown_resources()
    with engine.connect() as connection:
        stored = connection.execute(select(func.count()).select_from(leads)).scalar_one()
    created = sum(f.created for f in first.forms)
    print(f"leads stored: {stored:,} (created {created:,}; the merged joined an earlier lead)")
    return ok and stored == created and sum(f.created for f in again.forms) == 0


if __name__ == "__main__":
    main()
