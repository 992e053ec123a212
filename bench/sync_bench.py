"""Time the WordPress sync end to end: submissions served over real HTTP on 127.0.0.1, imported into MariaDB.

    .venv/bin/python bench/sync_bench.py                                   # 100,000 submissions, 10 forms
    .venv/bin/python bench/sync_bench.py --concurrency 1 --submissions 10000 --profile sync.prof  # where it goes

The test suite's fake WordPress (tests/integration/fake_wordpress.py: the plugin contract over a real
socket) serves the submissions from a child process, so serving does not compete with the sync for the
GIL. The database `leadsmanager_bench_sync` (--database picks another name, so that two people can run
it at once) on LEADSMANAGER_BENCH_MYSQL_SERVER (default mysql+pymysql://root@127.0.0.1:3306) is created,
migrated and dropped by the script (--keep keeps it).

Timed: the sync as `leadsmanager sync` runs it on MariaDB, configured through the environment, with
--concurrency forms side by side in processes of their own (default 2, as LEADSMANAGER_SYNC_CONCURRENCY),
from the first fetch to the last cursor saved; then a second run that finds nothing new. With
--concurrency 1, SyncForms runs in this process, fetching and SubmitLead are timed apart by thin wrappers,
and every SQL statement and commit is counted, so the report says where the time went (--profile too).
"""

from __future__ import annotations

import argparse
import cProfile
import multiprocessing
import os
import pstats
import re
import resource
import sys
import tempfile
import time
from collections import defaultdict
from collections.abc import Callable, Iterator, Sequence
from datetime import UTC, datetime, timedelta
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any, TypeVar

from sqlalchemy import Engine, event, func, select, text

from leadsmanager.adapters.form_sources.plugin import WordPressFormSource
from leadsmanager.adapters.form_sources.site import WordPressSite
from leadsmanager.adapters.sql.engine import make_engine, make_session_factory
from leadsmanager.adapters.sql.migrate import upgrade
from leadsmanager.adapters.sql.tables import leads
from leadsmanager.adapters.sql.unit_of_work import SqlAlchemyUnitOfWork
from leadsmanager.adapters.system import SystemClock
from leadsmanager.application.intake import LeadForm, SubmitLead, SubmitResult
from leadsmanager.application.ports import FormSource
from leadsmanager.application.sync import SyncForms
from leadsmanager.application.sync_report import FormReport, PageDone, SyncReport
from leadsmanager.application.sync_types import SubmissionPage
from leadsmanager.domain.errors import ValidationError
from leadsmanager.entrypoints.bootstrap.container import build
from leadsmanager.entrypoints.bootstrap.settings import Settings
from leadsmanager.entrypoints.worker.sync_processes import sync_forms

ROOT = Path(__file__).resolve().parents[1]
DATABASE = "leadsmanager_bench_sync"
SERVER_ENV = "LEADSMANAGER_BENCH_MYSQL_SERVER"
TARGET_SECONDS = 60.0
START = datetime(2026, 1, 1, tzinfo=UTC)
T = TypeVar("T")


# ---------------------------------------------------------------------------------------------
# What the sites hold


def form_ids(forms: int) -> list[str]:
    return [f"form-{k}" for k in range(forms)]


def submissions(total: int, forms: int) -> Iterator[tuple[str, dict[str, Any]]]:
    """Row ids shared by every form, as in the plugin's one table; every 20th is an earlier person again."""
    ids = form_ids(forms)
    for n in range(1, total + 1):
        person = n - 7 if n % 20 == 0 and n > 7 else n
        fields = {
            "first-name": f"Person{person % 997}",
            "last-name": f"Surname {person}",
            "your-email": f"person{person}@example.com",
            "company": f"Company {person % 5000}",
            "your-message": "Hello,\nplease send me a quote for the spring campaign.",
            "utm_source": ("google", "newsletter", "")[n % 3],
            "city": "Córdoba",
        }
        if person % 2:
            fields["your-phone"] = f"+1 212 {200 + person // 10000 % 700:03d} {person % 10000:04d}"
        created_at = (START + timedelta(seconds=n)).isoformat().replace("+00:00", "Z")
        yield ids[n % forms], {"id": str(n), "created_at": created_at, "fields": fields}


USER, PASSWORD = "leadsmanager-sync", "abcd EFGH ijkl MNOP qrst UVWX"
MAPPING = {
    "first-name": "name",
    "last-name": "name",
    "your-email": "email",
    "your-phone": "phone",
    "your-message": "message",
}


def serve(total: int, forms: int, pipe: Connection) -> None:
    """The child process: a fake WordPress holding every submission, until the parent says stop."""
    sys.path.insert(0, str(ROOT))
    from tests.integration.fake_wordpress import FakeWordPress

    with FakeWordPress() as wordpress:
        by_form: dict[str, list[dict[str, Any]]] = defaultdict(list)
        for form_id, raw in submissions(total, forms):
            by_form[form_id].append(raw)
        for form_id in form_ids(forms):
            wordpress.add(form_id, *by_form[form_id])
        pipe.send(wordpress.url)
        pipe.recv()


# ---------------------------------------------------------------------------------------------
# Measuring


class Stopwatch:
    def __init__(self) -> None:
        self.seconds = 0.0
        self.calls = 0

    def time(self, work: Callable[[], T]) -> T:
        started = time.perf_counter()
        try:
            return work()
        finally:
            self.seconds += time.perf_counter() - started
            self.calls += 1


class TimedSource(FormSource):
    def __init__(self, source: FormSource) -> None:
        self.source = source
        self.watch = Stopwatch()

    def fetch(self, site: str, form_id: str, *, after_id: str | None, limit: int) -> SubmissionPage:
        return self.watch.time(lambda: self.source.fetch(site, form_id, after_id=after_id, limit=limit))


class TimedIntake:
    def __init__(self, submit: SubmitLead) -> None:
        self.submit = submit
        self.watch = Stopwatch()

    def page(self, forms: Sequence[LeadForm]) -> list[SubmitResult | ValidationError]:
        return self.watch.time(lambda: self.submit.page(forms))


class StatementCount:
    def __init__(self, engine: Engine) -> None:
        self.statements = 0
        self.commits = 0
        event.listen(engine, "before_cursor_execute", self._statement)
        event.listen(engine, "commit", self._commit)

    def _statement(self, *_: Any) -> None:
        self.statements += 1

    def _commit(self, *_: Any) -> None:
        self.commits += 1


class Progress:
    def __init__(self, every: int) -> None:
        self.every = every
        self.done = 0  # submissions fetched, every form together
        self.form_done: dict[str, int] = {}
        self.started = time.perf_counter()

    def __call__(self, page: PageDone) -> None:
        key = f"{page.site}/{page.form_id}"
        before = self.done
        self.done += page.fetched - self.form_done.get(key, 0)
        self.form_done[key] = page.fetched
        if self.done // self.every > before // self.every:
            elapsed = time.perf_counter() - self.started
            print(f"  {self.done:>9,} fetched  {elapsed:7.1f} s  {self.done / elapsed:7.0f}/s", flush=True)


# ---------------------------------------------------------------------------------------------
# The run


def database(server: str, name: str) -> tuple[Engine, Engine]:
    admin = make_engine(f"{server}/")
    with admin.begin() as connection:
        connection.execute(text(f"DROP DATABASE IF EXISTS {name}"))
        connection.execute(text(f"CREATE DATABASE {name} CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci"))
    engine = make_engine(f"{server}/{name}")
    upgrade(engine)
    return admin, engine


class ServerCpu:
    """CPU time (user + system) the MariaDB server has used so far, when it runs on this machine."""

    def __init__(self, engine: Engine) -> None:
        with engine.connect() as connection:
            pid_file = Path(str(connection.execute(text("SELECT @@pid_file")).scalar_one()))
        try:
            self.stat: Path | None = Path("/proc", pid_file.read_text().strip(), "stat")
        except OSError:
            self.stat = None  # another machine, or not ours to read

    def seconds(self) -> float | None:
        if self.stat is None:
            return None
        fields = self.stat.read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def timed_run(
    sync: Callable[..., SyncReport], server: ServerCpu, progress: Progress | None, profile: str | None
) -> tuple[SyncReport, float, str]:
    """The report, the seconds it took, and the CPU seconds spent in this process, in the sync's own
    processes (forms side by side) and in MariaDB."""
    profiler = cProfile.Profile() if profile else None
    started, cpu, children = time.perf_counter(), time.process_time(), _children_cpu()
    database_cpu = server.seconds()
    if profiler:
        profiler.enable()
    report = sync(on_page=progress)
    if profiler:
        profiler.disable()
    elapsed = time.perf_counter() - started
    cpu, children = time.process_time() - cpu, _children_cpu() - children
    after = server.seconds()
    database = f", MariaDB {after - database_cpu:.1f} s" if database_cpu is not None and after is not None else ""
    in_children = f", the sync's processes {children:.1f} s" if children >= 0.05 else ""
    cpu_used = f"CPU: this process {cpu:.1f} s{in_children}{database}"
    if profiler and profile:
        profiler.dump_stats(profile)
        stats = pstats.Stats(profiler).strip_dirs().sort_stats("cumulative")
        stats.print_stats(30)
    return report, elapsed, cpu_used


def _children_cpu() -> float:
    """User + system seconds of this process's children that have ended (the sync's, when side by side)."""
    used = resource.getrusage(resource.RUSAGE_CHILDREN)
    return used.ru_utime + used.ru_stime


def totals(report: SyncReport) -> dict[str, int]:
    return {
        "fetched": sum(f.fetched for f in report.forms),
        "created": sum(f.created for f in report.forms),
        "merged": sum(f.merged for f in report.forms),
        "duplicates": sum(f.duplicates for f in report.forms),
        "rejected": sum(len(f.rejected) for f in report.forms),
        "failed": len(report.failures),
    }


def describe(title: str, report: SyncReport, seconds: float) -> None:
    t = totals(report)
    rate = t["fetched"] / seconds if seconds else 0.0
    print(
        f"{title}: {t['fetched']:,} fetched, {t['created']:,} created, {t['merged']:,} merged, "
        f"{t['duplicates']:,} duplicates, {t['rejected']:,} rejected, {t['failed']} forms failed"
    )
    if t["fetched"]:
        print(f"  {seconds:.1f} s, {rate:,.0f} submissions/s")
    else:
        print(f"  {len(report.forms)} forms checked in {seconds:.3f} s")


def database_name(name: str) -> str:
    """A plain identifier: the name goes into DROP DATABASE and CREATE DATABASE as it is."""
    if not re.fullmatch(r"[A-Za-z0-9_]{1,64}", name):
        raise argparse.ArgumentTypeError(f"not a plain database name: {name!r}")
    return name


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--submissions", type=int, default=100_000)
    parser.add_argument("--forms", type=int, default=10)
    parser.add_argument("--profile", metavar="FILE", help="profile the first run with cProfile into FILE")
    parser.add_argument(
        "--database", default=DATABASE, type=database_name, help=f"the database to create and drop (default {DATABASE})"
    )
    parser.add_argument("--keep", action="store_true", help="keep the database afterwards")
    parser.add_argument(
        "--concurrency",
        type=int,
        default=2,
        help="forms synced side by side (default 2: LEADSMANAGER_SYNC_CONCURRENCY)",
    )
    args = parser.parse_args()
    if args.profile and args.concurrency > 1:
        parser.error("--profile profiles this process: give --concurrency 1 with it")
    server = os.environ.get(SERVER_ENV, "mysql+pymysql://root@127.0.0.1:3306").rstrip("/")

    parent, child = multiprocessing.get_context("fork").Pipe()
    wordpress = multiprocessing.get_context("fork").Process(
        target=serve, args=(args.submissions, args.forms, child), daemon=True
    )
    wordpress.start()
    admin, engine = database(server, args.database)
    try:
        url = parent.recv()
        run(args, url, engine)
    finally:
        parent.send("stop")
        wordpress.join(10)
        engine.dispose()
        if not args.keep:
            with admin.begin() as connection:
                connection.execute(text(f"DROP DATABASE IF EXISTS {args.database}"))
        admin.dispose()


def run(args: argparse.Namespace, url: str, engine: Engine) -> None:
    server = ServerCpu(engine)
    print(
        f"{args.submissions:,} submissions over {args.forms} forms, {args.concurrency} at a time, "
        f"served at {url}, into {args.database}"
    )
    if args.concurrency > 1:
        report = side_by_side(args, url, engine, server)
    else:
        report = in_this_process(args, url, engine, server)
    with engine.connect() as connection:
        stored = connection.execute(select(func.count()).select_from(leads)).scalar_one()
    t = totals(report)
    print(f"leads stored: {stored:,} (created {t['created']:,}; the merged joined an earlier lead)")
    if stored != t["created"] or t["failed"]:
        raise SystemExit("the stored leads do not match the report")


def side_by_side(args: argparse.Namespace, url: str, engine: Engine, server: ServerCpu) -> SyncReport:
    """`leadsmanager sync` as it runs on MariaDB: the forms in processes of their own, configured only
    through the environment. Only totals: the phases are timed with --concurrency 1."""
    fields = ",".join(f"{form_id}:{field}={to}" for form_id in form_ids(args.forms) for field, to in MAPPING.items())
    environment = {
        "LEADSMANAGER_DATABASE_URL": engine.url.render_as_string(hide_password=False),
        "LEADSMANAGER_DATA_DIR": tempfile.mkdtemp(prefix="sync-bench-"),
        "LEADSMANAGER_PHONE_REGION": "US",
        "LEADSMANAGER_SYNC_CONCURRENCY": str(args.concurrency),
        "LEADSMANAGER_WORDPRESS_SITES": "bench",
        "LEADSMANAGER_WORDPRESS_BENCH_URL": url,
        "LEADSMANAGER_WORDPRESS_BENCH_USER": USER,
        "LEADSMANAGER_WORDPRESS_BENCH_PASSWORD": PASSWORD,
        "LEADSMANAGER_WORDPRESS_BENCH_FORMS": ",".join(form_ids(args.forms)),
        "LEADSMANAGER_WORDPRESS_BENCH_FIELDS": fields,
    }
    c = build(Settings.from_env(environment, env_file=None))
    try:

        def done(form: FormReport) -> None:
            print(f"  {form.site}/{form.form_id}: {form.fetched:,} fetched in {form.duration.total_seconds():.1f} s")

        report, seconds, cpu_used = timed_run(
            lambda **kw: sync_forms(c.sync_forms(), c.settings(), on_form=done), server, None, None
        )
        verdict(args, "first run", report, seconds, cpu_used)
        again, again_seconds, _ = timed_run(lambda **kw: sync_forms(c.sync_forms(), c.settings()), server, None, None)
        describe("second run, nothing new", again, again_seconds)
    finally:
        c.shutdown_resources()
    return report


def in_this_process(args: argparse.Namespace, url: str, engine: Engine, server: ServerCpu) -> SyncReport:
    """SyncForms in this process, one form after another, with fetching and storing timed apart."""
    site = WordPressSite("bench", url, USER, PASSWORD, {form_id: MAPPING for form_id in form_ids(args.forms)})
    session_factory = make_session_factory(engine)

    def uow() -> SqlAlchemyUnitOfWork:
        return SqlAlchemyUnitOfWork(session_factory)

    clock = SystemClock()
    with WordPressFormSource([site]) as real_source:
        source = TimedSource(real_source)
        intake = TimedIntake(SubmitLead(uow, clock, phone_region="US"))
        sync = SyncForms(site.synced_forms(), source, intake, uow, clock)
        count = StatementCount(engine)
        progress = Progress(every=max(1, args.submissions // 10))
        report, seconds, cpu_used = timed_run(sync, server, progress, args.profile)
        verdict(args, "first run", report, seconds, cpu_used)
        fetched = totals(report)["fetched"] or 1
        rest = seconds - source.watch.seconds - intake.watch.seconds
        print(
            f"  fetching {source.watch.calls:,} pages over HTTP: {source.watch.seconds:.1f} s; "
            f"SubmitLead.page: {intake.watch.seconds:.1f} s "
            f"({intake.watch.seconds / fetched * 1000:.2f} ms a submission); "
            f"the rest (mapping, cursors): {rest:.1f} s"
        )
        print(
            f"  SQL: {count.statements / fetched:.1f} statements and {count.commits / fetched:.2f} commits "
            f"per submission"
        )
        again, again_seconds, _ = timed_run(sync, server, None, None)
        describe("second run, nothing new", again, again_seconds)
    return report


def verdict(args: argparse.Namespace, title: str, report: SyncReport, seconds: float, cpu_used: str) -> None:
    describe(title, report, seconds)
    print(f"  {cpu_used} (figures that hold when other work shares the machine)")
    within = "within" if seconds <= TARGET_SECONDS * args.submissions / 100_000 else "OVER"
    print(f"  target: 100,000 in {TARGET_SECONDS:.0f} s ({100_000 / TARGET_SECONDS:,.0f}/s): {within}")


if __name__ == "__main__":
    main()
