"""The data consistency check: find what breaks the product's rules, and fix it when asked."""

from __future__ import annotations

import enum
from collections.abc import Callable
from functools import partial

from attrs import frozen

from leadsmanager.application.job_types import GapScan
from leadsmanager.application.ports import Clock, UnitOfWork, UnitOfWorkFactory
from leadsmanager.application.transactions import in_transaction
from leadsmanager.domain.actor import Actor

BATCH = 5000
MAX_FINDINGS = 10_000  # per kind and run: a report a person can read; the next run finds the rest


class FindingKind(enum.StrEnum):
    UNKNOWN_STATUS = "unknown_status"
    INACTIVE_ASSIGNEE = "inactive_assignee"
    HISTORY_GAP = "history_gap"


@frozen
class Finding:
    kind: FindingKind
    lead_id: int
    detail: str
    fixed: bool = False


@frozen
class ConsistencyReport:
    findings: tuple[Finding, ...]
    leads_scanned: int

    @property
    def unfixed(self) -> int:
        return sum(1 for f in self.findings if not f.fixed)


Progress = Callable[[int], None]  # leads scanned so far


class CheckConsistency:
    """Fixes are made by the system user and recorded in each lead's history like any change."""

    def __init__(self, uow: UnitOfWorkFactory, clock: Clock) -> None:
        self._uow, self._clock = uow, clock

    def __call__(self, *, fix: bool = False, progress: Progress | None = None) -> ConsistencyReport:
        findings = [*self._unknown_statuses(fix), *self._inactive_assignees(fix)]
        gaps, scanned = self._history_gaps(fix, progress)
        return ConsistencyReport((*findings, *gaps), scanned)

    def _unknown_statuses(self, fix: bool) -> list[Finding]:
        def set_start(uow: UnitOfWork) -> tuple[list[tuple[int, str]], str]:
            found, start = uow.checks.unknown_statuses(MAX_FINDINGS), uow.pipeline.get().start
            for lead_id, _ in found if fix else ():
                uow.checks.set_unknown_status(lead_id, start, at=self._clock.now())
            return found, start

        found, start = in_transaction(self._uow, set_start)
        detail = "status {!r} is not a stage of the configured pipeline" + (f", set to {start}" if fix else "")
        return [Finding(FindingKind.UNKNOWN_STATUS, i, detail.format(status), fixed=fix) for i, status in found]

    def _inactive_assignees(self, fix: bool) -> list[Finding]:
        with self._uow() as uow:
            found = uow.checks.assigned_to_inactive(MAX_FINDINGS)
        findings = []
        for lead_id, user_id in found:
            if fix:
                in_transaction(self._uow, partial(self._unassign, lead_id=lead_id))
            detail = f"assigned to deactivated user {user_id}" + (", now unassigned" if fix else "")
            findings.append(Finding(FindingKind.INACTIVE_ASSIGNEE, lead_id, detail, fixed=fix))
        return findings

    def _unassign(self, uow: UnitOfWork, lead_id: int) -> None:
        lead = uow.leads.get(lead_id)
        if lead is not None:
            lead.assign(None, by=Actor.system(), at=self._clock.now())
            uow.leads.save(lead)

    def _history_gaps(self, fix: bool, progress: Progress | None) -> tuple[list[Finding], int]:
        findings: list[Finding] = []
        after: int | None = 0
        scanned = 0
        while after is not None and len(findings) < MAX_FINDINGS:
            scan = in_transaction(self._uow, partial(self._correct_gaps, after=after, fix=fix))
            for lead_id, status, recorded in scan.gaps:
                detail = f"status is {status} but its history last records {recorded or 'no status'}"
                findings.append(Finding(FindingKind.HISTORY_GAP, lead_id, detail, fixed=fix))
            scanned += scan.scanned
            after = scan.next_after
            if progress is not None:
                progress(scanned)
        return findings, scanned

    def _correct_gaps(self, uow: UnitOfWork, after: int, fix: bool) -> GapScan:
        scan = uow.checks.status_history_gaps(after, BATCH)
        for lead_id, status, recorded in scan.gaps if fix else ():
            uow.checks.record_status_correction(lead_id, recorded, status, at=self._clock.now())
        return scan
