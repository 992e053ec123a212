"""Where the WordPress sync stands on one form: the last submission imported, and how the last run went."""

from __future__ import annotations

from datetime import datetime, timedelta

from attrs import evolve, frozen

# An operator reads the error in `sync --status`; a whole HTML error page pasted in helps nobody.
MAX_ERROR_LENGTH = 1000


@frozen
class SyncCursor:
    """`after_id` is the id of the last submission whose page was imported: the next fetch starts after it."""

    site: str
    form_id: str
    after_id: str | None = None
    last_run_at: datetime | None = None
    last_error: str | None = None
    imported_total: int = 0  # leads created or merged by the sync, over every run
    succeeded_at: datetime | None = None  # when a run last read the form to its end
    failed_at: datetime | None = None  # when `last_error` happened
    newest_entry_at: datetime | None = None  # when the newest submission stored was sent, as the site says

    def advanced(
        self, after_id: str | None, *, imported: int, at: datetime, newest: datetime | None = None
    ) -> SyncCursor:
        """A page was stored: resume after it; an earlier error stays until the form is synced to the end.
        `newest` is when the page's newest submission was sent; the cursor keeps the latest seen."""
        newest_entry_at = self.newest_entry_at
        if newest is not None and (newest_entry_at is None or newest > newest_entry_at):
            newest_entry_at = newest
        total = self.imported_total + imported
        return evolve(self, after_id=after_id, imported_total=total, last_run_at=at, newest_entry_at=newest_entry_at)

    def completed(self) -> SyncCursor:
        """Every submission up to now is imported, by the page stored last: no error stands."""
        return evolve(self, last_error=None, failed_at=None, succeeded_at=self.last_run_at)

    def failed(self, error: str, *, at: datetime) -> SyncCursor:
        """The run stopped here: the cursor stays where the last stored page left it."""
        return evolve(self, last_error=error[:MAX_ERROR_LENGTH], last_run_at=at, failed_at=at)

    def lag(self, now: datetime) -> timedelta | None:
        """How long ago the newest submission stored was sent; None before any was."""
        return None if self.newest_entry_at is None else max(now - self.newest_entry_at, timedelta(0))
