"""Leads keep their first response, furthest stage, re-submission count and score, backfilled from history;
reports keep running counts of them.

Revision ID: 0007
Revises: 0006
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from alembic import op

from leadsmanager.adapters.sql.column_types import MYSQL_OPTIONS, UtcDateTime, exact_string
from leadsmanager.adapters.sql.views.report_rebuild import rebuild
from leadsmanager.application.tallies import Facet

revision = "0007"
down_revision = "0006"

_COUNTERS = (
    ("stage_reached", sa.String(16), "'new'"),
    ("resubmissions", sa.Integer(), "0"),
    ("score", sa.Integer(), "0"),
)
_INDEXES = (("score", "id"), ("status", "score", "id"), ("assignee_id", "score", "id"))

_STAGES = ("new", "contacted", "qualified", "proposal", "won")
_SOURCES = ("web_form", "manual", "api", "wordpress")
_STATUSES = (*_STAGES, "lost", "spam")
# The report counters as they stand at this revision (tables.COUNTERS may grow later).
_REPORT_COUNTERS = {
    **{f"{c}_{s}": (Facet.SOURCE_STATUS, (c, s)) for c in _SOURCES for s in _STATUSES},
    **{f"reached_{s}": (Facet.REACHED, (s,)) for s in _STAGES},
    **{f"response_{b:02d}": (Facet.RESPONSE, (str(b),)) for b in range(40)},
    "unanswered": (Facet.UNANSWERED, ()),
}

# Frozen copies of the columns this migration reads and writes, as they stand at this revision.
leads = sa.table(
    "leads",
    *(sa.column(c) for c in ("id", "email", "phone", "company", "source", "service", "message", "status")),
    sa.column("first_response_at", UtcDateTime),
    *(sa.column(c) for c in ("stage_reached", "resubmissions", "score")),
)
history = sa.table("lead_history", *(sa.column(c) for c in ("lead_id", "field", "old", "new", "actor_id", "at")))


def _rank(column: Any) -> Any:
    return sa.case(*((column == stage, i) for i, stage in enumerate(_STAGES)), else_=0)


def _first_response() -> Any:
    """The first status change or note by a person. A lead's creation is a status change from nothing
    (old IS NULL), and the system's entries (spam checks, imports) have no actor."""
    h = history.alias("h")
    by_person = sa.or_(h.c.field == "note", sa.and_(h.c.field == "status", h.c.old.is_not(None)))
    found = sa.select(sa.func.min(h.c.at)).where(h.c.lead_id == leads.c.id, h.c.actor_id.is_not(None), by_person)
    return found.scalar_subquery()


def _resubmissions() -> Any:
    h = history.alias("h")
    found = sa.select(sa.func.count()).where(h.c.lead_id == leads.c.id, h.c.field == "resubmission")
    return found.scalar_subquery()


def _stage_reached() -> Any:
    h = history.alias("h")
    rank = sa.select(sa.func.max(_rank(h.c.new))).where(h.c.lead_id == leads.c.id, h.c.field == "status")
    return sa.case(*((rank.scalar_subquery() == i, stage) for i, stage in enumerate(_STAGES)), else_="new")


def _points(condition: Any, points: int) -> Any:
    return sa.case((condition, points), else_=0)


def _score() -> Any:
    """domain/scoring.py as it stands at this revision; a test holds the two to the same answers."""
    c, length = leads.c, sa.func.char_length(leads.c.message)  # length() on SQLite
    source = sa.case({"manual": 15, "web_form": 10, "wordpress": 10, "api": 5}, value=c.source, else_=0)
    message = sa.case((length >= 80, 15), (length > 0, 5), else_=0)
    again = sa.case((c.resubmissions >= 2, 15), (c.resubmissions == 1, 10), else_=0)
    contact = (
        _points(sa.and_(c.email.is_not(None), c.email != ""), 15)
        + _points(sa.and_(c.phone.is_not(None), c.phone != ""), 15)
        + _points(c.company != "", 10)
    )
    return contact + source + _points(c.service != "", 15) + message + again


def upgrade() -> None:
    op.add_column("leads", sa.Column("first_response_at", UtcDateTime, nullable=True))
    for name, kind, placeholder in _COUNTERS:
        # A constant default makes adding the column instant on MariaDB. It stays: dropping it would make
        # SQLite copy `leads`, which rows of other tables reference, and the copy could not replace it.
        op.add_column("leads", sa.Column(name, kind, nullable=False, server_default=sa.text(placeholder)))
    op.execute(
        leads.update().values(
            first_response_at=_first_response(), resubmissions=_resubmissions(), stage_reached=_stage_reached()
        )
    )
    # A lead whose history does not show how it got to its status (loaded in bulk) reached at least that.
    behind = sa.and_(leads.c.status.in_(_STAGES[1:]), _rank(leads.c.status) > _rank(leads.c.stage_reached))
    op.execute(leads.update().where(behind).values(stage_reached=leads.c.status))
    op.execute(leads.update().values(score=_score()))
    for columns in _INDEXES:
        op.create_index("ix_leads_" + "_".join(columns), "leads", list(columns))
    _create_report_tables()
    rebuild(op.get_bind(), _REPORT_COUNTERS, pending=False)


def _create_report_tables() -> None:
    op.create_table(
        "report_counts",
        sa.Column("span", sa.String(1), nullable=False),
        sa.Column("starts", sa.Date, nullable=False),
        sa.Column("assignee_id", sa.BigInteger, nullable=False, autoincrement=False),
        *(sa.Column(name, sa.Integer, nullable=False) for name in _REPORT_COUNTERS),
        sa.PrimaryKeyConstraint("span", "starts", "assignee_id", name="pk_report_counts"),
        **MYSQL_OPTIONS,
    )
    op.create_index("ix_report_counts_assignee_id_span_starts", "report_counts", ["assignee_id", "span", "starts"])
    op.create_table(
        "report_keys",
        sa.Column("who", sa.BigInteger, nullable=False, autoincrement=False),
        sa.Column("span", sa.String(1), nullable=False),
        sa.Column("starts", sa.Date, nullable=False),
        sa.Column("facet", sa.String(16), nullable=False),
        sa.Column("first_key", exact_string(200), nullable=False),
        sa.Column("second_key", exact_string(100), nullable=False),
        sa.Column("leads", sa.Integer, nullable=False),
        sa.PrimaryKeyConstraint("who", "span", "starts", "facet", "first_key", "second_key", name="pk_report_keys"),
        **MYSQL_OPTIONS,
    )


def downgrade() -> None:
    op.drop_table("report_keys")
    op.drop_table("report_counts")
    for columns in _INDEXES:
        op.drop_index("ix_leads_" + "_".join(columns), "leads")
    for name in ("score", "resubmissions", "stage_reached", "first_response_at"):
        op.drop_column("leads", name)
