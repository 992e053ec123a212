"""The report counts' projection: what each lead a unit of work writes adds to `report_pending`."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy.orm import Session

from leadsmanager.adapters.sql.bulk_insert import Writes
from leadsmanager.adapters.sql.lead_rows import stored_lead
from leadsmanager.adapters.sql.views.report_counts import record, record_many
from leadsmanager.application.tallies import Counted
from leadsmanager.domain.lead import Lead


class ReportProjection:
    """One per unit of work, which hands it to its lead repository: the repository tells it each lead
    it reads and writes, and it moves the lead's counts from what it counted as when read (nothing, if
    new) to what it counts as now. Its rows go in the write's own batch of INSERTs, in the lead's
    transaction: a report never sees half of a change, and a write costs no round trip more."""

    def __init__(self, session: Session) -> None:
        self._session = session
        self._counted: dict[int, Counted] = {}  # what each lead read or written here counts as

    def read(self, lead: Lead) -> None:
        assert lead.id is not None
        self._counted[lead.id] = Counted.of(lead)

    def saving(self, lead_id: int) -> None:
        """Before a stored lead is overwritten: what it counts as, read now if it was not read here."""
        if self._counted.get(lead_id) is None:
            stored = stored_lead(self._session, lead_id)
            if stored is not None:
                self.read(stored)

    def saved(self, writes: Writes, lead: Lead) -> None:
        assert lead.id is not None
        was, now = self._counted.get(lead.id), Counted.of(lead)
        if was != now:
            record(writes, was, now)
        self._counted[lead.id] = now

    def added(self, writes: Writes, new: Sequence[Lead]) -> None:
        counted = [Counted.of(lead) for lead in new]
        record_many(writes, [(None, c) for c in counted])
        for lead, c in zip(new, counted, strict=True):
            assert lead.id is not None
            self._counted[lead.id] = c
