"""Which index a lead list page forces on MySQL/MariaDB, and that SQLite never sees the hint."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy.dialects import mysql, sqlite
from sqlalchemy.dialects.mysql.mariadb import MariaDBDialect

from leadsmanager.adapters.sql.tables import leads
from leadsmanager.adapters.sql.views.list_pages import NEWEST_FIRST_INDEX, WALKS, values, walk, walked
from leadsmanager.application.queries import Cursor, LeadQuery
from leadsmanager.domain.lead import Channel
from leadsmanager.domain.status import LeadStatus

CONTACTED, TWO = (LeadStatus.CONTACTED,), (LeadStatus.CONTACTED, LeadStatus.NEW)
MARCH = datetime(2026, 3, 1, tzinfo=UTC)


def test_every_index_a_page_can_force_exists() -> None:
    # A renamed index would make MariaDB refuse every such page; test_migrations holds the
    # migrations to these same names.
    assert {index for _, index in WALKS} | {NEWEST_FIRST_INDEX} <= {ix.name for ix in leads.indexes}


@pytest.mark.parametrize(
    ("query", "index"),
    [
        (LeadQuery(), "ix_leads_created_at_id"),
        (LeadQuery(created_from=MARCH, oldest_first=True), "ix_leads_created_at_id"),
        (LeadQuery(statuses=CONTACTED), "ix_leads_status_created_at_id"),
        (LeadQuery(statuses=TWO), None),
        (LeadQuery(assignee_id=3), "ix_leads_assignee_id_created_at_id"),
        (LeadQuery(assignee_id=3, statuses=CONTACTED), "ix_leads_assignee_id_status_created_at_id"),
        (LeadQuery(assignee_id=3, statuses=TWO), "ix_leads_assignee_id_created_at_id"),
        (LeadQuery(unassigned=True, statuses=CONTACTED), "ix_leads_assignee_id_status_created_at_id"),
        (LeadQuery(site="a.example", form_id="7", service="audit"), "ix_leads_site_form_id_created_at_id"),
        (LeadQuery(site="a.example", service="audit"), "ix_leads_service_created_at_id"),
        (LeadQuery(source=Channel.API, statuses=CONTACTED), "ix_leads_source_created_at_id"),
        (LeadQuery(source=Channel.API, statuses=TWO), "ix_leads_source_created_at_id"),
        (LeadQuery(campaign="Expo"), "ix_leads_campaign_created_at_id"),
        (LeadQuery(campaign="Expo", service="audit", statuses=TWO), "ix_leads_campaign_created_at_id"),
        (LeadQuery(campaign="Expo", assignee_id=3), "ix_leads_assignee_id_created_at_id"),
    ],
)
def test_a_page_walks_the_index_of_its_filters(query: LeadQuery, index: str | None) -> None:
    chosen = walk(query)
    assert (chosen and chosen.index) == index


def test_the_hint_reaches_both_mysql_dialects_and_not_sqlite() -> None:
    statement = walked(LeadQuery(statuses=CONTACTED))
    for dialect in (mysql.dialect(), MariaDBDialect()):
        assert "FROM leads FORCE INDEX (ix_leads_status_created_at_id)" in str(statement.compile(dialect=dialect))
    assert "INDEX" not in str(statement.compile(dialect=sqlite.dialect()))


def test_pages_of_one_shape_share_one_statement_and_bind_their_own_values() -> None:
    # Building and hashing a statement cost as much as reading a page; each shape is built once.
    first = LeadQuery(statuses=CONTACTED, assignee_id=3, after=Cursor(MARCH, 10), limit=20)
    second = LeadQuery(statuses=(LeadStatus.NEW,), assignee_id=9, after=Cursor(MARCH, 99), limit=50)
    assert walked(first) is walked(second)
    assert walked(first) is not walked(LeadQuery(statuses=CONTACTED, assignee_id=3, limit=20))
    bound = values(second)
    assert (bound["statuses"], bound["assignee_id"], bound["after_id"], bound["page_rows"]) == (["new"], 9, 99, 51)
