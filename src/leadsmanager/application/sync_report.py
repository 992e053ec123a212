"""What a WordPress sync run did, per form: what it fetched, what became of it, where the cursor moved."""

from __future__ import annotations

from datetime import timedelta

from attrs import frozen


@frozen
class Rejection:
    """A submission that cannot become a lead, kept in the failed-submissions inbox as `kept_as` (None: the
    inbox held it already); the sync moves past it, as it would be refused again on every run."""

    submission_id: str
    reason: str
    kept_as: int | None = None


@frozen
class FormReport:
    site: str
    form_id: str
    fetched: int
    created: int
    merged: int
    duplicates: int
    rejected: tuple[Rejection, ...]
    error: str | None  # why the form stopped early; the pages before it are imported and stay so
    cursor_before: str | None
    cursor_after: str | None
    duration: timedelta
    rechecked: int = 0  # read again behind the cursor (ids can become visible out of order); known already

    @property
    def failed(self) -> bool:
        return self.error is not None


@frozen
class SyncReport:
    forms: tuple[FormReport, ...]

    @property
    def failures(self) -> tuple[FormReport, ...]:
        return tuple(form for form in self.forms if form.failed)


@frozen
class PageDone:
    """Progress of a long run: a page of a form is stored and its cursor saved."""

    site: str
    form_id: str
    fetched: int  # so far in this run, on this form
    after_id: str | None
