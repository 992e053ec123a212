"""The failed-submissions inbox in the database. Like every repository, it never commits."""

from __future__ import annotations

from typing import Any

from attrs import asdict, evolve
from sqlalchemy import Row, func, insert, select, update
from sqlalchemy.orm import Session

from leadsmanager.adapters.sql.column_types import storable
from leadsmanager.adapters.sql.errors import run
from leadsmanager.adapters.sql.tables import failed_submissions
from leadsmanager.application.ports import FailedSubmissionRepository
from leadsmanager.domain.failed_submission import FailedSubmission, ReceivedBy

_CHANGED_BY_REPLAY = ("reason", "attempts", "tried_at", "lead_id", "replayed_at")


class SqlFailedSubmissionRepository(FailedSubmissionRepository):
    def __init__(self, session: Session) -> None:
        self._session = session

    def add(self, submission: FailedSubmission) -> FailedSubmission | None:
        c = failed_submissions.c
        if submission.submission_id is not None:
            held = select(c.id).where(
                c.site == submission.site, c.form_id == submission.form_id, c.submission_id == submission.submission_id
            )
            if run(self._session, held).first() is not None:
                return None
        values = {k: v for k, v in asdict(submission, recurse=False).items() if k != "id"}
        values["received_by"] = submission.received_by.value
        values["fields"] = None if submission.fields is None else dict(submission.fields)
        why = "this submission was put in the failed-submissions inbox at the same moment"
        result = run(self._session, insert(failed_submissions).values(values), on_duplicate=why)
        return evolve(submission, id=int(result.inserted_primary_key[0]))

    def get(self, failed_id: int) -> FailedSubmission | None:
        if not storable(failed_id):
            return None
        row = run(self._session, select(failed_submissions).where(failed_submissions.c.id == failed_id)).first()
        return None if row is None else _to_failed(row)

    def save(self, submission: FailedSubmission) -> None:
        values = {name: getattr(submission, name) for name in _CHANGED_BY_REPLAY}
        run(self._session, update(failed_submissions).where(failed_submissions.c.id == submission.id).values(values))

    def waiting(self) -> list[FailedSubmission]:
        c = failed_submissions.c
        statement = select(failed_submissions).where(c.replayed_at.is_(None)).order_by(c.id)
        return [_to_failed(r) for r in run(self._session, statement)]

    def waiting_counts(self) -> dict[tuple[str, str], int]:
        c = failed_submissions.c
        statement = select(c.site, c.form_id, func.count()).where(c.replayed_at.is_(None)).group_by(c.site, c.form_id)
        return {(site, form_id): int(count) for site, form_id, count in run(self._session, statement)}

    def waiting_newest(self, *, before: int | None, limit: int) -> list[FailedSubmission]:
        c = failed_submissions.c
        statement = select(failed_submissions).where(c.replayed_at.is_(None))
        if before is not None:
            statement = statement.where(c.id < before)
        statement = statement.order_by(c.id.desc()).limit(limit)
        return [_to_failed(r) for r in run(self._session, statement)]


def _to_failed(row: Row[Any]) -> FailedSubmission:
    values = dict(row._mapping)
    values["received_by"] = ReceivedBy(values["received_by"])
    values["id"] = int(values["id"])
    return FailedSubmission(**values)
