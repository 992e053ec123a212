"""How each configured form source is doing: when its sync last read it to the end, its last error, how old
its newest stored submission is, the leads it made lately, and the submissions waiting in the inbox.

Read for an admin who wants to know when a source breaks; nothing here writes.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta

from attrs import frozen

from leadsmanager.application.ports import Clock, LeadViewsFactory, UnitOfWorkFactory
from leadsmanager.domain.actor import Actor
from leadsmanager.domain.errors import PermissionDenied
from leadsmanager.domain.failed_submission import FailedSubmission
from leadsmanager.domain.roles import Permission
from leadsmanager.domain.sync_cursor import SyncCursor

FAILED_PAGE = 50  # failed submissions shown at once: each is kept whole, its body with it
DAY = timedelta(days=1)
MONTH = timedelta(days=30)


@frozen
class SourceSite:
    """A configured site as the page shows it: `kind` is the API it is read through (its plugin),
    `pulled` whether the sync reads it, `pushed` whether it takes pushed submissions."""

    name: str
    kind: str
    pulled: bool
    pushed: bool
    form_ids: tuple[str, ...]


@frozen
class FormHealth:
    site: SourceSite
    form_id: str
    cursor: SyncCursor | None  # None: never synced (or a site that only takes pushes)
    lag: timedelta | None  # now minus when the newest stored submission was sent; None: unknown
    last_day: int  # leads made from the form's submissions in the last 24 hours
    last_month: int  # and in the last 30 days
    waiting: int  # its submissions in the failed-submissions inbox


@frozen
class SourcesView:
    at: datetime
    forms: tuple[FormHealth, ...]
    failed: tuple[FailedSubmission, ...]  # a page of the submissions waiting in the inbox, newest first
    waiting: int  # all those waiting
    older_than: int | None = None  # the id the next page starts below; None: this page is the last


class SourceHealth:
    def __init__(
        self, sites: Sequence[SourceSite], uow: UnitOfWorkFactory, views: LeadViewsFactory, clock: Clock
    ) -> None:
        self._sites = tuple(sites)
        self._uow = uow
        self._views = views
        self._clock = clock

    def __call__(self, *, by: Actor, before: int | None = None) -> SourcesView:
        """The forms, and the waiting submissions newest first: a page of those with ids below `before`."""
        if not by.can(Permission.MANAGE_SOURCES):
            raise PermissionDenied("only admins see the form sources")
        now = self._clock.now()
        with self._uow() as uow:
            cursors = {(c.site, c.form_id): c for c in uow.sync_cursors.list()}
            waiting = uow.failed_submissions.waiting_counts()
            failed = uow.failed_submissions.waiting_newest(before=before, limit=FAILED_PAGE + 1)
        forms = []
        with self._views() as views:
            for site in self._sites:
                for form_id in site.form_ids:
                    cursor = cursors.get((site.name, form_id))
                    day, month = views.imported(site.name, form_id, since=(now - DAY, now - MONTH))
                    lag = None if cursor is None else cursor.lag(now)
                    forms.append(
                        FormHealth(site, form_id, cursor, lag, day, month, waiting.get((site.name, form_id), 0))
                    )
        shown = tuple(failed[:FAILED_PAGE])
        older_than = shown[-1].id if len(failed) > FAILED_PAGE else None
        return SourcesView(now, tuple(forms), shown, sum(waiting.values()), older_than)
