"""Migration 0007 on a database with history: first response, stage, re-submissions, score and report counts."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import Engine, insert

from leadsmanager.adapters.sql.engine import make_engine, make_session_factory
from leadsmanager.adapters.sql.migrate import upgrade
from leadsmanager.adapters.sql.tables import lead_history, leads, users
from leadsmanager.adapters.sql.unit_of_work import SqlAlchemyUnitOfWork
from leadsmanager.application.reports import ReportQuery, Reports
from leadsmanager.domain.actor import Actor
from leadsmanager.domain.lead import Lead
from leadsmanager.domain.period import Period
from leadsmanager.domain.status import LeadStatus
from tests.conftest import reset, views_of
from tests.support import FakeClock

T = datetime(2026, 2, 2, 9, tzinfo=UTC)
HOUR = timedelta(hours=1)
USER = 1


def _lead(n: int, source: str, status: str, **fields: Any) -> dict[str, Any]:
    values = {
        "id": n,
        "contact_name": f"Person {n}",
        "email": f"p{n}@example.com",
        "phone": f"+1202555000{n}",
        "company": "",
        "service": "",
        "message": "",
        "source": source,
        "site": "",
        "form_id": "",
        "external_id": None,
        "extras": {},
        "utm": {},
        "status": status,
        "assignee_id": None,
        "created_at": T,
        "updated_at": T,
        "version": 1,
    }
    return {**values, **fields}


LEADS = [
    _lead(1, "web_form", "lost", company="Acme", service="Solar", message="é" * 80),  # 80 letters, 160 bytes
    _lead(2, "manual", "new", phone=None, message="é" * 79),
    _lead(3, "api", "won", email=None, service="Roofing"),  # loaded in bulk: its history shows no moves
    _lead(4, "web_form", "spam"),
]
HISTORY = [
    (1, "status", None, "new", None, T),
    (1, "status", "new", "contacted", USER, T + 2 * HOUR),
    (1, "note", None, "called", USER, T + 3 * HOUR),
    (1, "status", "contacted", "proposal", USER, T + 4 * HOUR),
    (1, "status", "proposal", "lost", USER, T + 5 * HOUR),
    (2, "status", None, "new", USER, T),  # entered by a person: not yet a response
    (2, "note", None, "imported", None, T + HOUR),  # the system's note: not a response
    (2, "resubmission", None, "{}", None, T + 2 * HOUR),
    (2, "resubmission", None, "{}", None, T + 3 * HOUR),
    (3, "status", None, "new", None, T),
    (3, "resubmission", None, "{}", None, T + HOUR),
    (4, "status", None, "new", None, T),
    (4, "status", "new", "spam", None, T),
    (4, "note", None, "suspected spam: too fast", None, T),
]


def migrate_with_history(engine: Engine) -> dict[int, Lead]:
    upgrade(engine, "0006")
    with engine.begin() as connection:
        user = {"email": "rita@example.com", "full_name": "Rita", "role": "employee", "active": True}
        connection.execute(insert(users).values(id=USER, password_hash="x", session_version=0, created_at=T, **user))
        connection.execute(insert(leads), LEADS)
        columns = ("lead_id", "field", "old", "new", "actor_id", "at")
        connection.execute(insert(lead_history), [dict(zip(columns, row, strict=True)) for row in HISTORY])
    upgrade(engine)
    factory = make_session_factory(engine)
    with SqlAlchemyUnitOfWork(factory) as uow:
        found = {n: uow.leads.get(n) for n in range(1, 5)}
    return {n: lead for n, lead in found.items() if lead is not None}


def check(engine: Engine) -> None:
    migrated = migrate_with_history(engine)
    worked, manual, bulk, spam = (migrated[n] for n in range(1, 5))
    assert (worked.first_response_at, worked.stage_reached, worked.resubmissions) == (T + 2 * HOUR, "proposal", 0)
    assert (manual.first_response_at, manual.stage_reached, manual.resubmissions) == (None, "new", 2)
    assert (bulk.first_response_at, bulk.stage_reached, bulk.resubmissions) == (None, "won", 1)
    assert (spam.first_response_at, spam.stage_reached) == (None, "new")
    # worked: 15 + 15 + 10 contact, 10 web form, 15 service, 15 detailed message: 80 letters count, not bytes
    # manual: 15 email, 15 manual, 5 short message (79 letters), 15 wrote again twice
    # bulk: 15 phone, 5 api, 15 service, 10 wrote again once; spam: 30 contact, 10 web form
    assert [x.score for x in migrated.values()] == [80, 50, 45, 40]
    assert all(x.score == x.score_card().total for x in migrated.values())
    reports = Reports(views_of(engine), FakeClock(T + 48 * HOUR), follow_up=24 * HOUR)
    report = reports(ReportQuery(Period(None, None, ZoneInfo("UTC"))), by=Actor.system())
    assert report.total == 4 and [f.leads for f in report.funnel] == [3, 2, 2, 2, 1]
    assert (report.waiting, report.response.answered, report.response.median) == (1, 1, 2 * HOUR)
    assert report.by_status[LeadStatus.SPAM] == 1


def test_sqlite_backfills_from_history(tmp_path: Path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'old.sqlite3'}")
    try:
        check(engine)
    finally:
        engine.dispose()


@pytest.mark.mariadb
def test_mariadb_backfills_from_history(mysql_engine: Engine) -> None:
    reset(mysql_engine, "0006")
    try:
        check(mysql_engine)
    finally:
        reset(mysql_engine)
