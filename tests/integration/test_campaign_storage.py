"""A lead's campaign in storage: every storage filters and counts it alike, the SQL databases walk an index
for the list and count the report within one, and migration 0022 moves the campaign the legacy import kept in
a lead's extras into the field."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from sqlalchemy import Engine, text

from leadsmanager.adapters.sql.engine import make_engine, make_session_factory
from leadsmanager.adapters.sql.migrate import upgrade
from leadsmanager.adapters.sql.unit_of_work import SqlAlchemyUnitOfWork
from leadsmanager.application.queries import CampaignCount, LeadQuery, StatsQuery
from leadsmanager.domain.actor import Actor
from leadsmanager.domain.lead import Lead
from leadsmanager.domain.roles import Role
from tests.conftest import UowFactory, ViewsFactory, empty, reset, views_of
from tests.integration.test_form_counts_contract import plans_of
from tests.support import START, new_lead, store

DAY = timedelta(days=1)
MANAGER = Actor(user_id=None, role=Role.MANAGER, name="Max")


def of_campaign(n: int, campaign: str | None, *, at: datetime = START) -> Lead:
    return new_lead(n, at=at, campaign=campaign)


def test_every_storage_filters_and_counts_by_campaign(uow_factory: UowFactory, views_factory: ViewsFactory) -> None:
    won = of_campaign(1, "Expo")
    for step in ("contacted", "qualified", "proposal", "won"):
        won.change_status(step, by=MANAGER, at=START + DAY)
    ids = store(
        uow_factory,
        won,
        of_campaign(2, "Expo"),
        of_campaign(3, "Radio"),
        of_campaign(4, None),
        of_campaign(5, "Expo", at=START - 40 * DAY),  # before the period
    )
    with views_factory() as views:
        assert [x.id for x in views.list(LeadQuery(campaign="Expo")).leads] == [ids[1], ids[0], ids[4]]
        assert [x.campaign for x in views.list(LeadQuery(campaign="Radio")).leads] == ["Radio"]
        assert views.list(LeadQuery(campaign="expo")).leads == []  # exact, as the other text filters
        counted = views.campaigns(StatsQuery(START - DAY, START + 2 * DAY))
    assert sorted(counted, key=lambda c: (c.campaign or "", c.kind)) == [
        CampaignCount(None, "open", 1),
        CampaignCount("Expo", "open", 1),
        CampaignCount("Expo", "won", 1),
        CampaignCount("Radio", "open", 1),
    ]


@pytest.fixture(params=["sqlite", pytest.param("mariadb", marks=pytest.mark.mariadb)])
def seeded(request: pytest.FixtureRequest) -> Iterator[Engine]:
    """600 leads over 60 days, a third of them of no campaign, with the database's statistics taken."""
    engine: Engine = request.getfixturevalue("sqlite_engine" if request.param == "sqlite" else "mysql_engine")
    empty(engine)
    names = ("Expo", "Radio", None)
    leads = (of_campaign(n, names[n % 3], at=START - n * DAY / 10) for n in range(1, 601))
    store(lambda: SqlAlchemyUnitOfWork(make_session_factory(engine)), *leads)
    with engine.begin() as connection:
        connection.execute(text("ANALYZE TABLE leads" if engine.dialect.name != "sqlite" else "ANALYZE"))
    yield engine
    empty(engine)


def test_a_campaigns_list_walks_its_index(seeded: Engine) -> None:
    def page() -> None:
        with views_of(seeded)() as views:
            assert len(views.list(LeadQuery(campaign="Radio", limit=50)).leads) == 50

    [plan] = plans_of(seeded, page)
    if seeded.dialect.name == "sqlite":
        assert any("USING INDEX ix_leads_campaign_created_at_id (campaign=?)" in step["detail"] for step in plan), plan
        assert not any("TEMP B-TREE" in step["detail"] for step in plan), plan  # in page order, no sort
    else:
        [step] = plan
        assert (step["key"], step["type"]) == ("ix_leads_campaign_created_at_id", "ref"), plan
        assert "filesort" not in (step["Extra"] or ""), plan


def test_the_report_by_campaign_counts_within_one_index(seeded: Engine) -> None:
    period = StatsQuery(START - 10 * DAY, START)

    def count() -> None:
        with views_of(seeded)() as views:
            found = views.campaigns(period)
        assert sum(c.leads for c in found) == 100 and {c.campaign for c in found} == {"Expo", "Radio", None}

    [plan] = plans_of(seeded, count)
    index = "ix_leads_created_at_campaign_status_kind"
    if seeded.dialect.name == "sqlite":
        assert any(f"USING COVERING INDEX {index} (created_at>? AND created_at<?)" in s["detail"] for s in plan), plan
    else:
        [step] = plan
        assert (step["key"], step["type"]) == (index, "range") and "Using index" in step["Extra"], plan


def old_lead(n: int, extras: dict[str, Any]) -> dict[str, Any]:
    """A leads row as revision 0019 holds it, as the legacy import wrote it then."""
    return {
        "contact_name": f"Lead {n}",
        "email": f"lead{n}@example.com",
        "phone": None,
        "company": "",
        "service": "",
        "message": "",
        "source": "wordpress",
        "site": "intralog",
        "form_id": "4",
        "external_id": f"intralog/4/{n}",
        "extras": extras,
        "utm": {"utm_campaign": "spring"} if n == 1 else {},
        "status": "new",
        "created_at": datetime(2025, 1, n),
        "updated_at": datetime(2025, 1, n),
        "version": 0,
        "stage_reached": "new",
        "resubmissions": 0,
        "score": 0,
        "status_kind": "open",
    }


def check_0022(engine: Engine) -> None:
    columns = old_lead(1, {}).keys()
    table = sa.table("leads", *(sa.column(c, sa.JSON if c in ("extras", "utm") else None) for c in columns))
    with engine.begin() as connection:
        connection.execute(
            table.insert(),
            [
                old_lead(1, {"campaign": "Expo Logística 2025", "origen": "web"}),
                old_lead(2, {"origen": "web"}),  # no campaign: utm_campaign is not one either
                old_lead(3, {"campaign": "  Radio   FM "}),
                old_lead(4, {"campaign": "x" * 201}),  # longer than the field: kept as an extra
            ],
        )
    upgrade(engine)
    with SqlAlchemyUnitOfWork(make_session_factory(engine)) as uow:
        moved = [uow.leads.get(n) for n in range(1, 5)]
    assert [(x.campaign, x.extras) for x in moved if x is not None] == [
        ("Expo Logística 2025", {"origen": "web"}),
        (None, {"origen": "web"}),
        ("Radio FM", {}),
        (None, {"campaign": "x" * 201}),
    ]


def test_sqlite_0022_moves_the_imported_campaign_into_the_field(tmp_path: Path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'old.sqlite3'}")
    try:
        upgrade(engine, "0021")
        check_0022(engine)
    finally:
        engine.dispose()


@pytest.mark.mariadb
def test_mariadb_0022_moves_the_imported_campaign_into_the_field(mysql_engine: Engine) -> None:
    reset(mysql_engine, "0021")
    try:
        check_0022(mysql_engine)
    finally:
        reset(mysql_engine)
