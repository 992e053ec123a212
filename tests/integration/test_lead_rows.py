"""Leads written many at once (a sync page) are stored byte for byte as leads written one at a time."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import Engine, text

from leadsmanager.adapters.sql.engine import make_session_factory
from leadsmanager.adapters.sql.unit_of_work import SqlAlchemyUnitOfWork
from tests.conftest import empty
from tests.support import START, new_lead, submission

# Row order within each table; ids are left out, as the two runs draw them from different points.
TABLES = {
    "leads": "created_at, contact_name",
    "lead_history": "at, field",
    "lead_search": "term, created_at",
    "outbox_events": "created_at, kind",
}


@pytest.fixture
def engine(sql_engine: Engine) -> Engine:
    return sql_engine


def written(engine: Engine, *, many: bool) -> dict[str, list[dict[str, Any]]]:
    """Two new leads (one re-submitted within the page), then a re-submission of a stored lead: the
    stored rows as the driver reads them back, so that SQLite's stored text is compared as it is."""
    sessions = make_session_factory(engine)
    plain = new_lead(1, extras={"city": "Córdoba", "note": 'said "hi"'}, utm={"utm_source": "google"})
    precise = new_lead(2, at=START + timedelta(microseconds=123456), phone=None, company="Zoë & Co")
    precise.record_resubmission(submission(2, message="again"), at=START + timedelta(seconds=1, microseconds=5))
    with SqlAlchemyUnitOfWork(sessions) as uow:
        if many:
            uow.leads.store([plain, precise])
        else:
            uow.leads.add(plain)
            uow.leads.add(precise)
        uow.commit()
    with SqlAlchemyUnitOfWork(sessions) as uow:
        joined = uow.leads.get(plain.id or 0)
        assert joined is not None
        joined.record_resubmission(submission(1, company="Other"), at=START + timedelta(minutes=1))
        uow.leads.store([], [joined])
        uow.commit()
    with engine.connect() as connection:
        found = {
            table: [dict(r._mapping) for r in connection.execute(text(f"SELECT * FROM {table} ORDER BY {order}"))]
            for table, order in TABLES.items()
        }
    empty(engine)
    return {table: [_without_ids(row) for row in rows] for table, rows in found.items()}


def _without_ids(row: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in row.items() if k not in ("id", "lead_id")}


def test_a_page_stores_the_same_rows_as_one_lead_at_a_time(engine: Engine) -> None:
    alone = written(engine, many=False)
    paged = written(engine, many=True)
    assert [len(alone[t]) for t in TABLES] == [2, 4, len(alone["lead_search"]), 4]
    assert len(alone["lead_search"]) > 6
    assert paged == alone
