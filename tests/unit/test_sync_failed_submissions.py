"""The sync's half of the failed-submissions inbox, on in-memory adapters: a submission that cannot become a
lead is kept whole with the cursor moving past it, once, and a replay after the mapping is fixed makes it one."""

from __future__ import annotations

from datetime import timedelta

import pytest

from leadsmanager.adapters.memory.forms import MemoryFormSource
from leadsmanager.adapters.memory.sync_cursors import MemorySyncCursorRepository
from leadsmanager.application.failed_submissions import FailedSubmissions
from leadsmanager.application.intake import Outcome, SubmitLead
from leadsmanager.application.intake.form_mapping import SyncedForm
from leadsmanager.application.queries import LeadQuery
from leadsmanager.application.sync import SyncForms
from leadsmanager.application.sync_report import FormReport
from leadsmanager.application.sync_types import RemoteSubmission
from leadsmanager.domain.failed_submission import FailedSubmission, ReceivedBy
from leadsmanager.domain.lead import Lead
from leadsmanager.domain.sync_cursor import SyncCursor
from tests.conftest import UowFactory, ViewsFactory
from tests.support import START, FakeClock

CONTACT = SyncedForm("shop", "contact", {"your-name": "name", "your-email": "email"})
# The site renamed its email field to "correo"; the mapping has not caught up yet.
FIXED = SyncedForm("shop", "contact", {"your-name": "name", "your-email": "email", "correo": "email"})
NO_CONTACT = "no email and no phone: map the form's fields in the site's _FIELDS"


def sent(n: int, **fields: str) -> RemoteSubmission:
    values = {"your-name": f"Person {n}", "your-email": f"person{n}@example.com", **fields}
    return RemoteSubmission(str(n), START + timedelta(minutes=n), {k: v for k, v in values.items() if v})


def unanswerable(n: int) -> RemoteSubmission:
    """A submission whose email sits in a field the mapping does not know."""
    return sent(n, **{"your-email": "", "correo": f"renamed{n}@example.com"})


@pytest.fixture
def source() -> MemoryFormSource:
    forms = MemoryFormSource()
    forms.add("shop", "contact")
    return forms


def syncing(source: MemoryFormSource, uow: UowFactory, clock: FakeClock, form: SyncedForm = CONTACT) -> SyncForms:
    return SyncForms((form,), source, SubmitLead(uow, clock, phone_region="US"), uow, clock, page_size=3)


def run(sync: SyncForms) -> FormReport:
    [form] = sync().forms
    return form


def waiting(uow: UowFactory, clock: FakeClock, form: SyncedForm = CONTACT) -> FailedSubmissions:
    return FailedSubmissions(uow, clock, (form,), phone_region="US")


def inbox(uow: UowFactory, clock: FakeClock) -> list[FailedSubmission]:
    return waiting(uow, clock).waiting()


def leads(views_factory: ViewsFactory) -> list[Lead]:
    with views_factory() as views:
        return views.list(LeadQuery(oldest_first=True, limit=100)).leads


def cursor(uow: UowFactory) -> SyncCursor | None:
    with uow() as unit:
        return unit.sync_cursors.get("shop", "contact")


def test_a_submission_without_email_or_phone_is_kept_whole_and_the_rest_of_the_page_imported(
    source: MemoryFormSource, memory_uow: UowFactory, memory_views: ViewsFactory, clock: FakeClock
) -> None:
    source.add("shop", "contact", sent(1), unanswerable(2), sent(3), sent(4))

    report = run(syncing(source, memory_uow, clock))

    [kept] = inbox(memory_uow, clock)
    assert (report.fetched, report.created, len(report.rejected)) == (4, 3, 1)
    [rejection] = report.rejected
    assert (rejection.submission_id, rejection.kept_as) == ("2", kept.id)
    assert rejection.reason == kept.reason
    assert kept.reason == f"{NO_CONTACT} (the fields received are 'correo', 'your-name')"
    assert (kept.site, kept.form_id, kept.submission_id, kept.received_by) == ("shop", "contact", "2", ReceivedBy.SYNC)
    assert kept.fields == {"your-name": "Person 2", "correo": "renamed2@example.com"}
    assert kept.submitted_at == START + timedelta(minutes=2)
    assert [lead.external_id for lead in leads(memory_views)] == ["shop/contact/1", "shop/contact/3", "shop/contact/4"]
    stored = cursor(memory_uow)
    assert stored is not None and (stored.after_id, stored.imported_total) == ("4", 3)


def test_a_rerun_reading_it_again_keeps_it_once(
    source: MemoryFormSource, memory_uow: UowFactory, clock: FakeClock
) -> None:
    source.add("shop", "contact", sent(1), unanswerable(2))
    sync = syncing(source, memory_uow, clock)
    run(sync)
    [first] = inbox(memory_uow, clock)

    again = run(sync)

    assert (again.fetched, again.rechecked, again.rejected) == (0, 2, ())
    assert inbox(memory_uow, clock) == [first]


def test_the_cursor_moves_past_a_refused_submission_only_with_it_in_the_inbox(
    source: MemoryFormSource,
    memory_uow: UowFactory,
    memory_views: ViewsFactory,
    clock: FakeClock,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    source.add("shop", "contact", sent(1), unanswerable(2), sent(3), sent(4))
    save = MemorySyncCursorRepository.save

    def crash(self: MemorySyncCursorRepository, saved: SyncCursor) -> None:
        monkeypatch.setattr(MemorySyncCursorRepository, "save", save)  # the process dies once
        raise RuntimeError("killed while saving the cursor")

    monkeypatch.setattr(MemorySyncCursorRepository, "save", crash)
    with pytest.raises(RuntimeError, match="killed"):
        run(syncing(source, memory_uow, clock))
    assert inbox(memory_uow, clock) == [] and cursor(memory_uow) is None  # neither moved without the other
    assert len(leads(memory_views)) == 2  # the page's leads were stored first, in a transaction of their own

    resumed = run(syncing(source, memory_uow, clock))

    assert (resumed.created, resumed.duplicates, len(resumed.rejected)) == (1, 2, 1)
    assert [s.submission_id for s in inbox(memory_uow, clock)] == ["2"]
    assert len(leads(memory_views)) == 3


def test_a_refused_submission_that_appears_behind_the_cursor_is_kept_and_counted(
    source: MemoryFormSource, memory_uow: UowFactory, clock: FakeClock
) -> None:
    source.add("shop", "contact", sent(1), sent(3))
    sync = syncing(source, memory_uow, clock)
    run(sync)
    source.add("shop", "contact", unanswerable(2))  # its row committed after 3's

    later = run(sync)

    assert (later.fetched, later.rechecked, [r.submission_id for r in later.rejected]) == (1, 2, ["2"])
    assert [s.submission_id for s in inbox(memory_uow, clock)] == ["2"]


def test_a_replay_after_the_mapping_is_fixed_makes_the_lead_and_a_later_sync_leaves_it_alone(
    source: MemoryFormSource, memory_uow: UowFactory, memory_views: ViewsFactory, clock: FakeClock
) -> None:
    source.add("shop", "contact", sent(1), unanswerable(2))
    run(syncing(source, memory_uow, clock))
    [kept] = inbox(memory_uow, clock)
    assert kept.id is not None

    [still] = waiting(memory_uow, clock).replay(kept.id)  # the mapping is not fixed yet
    assert not still.succeeded and still.after.reason.startswith(NO_CONTACT) and still.after.attempts == 2
    assert len(leads(memory_views)) == 1

    [replay] = waiting(memory_uow, clock, FIXED).replay()

    assert replay.outcome is Outcome.CREATED and inbox(memory_uow, clock) == []
    lead = leads(memory_views)[-1]
    assert (lead.email, lead.external_id, lead.id) == ("renamed2@example.com", "shop/contact/2", replay.after.lead_id)
    again = run(syncing(source, memory_uow, clock, FIXED))
    assert (again.created, again.rechecked, again.rejected) == (0, 2, ())
    assert len(leads(memory_views)) == 2 and inbox(memory_uow, clock) == []


def test_a_submission_with_only_an_invalid_email_is_still_a_lead_someone_can_read(
    source: MemoryFormSource, memory_uow: UowFactory, memory_views: ViewsFactory, clock: FakeClock
) -> None:
    source.add("shop", "contact", sent(1, **{"your-email": "ana at example"}))
    report = run(syncing(source, memory_uow, clock))
    assert (report.created, report.rejected) == (1, ())
    [lead] = leads(memory_views)
    assert lead.email is None and lead.extras["invalid_email"] == "ana at example"


def test_a_lead_read_again_after_its_mapping_broke_is_not_put_in_the_inbox(
    source: MemoryFormSource, memory_uow: UowFactory, memory_views: ViewsFactory, clock: FakeClock
) -> None:
    source.add("shop", "contact", sent(1), sent(2))
    run(syncing(source, memory_uow, clock))
    broken = SyncedForm("shop", "contact", {"your-name": "name", "correo": "email"})  # your-email unmapped now
    source.add("shop", "contact", sent(3))

    again = run(syncing(source, memory_uow, clock, broken))

    assert (again.rechecked, [r.submission_id for r in again.rejected]) == (2, ["3"])
    assert [s.submission_id for s in inbox(memory_uow, clock)] == ["3"] and len(leads(memory_views)) == 2
