"""The WordPress sync: each configured form's new submissions become leads, resuming where the last run stopped.

Transaction boundary: SubmitLead.page stores a fetched page in one transaction (one submission at a
time only if the page collides with a concurrent change), and the form's cursor is saved after the page,
in another. A crash between the two leaves the cursor behind leads already stored; the next run fetches
that page again and SubmitLead answers DUPLICATE for each of them, as the external id `{site}/{form}/{id}`
is stored once. So nothing is lost and nothing is imported twice, without SubmitLead having to join a
caller's unit of work.

A submission that cannot become a lead (no email and no phone, or refused by intake) is kept whole in the
failed-submissions inbox, in the transaction that saves the cursor past it: the cursor never passes a
submission that is neither a lead nor in the inbox. The inbox holds a form's submission once, so a page
read again keeps nothing twice.

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

from leadsmanager.application.failed_submissions import Unreachable, check_reachable, synced_failure
from leadsmanager.application.intake import LeadForm, Outcome, SubmitResult
from leadsmanager.application.intake.form_mapping import SyncedForm
from leadsmanager.application.parsing import whole_number
from leadsmanager.application.ports import Clock, FormSource, UnitOfWork, UnitOfWorkFactory
from leadsmanager.application.sync_report import FormReport, PageDone, Rejection, SyncReport
from leadsmanager.application.sync_types import (
    FormSourceBadResponse,
    FormSourceError,
    RemoteSubmission,
    SubmissionPage,
)
from leadsmanager.application.transactions import in_transaction
from leadsmanager.domain.errors import NotFound, ValidationError
from leadsmanager.domain.failed_submission import FailedSubmission
from leadsmanager.domain.lead import Channel
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
    rechecked: int = 0  # submissions read again behind the cursor, already imported or in the inbox

    def count_kept(
        self, refused: Sequence[FailedSubmission], kept: Sequence[FailedSubmission | None], saved: str | None
    ) -> None:
        """Count a page's refused submissions, now in the inbox. Behind the cursor `saved`, one the inbox
        held already was counted by the run that kept it."""
        for failure, added in zip(refused, kept, strict=True):
            submission_id = failure.submission_id or ""
            if added is None and _later(submission_id, saved) == saved:
                self.rechecked += 1
                continue
            self.fetched += 1
            self.rejected.append(Rejection(submission_id, failure.reason, None if added is None else added.id))

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
            imported, refused = self._import(run, page, saved)
            after = page.next_after_id
            cursor = _later(run.cursor.after_id, after)
            run.cursor = run.cursor.advanced(cursor, imported=imported, at=self._clock.now(), newest=_newest(page))
            more = page.has_more
            if not more:
                run.cursor = run.cursor.completed()
            run.count_kept(refused, self._save(run.cursor, refused), saved)
            if on_page is not None:
                on_page(PageDone(run.form.site, run.form.form_id, run.fetched, page.next_after_id))

    def _fetch(self, run: _Run, after_id: str | None) -> SubmissionPage:
        site, form_id = run.form.site, run.form.form_id
        page = self._source.fetch(site, form_id, after_id=after_id, limit=self._page_size)
        if page.has_more and not page.submissions:
            raise FormSourceBadResponse("more submissions promised after an empty page", site=site, form_id=form_id)
        return page

    def _import(self, run: _Run, page: SubmissionPage, saved: str | None) -> tuple[int, list[FailedSubmission]]:
        """Leads created or merged from the page, and the submissions refused, for the inbox; the page goes on.
        Behind the cursor `saved`, only a submission imported now counts: the rest were counted before."""
        before = run.outcomes[Outcome.CREATED] + run.outcomes[Outcome.MERGED]
        refused: list[FailedSubmission] = []
        now = self._clock.now()
        for submission, result in zip(page.submissions, self._results(run.form, page.submissions), strict=True):
            if isinstance(result, ValidationError):
                refused.append(synced_failure(run.form, submission, result, at=now))
            elif result.outcome is Outcome.DUPLICATE and _later(submission.id, saved) == saved:
                run.rechecked += 1
            else:
                run.fetched += 1
                run.outcomes[result.outcome] += 1
        return run.outcomes[Outcome.CREATED] + run.outcomes[Outcome.MERGED] - before, refused

    def _results(
        self, form: SyncedForm, submissions: Sequence[RemoteSubmission]
    ) -> list[SubmitResult | ValidationError]:
        """Intake's answer for each submission, in order. One with no email and no phone never reaches it:
        it is refused, unless it is a lead already (imported before the form's mapping changed, or replayed)."""
        forms = [form.lead_form(s) for s in submissions]
        refusals = [_unreachable(f, s) for f, s in zip(forms, submissions, strict=True)]
        known = self._imported(
            [f.external_id for f, refused in zip(forms, refusals, strict=True) if refused is not None]
        )
        stored = iter(self._submit.page([f for f, refused in zip(forms, refusals, strict=True) if refused is None]))
        return [
            next(stored) if refused is None else known.get(f.external_id, refused)
            for f, refused in zip(forms, refusals, strict=True)
        ]

    def _imported(self, external_ids: list[str]) -> dict[str, SubmitResult]:
        """The leads these submissions are already, answered as intake would answer them again."""
        if not external_ids:
            return {}
        with self._uow() as uow:
            found = uow.leads.find_by_external_ids(Channel.WORDPRESS, external_ids)
        return {external: SubmitResult(lead_id, Outcome.DUPLICATE) for external, lead_id in found.items()}

    def _save(self, cursor: SyncCursor, refused: Sequence[FailedSubmission] = ()) -> list[FailedSubmission | None]:
        """Save the cursor and keep what it moves past refused in the inbox (None: held already), at once."""

        def save(uow: UnitOfWork) -> list[FailedSubmission | None]:
            kept = [uow.failed_submissions.add(failure) for failure in refused]
            uow.sync_cursors.save(cursor)
            return kept

        # Forms saving their first cursors at once may deadlock on the table's gap locks: saving again is safe.
        return in_transaction(self._uow, save, attempts=5)


def _unreachable(form: LeadForm, submission: RemoteSubmission) -> Unreachable | None:
    try:
        check_reachable(form, submission.fields)
    except Unreachable as e:
        return e
    return None


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


def _newest(page: SubmissionPage) -> datetime | None:
    """When the page's newest submission was sent (ids and times need not agree); None for an empty page."""
    return max((s.created_at for s in page.submissions), default=None)
