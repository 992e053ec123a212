"""The running report counts follow every change of a lead, and always equal counting again from scratch."""

from __future__ import annotations

import random
import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import Engine, func, select

from leadsmanager.adapters.sql.engine import make_session_factory
from leadsmanager.adapters.sql.tables import COUNTERS, report_counts, report_keys, report_pending
from leadsmanager.adapters.sql.unit_of_work import SqlAlchemyUnitOfWork
from leadsmanager.adapters.sql.views.report_counts import fold, fold_pending
from leadsmanager.adapters.sql.views.report_rebuild import rebuild
from leadsmanager.application.intake import LeadForm, SubmitLead
from leadsmanager.application.leads import ChangeStatus
from leadsmanager.application.reports import ReportQuery, Reports
from leadsmanager.domain.actor import Actor
from leadsmanager.domain.lead import Channel, Lead
from leadsmanager.domain.period import Period
from leadsmanager.domain.roles import Role
from leadsmanager.domain.status import LeadStatus, allowed_targets
from tests.conftest import UowFactory, ViewsFactory, empty, views_of
from tests.support import FakeClock, make_user, submission

S = LeadStatus
START = datetime(2026, 1, 30, 20, tzinfo=UTC)
ALL_TIME = Period(None, None, ZoneInfo("UTC"))


def change(uow_factory: UowFactory, lead_id: int, work: object) -> None:
    with uow_factory() as uow:
        lead = uow.leads.get(lead_id)
        assert lead is not None
        work(lead)  # type: ignore[operator]
        uow.leads.save(lead)
        uow.commit()


def test_counts_follow_status_assignee_and_first_response(uow_factory: UowFactory, views_factory: ViewsFactory) -> None:
    rep, boss = make_user(uow_factory, Role.EMPLOYEE, "Rita"), make_user(uow_factory, Role.MANAGER, "Max")
    with uow_factory() as uow:
        lead = Lead.from_submission(submission(1, service="Solar", site="a.example"), at=START)
        uow.leads.add(lead)
        uow.commit()
    assert lead.id is not None
    reports = Reports(
        views_factory, FakeClock(START + timedelta(days=3), step=timedelta(0)), follow_up=timedelta(days=1)
    )

    def seen(by: Actor) -> tuple[int, int, int, list[tuple[str, int]], int]:
        r = reports(ReportQuery(ALL_TIME), by=by)
        return r.total, r.waiting, r.response.answered, [(f.stage, f.leads) for f in r.funnel][1:3], len(r.reps)

    assert seen(boss.as_actor()) == (1, 1, 0, [("contacted", 0), ("qualified", 0)], 1)
    assert seen(rep.as_actor())[0] == 0
    change(uow_factory, lead.id, lambda x: x.assign(rep.id, by=boss.as_actor(), at=START + timedelta(hours=1)))
    assert seen(rep.as_actor()) == (1, 1, 0, [("contacted", 0), ("qualified", 0)], 1)
    hour = timedelta(hours=1)
    change(uow_factory, lead.id, lambda x: x.change_status(S.QUALIFIED, by=rep.as_actor(), at=START + 2 * hour))
    change(uow_factory, lead.id, lambda x: x.change_status(S.LOST, by=rep.as_actor(), at=START + 3 * hour))
    assert seen(rep.as_actor()) == (1, 0, 1, [("contacted", 1), ("qualified", 1)], 1)
    change(uow_factory, lead.id, lambda x: x.assign(None, by=boss.as_actor(), at=START + timedelta(hours=4)))
    assert seen(rep.as_actor())[0] == 0
    everyone = reports(ReportQuery(ALL_TIME), by=boss.as_actor())
    assert [(r.name, r.lost, r.response.median) for r in everyone.reps] == [("(unassigned)", 1, timedelta(hours=2))]
    assert everyone.services == [("Solar", 1)]


def stored(engine: Engine) -> tuple[set[tuple[Any, ...]], set[tuple[Any, ...]]]:
    """Every report row with a count, once the pending changes are folded in, as comparable tuples (a
    row counted down to nothing is the same as none)."""
    fold_pending(make_session_factory(engine))
    with engine.connect() as connection:
        assert connection.execute(select(func.count()).select_from(report_pending)).scalar_one() == 0
        counts = {
            (r.span, r.starts, r.assignee_id, name, r._mapping[name])
            for r in connection.execute(select(report_counts))
            for name in COUNTERS
            if r._mapping[name]
        }
        keys = {tuple(r) for r in connection.execute(select(report_keys)) if r.leads}
    return counts, keys


def busy_quarter(uow_factory: UowFactory, seed: int) -> None:
    """A few dozen leads over three months, worked at random by a small team."""
    rng = random.Random(seed)
    team = [make_user(uow_factory, role, f"{role.value} {i}").as_actor() for i, role in enumerate(Role)]
    ids: list[int] = []
    moment = START
    for n in range(60):
        moment += timedelta(hours=rng.uniform(0, 40))
        if n % 3 == 0 or not ids:
            channel = rng.choice(list(Channel))
            sub = submission(n, channel=channel, service=rng.choice(["Solar", "solar", "", "Roofing"]))
            with uow_factory() as uow:
                lead = Lead.from_submission(sub, at=moment, assignee_id=rng.choice([None, *(a.user_id for a in team)]))
                if rng.random() < 0.1:
                    lead.mark_spam("too fast", at=moment)
                uow.leads.add(lead)
                uow.commit()
            assert lead.id is not None
            ids.append(lead.id)
            continue
        who, at = rng.choice(team), moment

        def work(lead: Lead, who: Actor = who, at: datetime = at) -> None:
            targets = allowed_targets(LeadStatus(lead.status), who.role)
            if targets and rng.random() < 0.6:
                lead.change_status(rng.choice(targets), by=who, at=at)
            elif rng.random() < 0.5:
                lead.assign(rng.choice([None, *(a.user_id for a in team)]), by=who, at=at)
            else:
                lead.add_note("called", by=who, at=at)

        change(uow_factory, rng.choice(ids), work)


@pytest.mark.parametrize("seed", [1, 2])
def test_running_counts_equal_counting_again_on_sqlite(sqlite_engine: Engine, seed: int) -> None:
    factory = make_session_factory(sqlite_engine)
    busy_quarter(lambda: SqlAlchemyUnitOfWork(factory), seed)
    kept = stored(sqlite_engine)
    with sqlite_engine.begin() as connection:
        rebuild(connection)
    assert stored(sqlite_engine) == kept and kept[0] and kept[1]


@pytest.mark.mariadb
def test_running_counts_equal_counting_again_on_mariadb(mysql_engine: Engine) -> None:
    empty(mysql_engine)
    factory = make_session_factory(mysql_engine)
    busy_quarter(lambda: SqlAlchemyUnitOfWork(factory), 3)
    kept = stored(mysql_engine)
    with mysql_engine.begin() as connection:
        rebuild(connection)
    assert stored(mysql_engine) == kept and kept[0] and kept[1]
    services = {key[4] for key in kept[1] if key[3] == "service"}
    assert {"Solar", "solar"} <= services  # MariaDB's case-blind collation does not merge them


def test_a_report_over_days_and_months_matches_one_over_the_leads(
    uow_factory: UowFactory, views_factory: ViewsFactory
) -> None:
    """Periods cut across UTC days and months in a far zone: stored rows and raw leads add up right."""
    busy_quarter(uow_factory, 4)
    manager = Actor(None, Role.ADMIN, "operator")
    clock = FakeClock(datetime(2026, 6, 1, tzinfo=UTC), step=timedelta(0))
    reports = Reports(views_factory, clock, follow_up=timedelta(days=1))
    zone = ZoneInfo("Pacific/Kiritimati")  # UTC+14: every local midnight is 10:00 UTC
    whole = reports(ReportQuery(Period(None, None, zone)), by=manager)
    parts = [
        reports(ReportQuery(Period(None, date(2026, 2, 10), zone)), by=manager),
        reports(ReportQuery(Period(date(2026, 2, 11), date(2026, 3, 31), zone)), by=manager),
        reports(ReportQuery(Period(date(2026, 4, 1), None, zone)), by=manager),
    ]
    assert sum(p.total for p in parts) == whole.total > 0
    assert sum(p.response.answered for p in parts) == whole.response.answered
    for stage in range(5):
        assert sum(p.funnel[stage].leads for p in parts) == whole.funnel[stage].leads


@pytest.mark.mariadb
def test_concurrent_writers_and_folds_lose_no_count_on_mariadb(mysql_engine: Engine) -> None:
    """Eight writers at once, all on today's rows, while two folds run all the time in small batches:
    each intake and status change lands once, none is lost or counted twice."""
    empty(mysql_engine)
    factory = make_session_factory(mysql_engine)

    def uow() -> SqlAlchemyUnitOfWork:
        return SqlAlchemyUnitOfWork(factory)

    clock = FakeClock(START, step=timedelta(0))  # every write on the same day and month rows
    submit, change_status = SubmitLead(uow, clock, phone_region="US"), ChangeStatus(uow, clock)
    boss = Actor(None, Role.MANAGER, "boss")
    writing = threading.Event()
    folded = [0, 0]

    def writer(n: int) -> None:
        for i in range(6):
            number = n * 100 + i
            form = LeadForm(Channel.WEB_FORM, name=f"P {number}", email=f"p{number}@example.com", service="Solar")
            lead_id = submit(form).lead_id
            change_status(lead_id, S.CONTACTED, by=boss)

    def folder(n: int) -> None:
        while writing.is_set():
            with factory() as session:
                folded[n] += fold(session, batch=7)
                session.commit()

    writing.set()
    with ThreadPoolExecutor(max_workers=10) as pool:
        folds = [pool.submit(folder, n) for n in range(2)]
        list(pool.map(writer, range(8)))
        writing.clear()
        for f in folds:
            f.result()
    # Each pending row folded exactly once: a new lead writes one, a status change two (-1 and +1). Which
    # fold takes them is a race (the one that loses waits on the winner's locks and takes nothing).
    assert sum(folded) + fold_pending(factory) == 48 * 3
    kept = stored(mysql_engine)
    with mysql_engine.begin() as connection:
        rebuild(connection)
    assert stored(mysql_engine) == kept
    day = {name: n for span, _, _, name, n in kept[0] if span == "D"}
    assert day == {"web_form_contacted": 48, "reached_contacted": 48, "unanswered": 48}


@pytest.mark.parametrize("backend", ["sqlite", pytest.param("mariadb", marks=pytest.mark.mariadb)])
def test_reports_read_the_same_before_and_after_folding(backend: str, request: pytest.FixtureRequest) -> None:
    """Writes wait as pending rows until the fold: reports add them in, so folding changes no figure."""
    engine: Engine = request.getfixturevalue(f"{'sqlite' if backend == 'sqlite' else 'mysql'}_engine")
    if backend == "mariadb":
        empty(engine)
    factory = make_session_factory(engine)
    busy_quarter(lambda: SqlAlchemyUnitOfWork(factory), 5)
    reports = Reports(
        views_of(engine),
        FakeClock(START + timedelta(days=200), step=timedelta(0)),
        follow_up=timedelta(days=1),
    )
    boss = Actor(None, Role.ADMIN, "operator")
    zone = ZoneInfo("America/New_York")
    queries = [ReportQuery(ALL_TIME), ReportQuery(Period(date(2026, 2, 3), date(2026, 3, 17), zone))]
    before = [reports(q, by=boss) for q in queries]
    with engine.connect() as connection:
        assert connection.execute(select(func.count()).select_from(report_pending)).scalar_one() > 0
    assert fold_pending(factory) > 0
    after = [reports(q, by=boss) for q in queries]
    assert after == before and before[0].total > 0
