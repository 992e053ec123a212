"""The lead read models over SQLAlchemy Core, each on a read-only session of its own."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from types import TracebackType
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from leadsmanager.adapters.sql.column_types import storable
from leadsmanager.adapters.sql.engine import release
from leadsmanager.adapters.sql.errors import run
from leadsmanager.adapters.sql.lead_rows import lead_with_history, to_lead
from leadsmanager.adapters.sql.tables import leads
from leadsmanager.adapters.sql.users import SqlUserRepository
from leadsmanager.adapters.sql.views.campaign_counts import campaign_counts
from leadsmanager.adapters.sql.views.form_counts import imported
from leadsmanager.adapters.sql.views.list_pages import values, walked
from leadsmanager.adapters.sql.views.report_tallies import tallies
from leadsmanager.adapters.sql.views.search_memory import SearchMemory
from leadsmanager.adapters.sql.views.search_pages import searched
from leadsmanager.application.ports import LeadViews
from leadsmanager.application.queries import CampaignCount, Cursor, LeadPage, LeadQuery, LeadStats, StatsQuery
from leadsmanager.application.tallies import Tally, TallyQuery
from leadsmanager.domain.lead import Lead
from leadsmanager.domain.search import query_terms


class SqlLeadViews(LeadViews):
    """Give it the read-only session factory (`make_session_factory(engine, read_only=True)`): on SQLite
    its reads then neither wait for nor hold up the one writer. `memory` is the process's one."""

    def __init__(self, session_factory: sessionmaker[Session], memory: SearchMemory) -> None:
        self._session_factory = session_factory
        self._memory = memory

    def __enter__(self) -> SqlLeadViews:
        self._session = self._session_factory()
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, error: BaseException | None, tb: TracebackType | None
    ) -> None:
        release(self._session, error)

    def list(self, query: LeadQuery) -> LeadPage:
        if query_terms(query.search):
            rows = searched(self._session, query, self._memory)
        else:
            rows = run(self._session, walked(query), values(query)).all()
        page = [to_lead(r.summary) for r in rows[: query.limit]]  # see list_pages.SUMMARY
        more = len(rows) > query.limit
        return LeadPage(page, Cursor.after(page[-1], by_score=query.by_score) if more else None)

    def count_by_status(self, assignee_id: int | None = None) -> dict[str, int]:
        statement = select(leads.c.status, func.count()).group_by(leads.c.status)
        if assignee_id is not None:
            statement = statement.where(leads.c.assignee_id == assignee_id)
        return {status: int(n) for status, n in run(self._session, statement)}

    def stats(self, query: StatsQuery) -> LeadStats:
        conditions = []
        if query.created_from is not None:
            conditions.append(leads.c.created_at >= query.created_from)
        if query.created_to is not None:
            conditions.append(leads.c.created_at < query.created_to)
        if query.assignee_id is not None:
            conditions.append(leads.c.assignee_id == query.assignee_id)

        def counts(column: Any) -> dict[Any, int]:
            statement = select(column, func.count()).where(*conditions).group_by(column)
            return {key: int(n) for key, n in run(self._session, statement)}

        return LeadStats(counts(leads.c.status), counts(leads.c.source), counts(leads.c.assignee_id))

    def campaigns(self, query: StatsQuery) -> Sequence[CampaignCount]:
        return campaign_counts(self._session, query)

    def tallies(self, query: TallyQuery) -> Sequence[Tally]:
        return tallies(self._session, query)

    def imported(self, site: str, form_id: str, *, since: Sequence[datetime]) -> tuple[int, ...]:
        return imported(self._session, site, form_id, since)

    def lead(self, lead_id: int) -> Lead | None:
        return lead_with_history(self._session, lead_id) if storable(lead_id) else None

    def names(self, user_ids: set[int]) -> dict[int, str]:
        return SqlUserRepository(self._session).names(user_ids)
