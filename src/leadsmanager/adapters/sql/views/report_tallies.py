"""Tallies for a time range: running counts for its whole days and months, leads for the hours around them."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ColumnElement, and_, or_, select, true
from sqlalchemy.orm import Session

from leadsmanager.adapters.sql.errors import run
from leadsmanager.adapters.sql.tables import leads
from leadsmanager.adapters.sql.views.report_counts import COUNTED_NAMES, stored_tallies
from leadsmanager.adapters.sql.views.report_spans import Range, spans
from leadsmanager.application.tallies import Counted, Tally, TallyQuery, count

COUNTED_COLUMNS = [leads.c[name] for name in COUNTED_NAMES]


def tallies(session: Session, query: TallyQuery) -> list[Tally]:
    if query.campaign is not None:  # the running counts keep no campaign: its leads are counted here
        return _read(session, ((query.start, query.end),), query)
    planned = spans(query.start, query.end, query.arrived_by)
    stored = stored_tallies(session, planned, query.facets, query.assignee_id)
    return [*stored, *_read(session, planned.raw, query)]


def _read(session: Session, ranges: tuple[Range, ...], query: TallyQuery) -> list[Tally]:
    """The leads of a few hours (or of a range too short for a whole day), counted here."""
    if not ranges:
        return []
    statement = select(*COUNTED_COLUMNS).where(or_(*(_between(start, end) for start, end in ranges)))
    if query.assignee_id is not None:
        statement = statement.where(leads.c.assignee_id == query.assignee_id)
    if query.campaign is not None:  # read by the (campaign, created_at, id) index
        statement = statement.where(leads.c.campaign == query.campaign)
    return count([Counted(*row) for row in run(session, statement)], query.facets)


def _between(start: datetime | None, end: datetime | None) -> ColumnElement[bool]:
    bounds = [leads.c.created_at >= start] if start is not None else []
    bounds += [leads.c.created_at < end] if end is not None else []
    return and_(*bounds) if bounds else true()
