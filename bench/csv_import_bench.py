"""Time the CSV import of 100,000 rows on SQLite and on MariaDB, and watch its memory stay flat.

    .venv/bin/python bench/csv_import_bench.py                        # 100,000 rows, SQLite then MariaDB
    .venv/bin/python bench/csv_import_bench.py --rows 10000 --only sqlite
    .venv/bin/python bench/csv_import_bench.py --tracemalloc          # Python's own allocations (slower)

The file is generated row by row into a temporary directory: `;` separated with a BOM, as Excel saves
"CSV UTF-8" in a Spanish locale. Each row has a name, an email, a phone on every second row, a company,
a service, a message, and a date (dd/mm/yyyy hh:mm, or an Excel serial on every third row); every 20th
row is an earlier person writing again (merged) and every 100th has a broken email (refused).

Timed: ImportCsv as `leadsmanager import csv` wires it (SubmitLead, the SQL unit of work), from the file's
hash to the import marked finished, on a fresh SQLite file and on a fresh MariaDB database
(`leadsmanager_bench_csv`, or --database, on LEADSMANAGER_BENCH_MYSQL_SERVER, default
mysql+pymysql://root@127.0.0.1:3306; created, migrated and dropped). Memory: the process's resident
set size after the first 10,000 rows and at the end, and its peak (with --tracemalloc, Python's peak
allocations instead, at the same two points).
"""

from __future__ import annotations

import argparse
import csv
import os
import re
import sys
import tempfile
import time
import tracemalloc
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from sqlalchemy import Engine, text

from leadsmanager.adapters.sql.engine import make_engine, make_session_factory
from leadsmanager.adapters.sql.migrate import upgrade
from leadsmanager.adapters.sql.unit_of_work import SqlAlchemyUnitOfWork
from leadsmanager.adapters.system import SystemClock
from leadsmanager.application.imports import CsvImport, ImportCsv, ImportProgress, ImportSummary
from leadsmanager.application.imports.import_csv import BATCH_ROWS
from leadsmanager.application.intake import SubmitLead
from leadsmanager.domain.actor import Actor

SERVER_ENV = "LEADSMANAGER_BENCH_MYSQL_SERVER"
HEADER = ["Nombre", "Apellido", "Correo", "Teléfono", "Empresa", "Servicio", "Mensaje", "Fecha", "Origen"]
MAPPING = {
    "Nombre": "name",
    "Apellido": "name",
    "Correo": "email",
    "Teléfono": "phone",
    "Empresa": "company",
    "Servicio": "service",
    "Mensaje": "message",
    "Fecha": "date",
    "Origen": "source",
}
MEASURE_AT = 10_000


def generate(path: Path, rows: int) -> None:
    start = datetime(2024, 1, 1, 8, 0)
    with path.open("w", encoding="utf-8-sig", newline="") as out:
        writer = csv.writer(out, delimiter=";")
        writer.writerow(HEADER)
        for n in range(1, rows + 1):
            person = n - 7 if n % 20 == 0 else n  # an earlier person writing again
            email = f"persona{person}@ejemplo.com.ar" if n % 100 else f"persona{person}@"
            phone = f"11 4{person // 10000 % 1000:03d}-{person % 10000:04d}" if person % 2 else ""
            moment = start + timedelta(minutes=7 * n)
            serial = (moment - datetime(1899, 12, 30)) / timedelta(days=1)
            date = f"{serial:.6f}" if n % 3 == 0 else moment.strftime("%d/%m/%Y %H:%M")
            message = f"Necesito cotizar {n % 9 + 1} envíos a Córdoba;\nurgente" if n % 4 else ""
            source = ("Google", "Facebook", "Web", "")[n % 4]
            writer.writerow(
                [f"Persona{person}", "Pérez", email, phone, f"Empresa {person % 500}", "Flete", message, date, source]
            )


def rss_mib() -> float:
    status = Path("/proc/self/status").read_text()
    found = re.search(r"VmRSS:\s+(\d+) kB", status)
    return int(found.group(1)) / 1024 if found else float("nan")


def peak_rss_mib() -> float:
    status = Path("/proc/self/status").read_text()
    found = re.search(r"VmHWM:\s+(\d+) kB", status)
    return int(found.group(1)) / 1024 if found else float("nan")


def run(name: str, engine: Engine, path: Path, *, traced: bool, batch: int) -> None:
    session_factory = make_session_factory(engine)

    def uow() -> SqlAlchemyUnitOfWork:
        return SqlAlchemyUnitOfWork(session_factory)

    clock = SystemClock()
    importer = ImportCsv(
        SubmitLead(uow, clock, phone_region="AR"),
        uow,
        clock,
        phone_region="AR",
        zone=ZoneInfo("America/Argentina/Buenos_Aires"),
        batch_rows=batch,
    )
    memory: dict[str, float] = {}
    measure: Callable[[], float] = (lambda: tracemalloc.get_traced_memory()[1] / 2**20) if traced else rss_mib

    def on_batch(progress: ImportProgress) -> None:
        rows = progress.next_row - 2
        if rows >= MEASURE_AT and "at 10k" not in memory:
            memory["at 10k"] = measure()
        if rows % 10_000 < 500:
            elapsed, spent = time.perf_counter() - started, time.process_time() - cpu
            print(f"  {name}: {rows:,} rows, {elapsed:.1f} s, CPU {spent:.1f} s", file=sys.stderr)

    if traced:
        tracemalloc.start()
    started, cpu = time.perf_counter(), time.process_time()
    summary = importer(CsvImport(lambda: path.open("rb"), path.name, MAPPING), by=Actor.system(), on_batch=on_batch)
    elapsed = time.perf_counter() - started
    memory["CPU s"] = time.process_time() - cpu
    memory["at the end"] = measure()
    if traced:
        tracemalloc.stop()
    report(name, summary, elapsed, memory, traced=traced)


def report(name: str, s: ImportSummary, elapsed: float, memory: dict[str, float], *, traced: bool) -> None:
    c = s.counts
    rows = c.rows
    unit = "Python peak allocations" if traced else "RSS"
    cpu = memory.pop("CPU s")
    print(
        f"{name}: {rows:,} rows in {elapsed:.1f} s ({rows / elapsed:,.0f} rows/s; this process's CPU {cpu:.1f} s): "
        f"{c.created:,} created, {c.merged:,} merged, {c.duplicates:,} duplicates, {c.refused:,} refused; {unit} "
        + ", ".join(f"{k} {v:.1f} MiB" for k, v in memory.items())
        + ("" if traced else f", peak RSS {peak_rss_mib():.1f} MiB")
    )
    for reason, count in s.reasons:
        print(f"  refused {count:,}: {reason}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--only", choices=["sqlite", "mariadb"])
    parser.add_argument("--database", default="leadsmanager_bench_csv")
    parser.add_argument("--tracemalloc", action="store_true")
    parser.add_argument("--batch", type=int, default=BATCH_ROWS, help="rows stored per transaction")
    args = parser.parse_args()
    if not re.fullmatch(r"[A-Za-z0-9_]+", args.database):
        parser.error("--database must be letters, digits and _")
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "leads.csv"
        started = time.perf_counter()
        generate(path, args.rows)
        size = path.stat().st_size / 2**20
        print(f"generated {args.rows:,} rows ({size:.1f} MiB) in {time.perf_counter() - started:.1f} s")
        if args.only in (None, "sqlite"):
            engine = make_engine(f"sqlite:///{Path(tmp) / 'bench.sqlite3'}")
            upgrade(engine)
            run("SQLite", engine, path, traced=args.tracemalloc, batch=args.batch)
            engine.dispose()
        if args.only in (None, "mariadb"):
            server = os.environ.get(SERVER_ENV, "mysql+pymysql://root@127.0.0.1:3306")
            admin = make_engine(f"{server}/")
            with admin.begin() as connection:
                connection.execute(text(f"DROP DATABASE IF EXISTS {args.database}"))
                connection.execute(text(f"CREATE DATABASE {args.database} CHARACTER SET utf8mb4"))
            engine = make_engine(f"{server}/{args.database}")
            try:
                upgrade(engine)
                run("MariaDB", engine, path, traced=args.tracemalloc, batch=args.batch)
            finally:
                engine.dispose()
                with admin.begin() as connection:
                    connection.execute(text(f"DROP DATABASE IF EXISTS {args.database}"))
    print(f"at {datetime.now(UTC):%Y-%m-%d %H:%M} UTC, load average {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    main()
