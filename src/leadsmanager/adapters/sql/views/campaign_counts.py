"""The report by campaign: the period's leads counted by campaign and stage kind, in the database.

One GROUP BY over the period, answered from the index on (created_at, campaign, status_kind) without
reading a lead's row: a range of that index for the period, then a small temporary table of
(campaign, kind) groups. One rep's report walks their (assignee_id, created_at, id) index instead.
"""

from __future__ import annotations

from sqlalchemy import ColumnElement, bindparam, func, select
from sqlalchemy.orm import Session

from leadsmanager.adapters.sql.errors import run
from leadsmanager.adapters.sql.tables import leads
from leadsmanager.application.queries import CampaignCount, StatsQuery

_COUNTED = select(leads.c.campaign, leads.c.status_kind, func.count())


def campaign_counts(session: Session, query: StatsQuery) -> list[CampaignCount]:
    found: list[ColumnElement[bool]] = []
    if query.created_from is not None:
        found.append(leads.c.created_at >= bindparam("created_from"))
    if query.created_to is not None:
        found.append(leads.c.created_at < bindparam("created_to"))
    if query.assignee_id is not None:
        found.append(leads.c.assignee_id == bindparam("assignee_id"))
    if query.campaign is not None:
        found.append(leads.c.campaign == bindparam("campaign"))
    statement = _COUNTED.where(*found).group_by(leads.c.campaign, leads.c.status_kind)
    given = {
        "created_from": query.created_from,
        "created_to": query.created_to,
        "assignee_id": query.assignee_id,
        "campaign": query.campaign,
    }
    values = {name: value for name, value in given.items() if value is not None}
    return [CampaignCount(campaign, kind, int(n)) for campaign, kind, n in run(session, statement, values)]
