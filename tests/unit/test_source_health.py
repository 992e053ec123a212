"""How each configured form source is doing, as the Sources page reads it: the sync's bookkeeping on the
cursor (success, error, newest submission) and the health rows built from it, the leads and the inbox."""

from __future__ import annotations

from datetime import timedelta

import pytest

from leadsmanager.adapters.memory.forms import MemoryFormSource
from leadsmanager.application.failed_submissions import FailedSubmissions
from leadsmanager.application.intake import SubmitLead
from leadsmanager.application.intake.form_mapping import SyncedForm
from leadsmanager.application.sources import SourceHealth, SourceSite
from leadsmanager.application.sync import SyncForms
from leadsmanager.application.sync_types import FormSourceUnavailable, RemoteSubmission
from leadsmanager.domain.actor import Actor
from leadsmanager.domain.errors import PermissionDenied
from leadsmanager.domain.roles import Role
from leadsmanager.domain.sync_cursor import SyncCursor
from tests.conftest import UowFactory, ViewsFactory
from tests.support import START, FakeClock

CONTACT = SyncedForm("shop", "contact", {"your-name": "name", "your-email": "email"})
PUSHED = SyncedForm("hooks", "5", {"Correo": "email"})
SITES = (
    SourceSite("shop", "intralog-legacy", pulled=True, pushed=False, form_ids=("contact", "quote")),
    SourceSite("hooks", "formidable", pulled=False, pushed=True, form_ids=("5",)),
)
ADMIN = Actor(1, Role.ADMIN, "Ada")


def sent(n: int, minutes: int) -> RemoteSubmission:
    values = {"your-name": f"Person {n}", "your-email": f"person{n}@example.com"}
    return RemoteSubmission(str(n), START + timedelta(minutes=minutes), values)


@pytest.fixture
def source() -> MemoryFormSource:
    forms = MemoryFormSource()
    forms.add("shop", "contact")
    return forms


@pytest.fixture
def sync(source: MemoryFormSource, memory_uow: UowFactory, clock: FakeClock) -> SyncForms:
    submit = SubmitLead(memory_uow, clock, phone_region="US")
    return SyncForms((CONTACT,), source, submit, memory_uow, clock, page_size=2)


@pytest.fixture
def health(memory_uow: UowFactory, memory_views: ViewsFactory, clock: FakeClock) -> SourceHealth:
    return SourceHealth(SITES, memory_uow, memory_views, clock)


def cursor(uow_factory: UowFactory) -> SyncCursor:
    with uow_factory() as uow:
        found = uow.sync_cursors.get("shop", "contact")
    assert found is not None
    return found


def test_a_sync_to_the_end_records_its_success_and_the_newest_submission_sent(
    sync: SyncForms, source: MemoryFormSource, memory_uow: UowFactory, clock: FakeClock
) -> None:
    # Ids and times disagree on the site (an entry edited, a clock changed): the newest time wins, not the last id.
    source.add("shop", "contact", sent(1, 10), sent(2, 50), sent(3, 20))
    sync()
    done = cursor(memory_uow)
    assert done.newest_entry_at == START + timedelta(minutes=50)
    assert done.succeeded_at is not None and done.succeeded_at == done.last_run_at
    assert (done.last_error, done.failed_at) == (None, None)
    assert done.lag(START + timedelta(hours=2)) == timedelta(minutes=70)


def test_a_failed_run_keeps_the_last_success_and_says_when_it_failed(
    sync: SyncForms, source: MemoryFormSource, memory_uow: UowFactory
) -> None:
    source.add("shop", "contact", sent(1, 10))
    sync()
    succeeded = cursor(memory_uow).succeeded_at
    source.fail_next(FormSourceUnavailable("HTTP 503", site="shop", form_id="contact"))
    sync()
    failed = cursor(memory_uow)
    assert (failed.last_error, failed.succeeded_at) == ("HTTP 503", succeeded)
    assert failed.failed_at is not None and succeeded is not None and failed.failed_at > succeeded
    assert failed.newest_entry_at == START + timedelta(minutes=10)
    source.add("shop", "contact", sent(2, 30))
    sync()
    again = cursor(memory_uow)
    assert (again.last_error, again.failed_at) == (None, None)
    assert again.succeeded_at is not None and again.succeeded_at > failed.failed_at
    assert again.newest_entry_at == START + timedelta(minutes=30)


def test_a_form_never_read_has_no_lag(memory_uow: UowFactory) -> None:
    assert SyncCursor("shop", "contact").lag(START) is None


def test_each_configured_form_shows_its_sync_its_recent_leads_and_its_waiting_submissions(
    sync: SyncForms,
    source: MemoryFormSource,
    health: SourceHealth,
    memory_uow: UowFactory,
    clock: FakeClock,
) -> None:
    source.add("shop", "contact", sent(1, 0), sent(2, 1))
    sync()  # two leads, made now
    clock.current += timedelta(days=2)
    source.add("shop", "contact", sent(3, 2))
    sync()  # one more, two days later
    inbox = FailedSubmissions(memory_uow, clock, (CONTACT, PUSHED), phone_region="US")
    inbox.record("hooks", "5", "no email and no phone", fields={"Nombre": "Ana"})
    inbox.record("hooks", "5", "the body is not JSON", body=b"{oops")
    clock.current += timedelta(hours=1)

    view = health(by=ADMIN)

    shown = {(f.site.name, f.form_id): f for f in view.forms}
    assert list(shown) == [("shop", "contact"), ("shop", "quote"), ("hooks", "5")]
    contact, quote, pushed = shown.values()
    assert (contact.last_day, contact.last_month, contact.waiting) == (1, 3, 0)
    assert contact.cursor is not None and contact.cursor.succeeded_at is not None
    assert contact.lag == view.at - (START + timedelta(minutes=2))
    assert (quote.cursor, quote.lag, quote.last_day, quote.last_month) == (None, None, 0, 0)
    assert (pushed.site.pulled, pushed.site.pushed, pushed.cursor, pushed.waiting) == (False, True, None, 2)
    assert [f.reason for f in view.failed] == ["the body is not JSON", "no email and no phone"]  # newest first
    assert (view.waiting, view.older_than) == (2, None)  # all of them on this page


def test_leads_older_than_30_days_or_from_elsewhere_are_not_counted(
    sync: SyncForms, source: MemoryFormSource, health: SourceHealth, clock: FakeClock
) -> None:
    source.add("shop", "contact", sent(1, 0))
    sync()
    clock.current += timedelta(days=31)
    [contact, *_] = health(by=ADMIN).forms
    assert (contact.last_day, contact.last_month) == (0, 0)


@pytest.mark.parametrize("role", [Role.MANAGER, Role.EMPLOYEE])
def test_only_admins_see_the_sources(health: SourceHealth, role: Role) -> None:
    with pytest.raises(PermissionDenied):
        health(by=Actor(2, role, "Someone"))
