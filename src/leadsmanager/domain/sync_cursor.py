"""Where the WordPress sync stands on one form: the last submission imported, and how the last run went."""

from __future__ import annotations

from datetime import datetime

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

    def advanced(self, after_id: str | None, *, imported: int, at: datetime) -> SyncCursor:
        """A page was stored: resume after it; an earlier error stays until the form is synced to the end."""
        return evolve(self, after_id=after_id, imported_total=self.imported_total + imported, last_run_at=at)

    def completed(self) -> SyncCursor:
        """Every submission up to now is imported: no error stands."""
        return evolve(self, last_error=None)

    def failed(self, error: str, *, at: datetime) -> SyncCursor:
        """The run stopped here: the cursor stays where the last stored page left it."""
        return evolve(self, last_error=error[:MAX_ERROR_LENGTH], last_run_at=at)
