"""The WordPress sync's report, progress and cursors as the lines an operator reads."""

from __future__ import annotations

from leadsmanager.application.sync_report import FormReport, PageDone, Rejection, SyncReport
from leadsmanager.domain.sync_cursor import SyncCursor

NOTHING_CONFIGURED = "no WordPress forms are configured (LEADSMANAGER_WORDPRESS_SITES is empty)"


def report_lines(report: SyncReport) -> list[str]:
    if not report.forms:
        return [NOTHING_CONFIGURED]
    return [line for form in report.forms for line in (form_line(form), *rejection_lines(form))]


def form_line(form: FormReport) -> str:
    rechecked = f"rechecked {form.rechecked}, " if form.rechecked else ""
    counts = (
        f"fetched {form.fetched}, created {form.created}, merged {form.merged}, "
        f"duplicates {form.duplicates}, rejected {len(form.rejected)}{_inbox(form)}, {rechecked}"
        f"cursor {_id(form.cursor_before)} -> {_id(form.cursor_after)}"
    )
    if form.error is not None:
        return f"{form.site}/{form.form_id}: failed: {form.error} ({counts})"
    return f"{form.site}/{form.form_id}: {counts} ({form.duration.total_seconds():.1f} s)"


def _inbox(form: FormReport) -> str:
    return " (kept in the failed-submissions inbox)" if form.rejected else ""


def rejection_lines(form: FormReport) -> list[str]:
    return [f"  rejected submission {r.submission_id} ({_kept(r)}): {r.reason}" for r in form.rejected]


def _kept(rejection: Rejection) -> str:
    return "in the inbox already" if rejection.kept_as is None else f"failed submission {rejection.kept_as}"


def progress_line(page: PageDone) -> str:
    return f"{page.site}/{page.form_id}: {page.fetched} fetched so far, cursor at {_id(page.after_id)}"


def cursor_lines(cursors: tuple[SyncCursor, ...]) -> list[str]:
    return [cursor_line(c) for c in cursors] if cursors else [NOTHING_CONFIGURED]


def cursor_line(cursor: SyncCursor) -> str:
    where = f"{cursor.site}/{cursor.form_id}"
    if cursor.last_run_at is None:
        return f"{where}: never synced"
    last_run = f"{cursor.last_run_at:%Y-%m-%d %H:%M:%S} UTC"
    outcome = "ok" if cursor.last_error is None else f"last error: {cursor.last_error}"
    return f"{where}: cursor {_id(cursor.after_id)}, imported {cursor.imported_total}, last run {last_run}, {outcome}"


def _id(submission_id: str | None) -> str:
    return "start" if submission_id is None else submission_id
