"""Leads a synced or pushed form made lately, counted for the Sources page.

One statement per form: a range of the index on (source, site, form_id, created_at) from the earliest time
asked, summed once per time; the leads table itself is not read. At 1,000 leads a day on a form, the
30-day count reads 30,000 index entries, whatever the size of the table.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import Select, case, func, select
from sqlalchemy.orm import Session

from leadsmanager.adapters.sql.errors import run
from leadsmanager.adapters.sql.tables import leads
from leadsmanager.domain.lead import Channel


def imported(session: Session, site: str, form_id: str, since: Sequence[datetime]) -> tuple[int, ...]:
    if not since:
        return ()
    return tuple(int(n) for n in run(session, imported_statement(site, form_id, since)).one())


def imported_statement(site: str, form_id: str, since: Sequence[datetime]) -> Select[Any]:
    c = leads.c
    sums = [func.coalesce(func.sum(case((c.created_at >= start, 1), else_=0)), 0) for start in since]
    return select(*sums).where(
        c.source == Channel.WORDPRESS.value, c.site == site, c.form_id == form_id, c.created_at >= min(since)
    )
