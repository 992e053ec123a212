"""The WordPress sync with its forms side by side, each in a process of its own.

Storing a page is mostly Python (validating and normalising each submission, building the rows) and
then a wait on the database. Threads would share one interpreter lock; processes use every core and
overlap one form's wait with another's work. Each child builds its own container from the same
settings, syncs the forms it is handed one at a time, and hands back their reports; the forms' cursors
and leads are only ever written through the database, which settles two forms storing the same person.
On the embedded default (SQLite: one writer at a time) and for a single form the sync runs in this process.
"""

from __future__ import annotations

import multiprocessing
from collections.abc import Callable
from concurrent.futures import Future, ProcessPoolExecutor
from typing import TYPE_CHECKING

from leadsmanager.application.sync import OnPage, SyncForms
from leadsmanager.application.sync_report import FormReport, SyncReport
from leadsmanager.entrypoints.bootstrap.settings import Settings

if TYPE_CHECKING:
    from leadsmanager.entrypoints.bootstrap.container import Container

OnForm = Callable[[FormReport], None]
CONTAINER = "leadsmanager.entrypoints.bootstrap.container"
_CHILD: dict[str, Container] = {}  # in a child process: its container, built once by the pool's initializer


def sync_forms(
    sync: SyncForms,
    settings: Settings,
    *,
    site: str | None = None,
    form_id: str | None = None,
    on_page: OnPage | None = None,
    on_form: OnForm | None = None,
) -> SyncReport:
    """Sync the chosen forms, up to `sync_processes(settings)` at once; the report lists them in the order
    configured. In this process `on_page` hears of each page; side by side, `on_form` of each form as it ends."""
    forms = sync.chosen(site, form_id)
    processes = min(sync_processes(settings), len(forms))
    if processes <= 1:
        return sync(site=site, form_id=form_id, on_page=on_page)
    with ProcessPoolExecutor(processes, mp_context=_context(), initializer=_start, initargs=(settings,)) as pool:
        running = [pool.submit(_sync_one, form.site, form.form_id) for form in forms]
        if on_form is not None:
            for done in running:
                done.add_done_callback(_telling(on_form))
        return SyncReport(tuple(done.result() for done in running))


def _context() -> multiprocessing.context.BaseContext:
    """Children forked from a server process that imported the application once: no pooled connection or
    thread of this process is inherited (as with spawn), and no child pays the imports again (as with spawn)."""
    if "forkserver" not in multiprocessing.get_all_start_methods():
        return multiprocessing.get_context("spawn")
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload([CONTAINER])
    return context


def sync_processes(settings: Settings) -> int:
    return 1 if settings.is_embedded else settings.sync_concurrency


def _telling(on_form: OnForm) -> Callable[[Future[FormReport]], None]:
    def tell(done: Future[FormReport]) -> None:
        if done.exception() is None:
            on_form(done.result())

    return tell


def _start(settings: Settings) -> None:
    from leadsmanager.entrypoints.bootstrap.container import build  # the container builds this module's caller

    _CHILD["container"] = build(settings)


def _sync_one(site: str, form_id: str) -> FormReport:
    [report] = _CHILD["container"].sync_forms()(site=site, form_id=form_id).forms
    return report
