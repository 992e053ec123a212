"""Migrations 0015 to 0018 on a database with leads in every status: the stages are the default
preset's, every lead, status and report figure stays as it was, and each lead holds its stage's kind."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import Engine, text

from leadsmanager.adapters.sql.engine import make_engine, make_session_factory
from leadsmanager.adapters.sql.migrate import upgrade
from leadsmanager.adapters.sql.unit_of_work import SqlAlchemyUnitOfWork
from leadsmanager.application.reports import Report, ReportQuery, Reports
from leadsmanager.domain.actor import Actor
from leadsmanager.domain.period import Period
from leadsmanager.domain.roles import Role
from leadsmanager.domain.status import LeadStatus
from tests.conftest import reset, views_of
from tests.support import START, FakeClock, new_lead

S = LeadStatus
# The columns today's code writes that migrations after 0014 add (0018, 0020, 0021, 0022, 0023): they are
# there while the old leads are written, then dropped, so that the migrations add (and fill) them as on a
# database of that age.
LATER_COLUMNS = (
    ("leads", "status_kind", "VARCHAR(16) NOT NULL DEFAULT 'open'"),
    ("report_pending", "status_kind", "VARCHAR(16) NOT NULL DEFAULT 'open'"),
    ("lead_history", "reason", "VARCHAR(16)"),
    ("leads", "campaign", "VARCHAR(200)"),
    ("lead_history", "actor_deleted", "BOOLEAN NOT NULL DEFAULT 0"),
)
MANAGER = Actor(user_id=None, role=Role.MANAGER, name="Max")
PATHS = {
    S.NEW: [],
    S.CONTACTED: [S.CONTACTED],
    S.QUALIFIED: [S.QUALIFIED],
    S.PROPOSAL: [S.PROPOSAL],
    S.WON: [S.PROPOSAL, S.WON],
    S.LOST: [S.QUALIFIED, S.LOST],
    S.SPAM: [S.SPAM],
}


def _report(engine: Engine) -> Report:
    reports = Reports(views_of(engine), FakeClock(START + timedelta(days=3)), follow_up=timedelta(hours=24))
    return reports(ReportQuery(Period(None, None, ZoneInfo("UTC"))), by=Actor.system())


def check(engine: Engine) -> None:
    with engine.begin() as connection:
        for table, column, kind in LATER_COLUMNS:
            connection.execute(text(f"ALTER TABLE {table} ADD COLUMN {column} {kind}"))
    with SqlAlchemyUnitOfWork(make_session_factory(engine)) as uow:
        for n, path in enumerate(PATHS.values(), 1):
            lead = new_lead(n)
            for step in path:
                lead.change_status(step, by=MANAGER, at=START + timedelta(hours=n))
            uow.leads.add(lead)
        uow.commit()
    with engine.begin() as connection:
        for table, column, _ in LATER_COLUMNS:
            connection.execute(text(f"ALTER TABLE {table} DROP COLUMN {column}"))
    # The figures are read after the upgrade only: the code reads today's report_counts columns, which a
    # later migration (0016, imported leads' counters) adds.
    upgrade(engine)
    with SqlAlchemyUnitOfWork(make_session_factory(engine)) as uow:
        assert [uow.leads.get(n).status for n in range(1, 8)] == list(PATHS)  # type: ignore[union-attr]
        assert uow.pipeline.get().keys == [s.value for s in LeadStatus]
        assert uow.pipeline.get().start == "new"
        kinds = [uow.leads.get(n).status_kind for n in range(1, 8)]  # type: ignore[union-attr]
        assert kinds == ["open", "open", "open", "open", "won", "lost", "spam"]
    after = _report(engine)
    assert after.by_status == dict.fromkeys(LeadStatus, 1)
    assert [f.leads for f in after.funnel] == [6, 5, 4, 2, 1]


def test_sqlite_keeps_every_lead_in_its_stage(tmp_path: Path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'old.sqlite3'}")
    try:
        upgrade(engine, "0014")
        check(engine)
    finally:
        engine.dispose()


@pytest.mark.mariadb
def test_mariadb_keeps_every_lead_in_its_stage(mysql_engine: Engine) -> None:
    reset(mysql_engine, "0014")
    try:
        check(mysql_engine)
    finally:
        reset(mysql_engine)
