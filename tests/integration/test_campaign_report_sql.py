"""A report of one campaign: the running counts keep no campaign, so its leads are counted from the leads
table, read by the (campaign, created_at, id) index alone, in SQLite and MariaDB alike."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import Engine, text

from leadsmanager.adapters.sql.engine import make_session_factory
from leadsmanager.adapters.sql.unit_of_work import SqlAlchemyUnitOfWork
from leadsmanager.application.tallies import Facet, TallyQuery
from tests.conftest import empty, views_of
from tests.integration.test_form_counts_contract import plans_of
from tests.support import START, new_lead, store

INDEX = "ix_leads_campaign_created_at_id"


@pytest.mark.parametrize("database", ["sqlite", pytest.param("mariadb", marks=pytest.mark.mariadb)])
def test_one_campaigns_tallies_count_its_leads_through_the_campaign_index(
    request: pytest.FixtureRequest, database: str
) -> None:
    engine: Engine = request.getfixturevalue("sqlite_engine" if database == "sqlite" else "mysql_engine")
    empty(engine)
    campaigns = ("Expo", "Radio", None, None, None)
    made = (new_lead(n, at=START + timedelta(hours=n), campaign=campaigns[n % 5]) for n in range(1, 301))
    store(lambda: SqlAlchemyUnitOfWork(make_session_factory(engine)), *made)
    with engine.begin() as connection:
        connection.execute(text("ANALYZE TABLE leads" if database == "mariadb" else "ANALYZE"))
    # The first 100 hours: n = 1..99, of which Expo's are n = 5, 10, ... 95.
    query = TallyQuery(frozenset({Facet.SOURCE_STATUS}), START, START + timedelta(hours=100), campaign="Expo")
    found: list[int] = []

    def count() -> None:
        with views_of(engine)() as views:
            found.append(sum(t.leads for t in views.tallies(query)))

    [plan] = plans_of(engine, count)
    assert found == [19]
    if database == "sqlite":
        assert any(f"USING INDEX {INDEX} (campaign=? AND created_at>? AND created_at<?)" in s["detail"] for s in plan)
    else:
        [step] = plan
        assert (step["key"], step["type"]) == (INDEX, "range"), plan
    empty(engine)
