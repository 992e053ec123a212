"""The Sources page's counts of the leads each synced or pushed form made lately: the in-memory fake, SQLite
and MariaDB answer alike, and the SQL databases count within one index, never reading the leads table."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import Engine, event, text

from leadsmanager.adapters.sql.engine import make_session_factory
from leadsmanager.adapters.sql.unit_of_work import SqlAlchemyUnitOfWork
from leadsmanager.domain.lead import Channel
from tests.conftest import UowFactory, ViewsFactory, empty, views_of
from tests.support import START, new_lead, store

NOW = START + timedelta(days=40)
SINCE = (NOW - timedelta(days=1), NOW - timedelta(days=30))
INDEX = "ix_leads_source_site_form_id_created_at"


def wordpress(n: int, site: str, form_id: str, *, ago: timedelta) -> Any:
    return new_lead(
        n, at=NOW - ago, channel=Channel.WORDPRESS, site=site, form_id=form_id, external_id=f"{site}/{form_id}/{n}"
    )


def test_a_form_counts_its_own_leads_of_the_last_day_and_of_the_last_30_days(
    uow_factory: UowFactory, views_factory: ViewsFactory
) -> None:
    hour, day = timedelta(hours=1), timedelta(days=1)
    store(
        uow_factory,
        wordpress(1, "shop", "3", ago=hour),
        wordpress(2, "shop", "3", ago=23 * hour),
        wordpress(3, "shop", "3", ago=day),  # exactly 24 hours ago: still in the last day
        wordpress(4, "shop", "3", ago=2 * day),
        wordpress(5, "shop", "3", ago=30 * day),  # exactly 30 days ago: still in
        wordpress(6, "shop", "3", ago=30 * day + timedelta(seconds=1)),  # just before: out
        wordpress(7, "shop", "4", ago=hour),  # the site's other form
        wordpress(8, "blog", "3", ago=hour),  # another site's form with the same id
        new_lead(9, at=NOW - hour, channel=Channel.API, site="shop", form_id="3"),  # says so, but came by the API
        wordpress(10, "shop", "3", ago=-hour),  # after `now` (clocks differ): counted, as it is at or after since
    )
    with views_factory() as views:
        assert views.imported("shop", "3", since=SINCE) == (4, 6)
        assert views.imported("shop", "4", since=SINCE) == (1, 1)
        assert views.imported("shop", "5", since=SINCE) == (0, 0)
        assert views.imported("Shop", "3", since=SINCE) == (0, 0)  # identifiers are exact
        assert views.imported("shop", "3", since=()) == ()


def plans_of(engine: Engine, work: Callable[[], object]) -> list[list[dict[str, Any]]]:
    """What the database plans for each read of the leads table `work` makes, asked on the same cursor."""
    plans: list[list[dict[str, Any]]] = []
    prefix = "EXPLAIN QUERY PLAN " if engine.dialect.name == "sqlite" else "EXPLAIN "

    def explain(connection: Any, cursor: Any, statement: str, parameters: Any, context: Any, many: bool) -> None:
        if statement.lstrip().startswith("SELECT") and "FROM leads" in statement:
            cursor.execute(prefix + statement, parameters)
            columns = [d[0] for d in cursor.description]
            plans.append([dict(zip(columns, row, strict=True)) for row in cursor.fetchall()])

    event.listen(engine, "before_cursor_execute", explain)
    try:
        work()
    finally:
        event.remove(engine, "before_cursor_execute", explain)
    return plans


@pytest.mark.parametrize("database", ["sqlite", pytest.param("mariadb", marks=pytest.mark.mariadb)])
def test_the_count_reads_only_the_index_on_source_site_form_and_time(
    request: pytest.FixtureRequest, database: str
) -> None:
    engine: Engine = request.getfixturevalue("sqlite_engine" if database == "sqlite" else "mysql_engine")
    empty(engine)
    factory = make_session_factory(engine)
    leads = (wordpress(n, f"site{n % 7}", str(n % 3), ago=timedelta(hours=n)) for n in range(1, 300))
    store(lambda: SqlAlchemyUnitOfWork(factory), *leads)
    with engine.begin() as connection:
        connection.execute(text("ANALYZE TABLE leads" if database == "mariadb" else "ANALYZE"))

    def count() -> None:
        with views_of(engine)() as views:
            assert views.imported("site1", "2", since=SINCE) == (1, 14)  # n = 8, 29, ... 281: one within 24 hours

    [plan] = plans_of(engine, count)
    if database == "sqlite":
        searched = f"SEARCH leads USING COVERING INDEX {INDEX} (source=? AND site=? AND form_id=? AND created_at>?)"
        assert [step["detail"] for step in plan] == [searched], plan
    else:
        [step] = plan
        assert (step["key"], step["type"]) == (INDEX, "range") and "Using index" in step["Extra"], plan
    empty(engine)
