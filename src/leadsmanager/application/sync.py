"""The WordPress sync: each configured form's new submissions become leads, resuming where the last run stopped.

Transaction boundary: SubmitLead.page stores a fetched page in one transaction (one submission at a
time only if the page collides with a concurrent change), and the form's cursor is saved after the page,
in another. A crash between the two leaves the cursor behind leads already stored; the next run fetches
that page again and SubmitLead answers DUPLICATE for each of them, as the external id `{site}/{form}/{id}`
is stored once. So nothing is lost and nothing is imported twice, without SubmitLead having to join a
caller's unit of work.

A WordPress site's ids are auto-increment row ids, and rows can become visible out of id order (an
insert that commits after a later one). So each run starts `reread` ids behind its cursor: a
submission that appeared there since is imported, and the rest answer DUPLICATE and change nothing.
The cursor itself never moves back.

Forms may be synced side by side, each by its own SyncForms (`leadsmanager sync` runs them in
processes): two forms' pages that create or join a lead for the same person at once collide on the
open-contact keys or the lead's version; the loser's page is stored one submission at a time, and its
submission joins the lead the other stored.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Sequence
from datetime import datetime
from typing import Protocol

from attrs import define, field

from leadsmanager.application.intake import LeadForm, Outcome, SubmitResult
from leadsmanager.application.intake.form_mapping import SyncedForm
from leadsmanager.application.parsing import whole_number
from leadsmanager.application.ports import Clock, FormSource, UnitOfWorkFactory
from leadsmanager.application.sync_report import FormReport, PageDone, Rejection, SyncReport
from leadsmanager.application.sync_types import FormSourceBadResponse, FormSourceError, SubmissionPage
from leadsmanager.application.transactions import in_transaction
from leadsmanager.domain.errors import NotFound, ValidationError
from leadsmanager.domain.sync_cursor import SyncCursor

PAGE_SIZE = 100  # the most the WordPress plugin serves at once
REREAD_IDS = 100  # ids behind the cursor each run reads again (LEADSMANAGER_SYNC_REREAD_IDS)
OnPage = Callable[[PageDone], None]


class Intake(Protocol):
    """SubmitLead, which stores a page of forms and answers a result or a refusal for each, in order."""

    def page(self, forms: Sequence[LeadForm]) -> list[SubmitResult | ValidationError]: ...


@define
class _Run:
    """One form's progress in this run; the cursor is the one last saved."""

    form: SyncedForm
    cursor: SyncCursor
    started: datetime
    fetched: int = 0
    outcomes: Counter[Outcome] = field(factory=Counter)
    rejected: list[Rejection] = field(factory=list)
    error: str | None = None
    rechecked: int = 0  # submissions read again behind the cursor that were already imported (or refused)

    def report(self, cursor_before: str | None, now: datetime) -> FormReport:
        return FormReport(
            site=self.form.site,
            form_id=self.form.form_id,
            fetched=self.fetched,
            created=self.outcomes[Outcome.CREATED],
            merged=self.outcomes[Outcome.MERGED],
            duplicates=self.outcomes[Outcome.DUPLICATE],
            rejected=tuple(self.rejected),
            error=self.error,
            cursor_before=cursor_before,
            cursor_after=self.cursor.after_id,
            duration=now - self.started,
            rechecked=self.rechecked,
        )


class SyncForms:
    """Import every configured form's new submissions; one form failing never stops the others."""

    def __init__(
        self,
        forms: Sequence[SyncedForm],
        source: FormSource,
        submit: Intake,
        uow: UnitOfWorkFactory,
        clock: Clock,
        *,
        page_size: int = PAGE_SIZE,
        reread: int = REREAD_IDS,
    ) -> None:
        self._forms = tuple(forms)
        self._source = source
        self._submit = submit
        self._uow = uow
        self._clock = clock
        self._page_size = page_size
        self._reread = reread

    def __call__(
        self, *, site: str | None = None, form_id: str | None = None, on_page: OnPage | None = None
    ) -> SyncReport:
        """Sync every configured form, or only those of `site` and/or with id `form_id`."""
        return SyncReport(tuple(self._sync(form, on_page) for form in self.chosen(site, form_id)))

    def status(self, *, site: str | None = None, form_id: str | None = None) -> tuple[SyncCursor, ...]:
        """Each configured form's cursor (an empty one if never synced), then any left from forms dropped since."""
        with self._uow() as uow:
            stored = {(c.site, c.form_id): c for c in uow.sync_cursors.list()}
        configured = [stored.pop((f.site, f.form_id), SyncCursor(f.site, f.form_id)) for f in self._forms]
        cursors = (*configured, *stored.values())
        return tuple(c for c in cursors if site in (None, c.site) and form_id in (None, c.form_id))

    def chosen(self, site: str | None = None, form_id: str | None = None) -> tuple[SyncedForm, ...]:
        """The configured forms a run with these filters syncs, in order; NotFound if they name nothing."""
        if site is not None and all(f.site != site for f in self._forms):
            raise NotFound(f"no WordPress site {site!r} is configured")
        chosen = tuple(f for f in self._forms if site in (None, f.site) and form_id in (None, f.form_id))
        if form_id is not None and not chosen:
            raise NotFound(f"no configured WordPress site syncs a form {form_id!r}")
        return chosen

    def _sync(self, form: SyncedForm, on_page: OnPage | None) -> FormReport:
        with self._uow() as uow:
            cursor = uow.sync_cursors.get(form.site, form.form_id) or SyncCursor(form.site, form.form_id)
        run = _Run(form, cursor, started=self._clock.now())
        try:
            self._pages(run, on_page)
        except FormSourceError as e:  # this form only: the site may be down, or refuse us; others go on
            run.error = e.detail
            run.cursor = run.cursor.failed(e.detail, at=self._clock.now())
            self._save(run.cursor)
        return run.report(cursor.after_id, self._clock.now())

    def _pages(self, run: _Run, on_page: OnPage | None) -> None:
        saved = run.cursor.after_id
        after, more = _behind(saved, self._reread), True
        while more:
            page = self._fetch(run, after)
            imported = self._import(run, page, saved)
            after = page.next_after_id
            cursor = _later(run.cursor.after_id, after)
            run.cursor = run.cursor.advanced(cursor, imported=imported, at=self._clock.now())
            more = page.has_more
            if not more:
                run.cursor = run.cursor.completed()
            self._save(run.cursor)
            if on_page is not None:
                on_page(PageDone(run.form.site, run.form.form_id, run.fetched, page.next_after_id))

    def _fetch(self, run: _Run, after_id: str | None) -> SubmissionPage:
        site, form_id = run.form.site, run.form.form_id
        page = self._source.fetch(site, form_id, after_id=after_id, limit=self._page_size)
        if page.has_more and not page.submissions:
            raise FormSourceBadResponse("more submissions promised after an empty page", site=site, form_id=form_id)
        return page

    def _import(self, run: _Run, page: SubmissionPage, saved: str | None) -> int:
        """Leads created or merged from the page; a refused submission is reported and the page goes on.
        Behind the cursor `saved`, only a submission imported now counts: the rest were counted before."""
        before = run.outcomes[Outcome.CREATED] + run.outcomes[Outcome.MERGED]
        results = self._submit.page([run.form.lead_form(s) for s in page.submissions])
        for submission, result in zip(page.submissions, results, strict=True):
            seen = isinstance(result, ValidationError) or result.outcome is Outcome.DUPLICATE
            if seen and _later(submission.id, saved) == saved:
                run.rechecked += 1
                continue
            run.fetched += 1
            if isinstance(result, ValidationError):
                run.rejected.append(Rejection(submission.id, str(result)))
            else:
                run.outcomes[result.outcome] += 1
        return run.outcomes[Outcome.CREATED] + run.outcomes[Outcome.MERGED] - before

    def _save(self, cursor: SyncCursor) -> None:
        # Forms saving their first cursors at once may deadlock on the table's gap locks: saving again is safe.
        in_transaction(self._uow, lambda uow: uow.sync_cursors.save(cursor), attempts=5)


def _behind(after_id: str | None, ids: int) -> str | None:
    """Where a run starts reading: `ids` ids before the cursor (ids are decimal row ids), or the start."""
    number = _number(after_id)
    if number is None:
        return after_id
    start = number - ids
    return str(start) if start > 0 else None


def _later(one: str | None, other: str | None) -> str | None:
    """The further of two positions by id; None is the start."""
    if one is None or other is None:
        return other if one is None else one
    first, second = _number(one), _number(other)
    if first is not None and second is not None:
        return one if first >= second else other
    return other


def _number(position: str | None) -> int | None:
    """A position's row id, or None when the source's ids are not decimal row ids."""
    if position is None:
        return None
    try:
        return whole_number(position, "cursor")
    except ValidationError:
        return None
