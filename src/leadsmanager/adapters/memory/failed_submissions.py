"""The failed-submissions inbox in memory: reads see committed submissions and this unit of work's own."""

from __future__ import annotations

import itertools
from collections import Counter

from attrs import evolve

from leadsmanager.application.ports import FailedSubmissionRepository
from leadsmanager.domain.errors import TransientConflict
from leadsmanager.domain.failed_submission import FailedSubmission


class FailedSubmissionStore:
    """The committed inbox of a MemoryStore, and its id sequence."""

    def __init__(self) -> None:
        self.held: dict[int, FailedSubmission] = {}
        self.ids = itertools.count(1)

    def commit(self, saved: dict[int, FailedSubmission]) -> None:
        """As the SQL table's unique key: a site's form's submission is held once."""
        held = {_key(s) for s in self.held.values()} - {None}
        if any(_key(s) in held for i, s in saved.items() if i not in self.held):
            raise TransientConflict("this submission was put in the failed-submissions inbox at the same moment")
        self.held.update(saved)


class MemoryFailedSubmissionRepository(FailedSubmissionRepository):
    """Adds and saves wait in `saved` until MemoryUnitOfWork.commit hands them to the store."""

    def __init__(self, store: FailedSubmissionStore) -> None:
        self._store = store
        self.saved: dict[int, FailedSubmission] = {}

    def _all(self) -> dict[int, FailedSubmission]:
        return {**self._store.held, **self.saved}

    def add(self, submission: FailedSubmission) -> FailedSubmission | None:
        key = _key(submission)
        if key is not None and any(_key(s) == key for s in self._all().values()):
            return None
        stored = evolve(submission, id=next(self._store.ids))
        assert stored.id is not None
        self.saved[stored.id] = stored
        return stored

    def get(self, failed_id: int) -> FailedSubmission | None:
        return self._all().get(failed_id)

    def save(self, submission: FailedSubmission) -> None:
        if submission.id is not None and submission.id in self._all():
            self.saved[submission.id] = submission  # frozen: nothing can change it behind our back

    def waiting(self) -> list[FailedSubmission]:
        return [s for _, s in sorted(self._all().items()) if s.waiting]

    def waiting_counts(self) -> dict[tuple[str, str], int]:
        return dict(Counter((s.site, s.form_id) for s in self.waiting()))

    def waiting_newest(self, *, before: int | None, limit: int) -> list[FailedSubmission]:
        newest = [s for s in reversed(self.waiting()) if before is None or (s.id or 0) < before]
        return newest[:limit]


def _key(submission: FailedSubmission) -> tuple[str, str, str] | None:
    if submission.submission_id is None:
        return None
    return (submission.site, submission.form_id, submission.submission_id)
