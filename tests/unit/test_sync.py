"""The WordPress sync on in-memory adapters: pages, cursors, idempotent re-runs, failures kept to one form."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import timedelta

import pytest

from leadsmanager.adapters.memory.forms import MemoryFormSource
from leadsmanager.application.intake import LeadForm, SubmitLead, SubmitResult
from leadsmanager.application.intake.form_mapping import SyncedForm
from leadsmanager.application.ports import FormSource
from leadsmanager.application.queries import LeadQuery
from leadsmanager.application.sync import SyncForms
from leadsmanager.application.sync_report import FormReport, PageDone, Rejection, SyncReport
from leadsmanager.application.sync_types import (
    FormSourceAuthFailed,
    FormSourceUnavailable,
    RemoteSubmission,
    SubmissionPage,
)
from leadsmanager.domain.errors import NotFound, ValidationError
from leadsmanager.domain.lead import Channel, Lead
from leadsmanager.domain.sync_cursor import SyncCursor
from tests.conftest import UowFactory, ViewsFactory
from tests.support import START, FakeClock

CONTACT = SyncedForm("shop", "contact", {"your-name": "name", "your-email": "email"})
QUOTE = SyncedForm("shop", "quote", {"your-name": "name", "your-email": "email"})
BLOG = SyncedForm("blog", "7", {"your-name": "name", "your-email": "email"})
FORMS = (CONTACT, QUOTE, BLOG)


def sent(n: int, **fields: str) -> RemoteSubmission:
    values = {"your-name": f"Person {n}", "your-email": f"person{n}@example.com", **fields}
    return RemoteSubmission(str(n), START + timedelta(minutes=n), values)


@pytest.fixture
def source() -> MemoryFormSource:
    forms = MemoryFormSource()
    for form in FORMS:
        forms.add(form.site, form.form_id)
    return forms


@pytest.fixture
def submit(memory_uow: UowFactory, clock: FakeClock) -> SubmitLead:
    return SubmitLead(memory_uow, clock, phone_region="US")


@pytest.fixture
def sync(source: MemoryFormSource, submit: SubmitLead, memory_uow: UowFactory, clock: FakeClock) -> SyncForms:
    return SyncForms(FORMS, source, submit, memory_uow, clock, page_size=3)


def wordpress_leads(views_factory: ViewsFactory) -> list[Lead]:
    with views_factory() as views:
        return views.list(LeadQuery(source=Channel.WORDPRESS, oldest_first=True, limit=100)).leads


def external_ids(views_factory: ViewsFactory) -> list[str | None]:
    return [lead.external_id for lead in wordpress_leads(views_factory)]


def cursor(uow_factory: UowFactory, form: SyncedForm = CONTACT) -> SyncCursor | None:
    with uow_factory() as uow:
        return uow.sync_cursors.get(form.site, form.form_id)


def of(report: SyncReport, form: SyncedForm) -> FormReport:
    [found] = [f for f in report.forms if (f.site, f.form_id) == (form.site, form.form_id)]
    return found


def counts(form: FormReport) -> tuple[int, int, int, int, int]:
    return (form.fetched, form.created, form.merged, form.duplicates, len(form.rejected))


def test_every_submission_becomes_a_lead_a_page_at_a_time(
    sync: SyncForms, source: MemoryFormSource, memory_uow: UowFactory, memory_views: ViewsFactory
) -> None:
    source.add("shop", "contact", *(sent(n) for n in range(1, 8)))
    pages: list[PageDone] = []
    report = sync(on_page=pages.append)
    contact = of(report, CONTACT)
    assert counts(contact) == (7, 7, 0, 0, 0)
    assert (contact.error, contact.cursor_before, contact.cursor_after) == (None, None, "7")
    assert [(p.form_id, p.fetched, p.after_id) for p in pages if p.form_id == "contact"] == [
        ("contact", 3, "3"),
        ("contact", 6, "6"),
        ("contact", 7, "7"),
    ]
    assert external_ids(memory_views) == [f"shop/contact/{n}" for n in range(1, 8)]
    first = wordpress_leads(memory_views)[0]
    assert (first.contact_name, first.email, first.site, first.form_id) == (
        "Person 1",
        "person1@example.com",
        "shop",
        "contact",
    )
    stored = cursor(memory_uow)
    assert stored is not None
    assert (stored.after_id, stored.imported_total, stored.last_error) == ("7", 7, None)
    assert stored.last_run_at is not None


def test_empty_forms_are_visited_and_their_cursors_stay_at_the_start(sync: SyncForms, memory_uow: UowFactory) -> None:
    report = sync()
    assert [(f.site, f.form_id, counts(f), f.cursor_after) for f in report.forms] == [
        ("shop", "contact", (0, 0, 0, 0, 0), None),
        ("shop", "quote", (0, 0, 0, 0, 0), None),
        ("blog", "7", (0, 0, 0, 0, 0), None),
    ]
    assert report.failures == ()
    stored = cursor(memory_uow, BLOG)
    assert stored is not None and stored.after_id is None and stored.last_run_at is not None


def test_a_second_run_imports_only_what_arrived_since(
    sync: SyncForms, source: MemoryFormSource, memory_uow: UowFactory, memory_views: ViewsFactory
) -> None:
    source.add("shop", "contact", *(sent(n) for n in range(1, 5)))
    sync()
    source.add("shop", "contact", sent(5), sent(6))
    again = of(sync(), CONTACT)
    assert counts(again) == (2, 2, 0, 0, 0)
    assert (again.cursor_before, again.cursor_after) == ("4", "6")
    idle = of(sync(), CONTACT)
    assert counts(idle) == (0, 0, 0, 0, 0) and (idle.cursor_before, idle.cursor_after) == ("6", "6")
    assert external_ids(memory_views) == [f"shop/contact/{n}" for n in range(1, 7)]
    stored = cursor(memory_uow)
    assert stored is not None and stored.imported_total == 6


def test_a_submission_visible_only_after_a_higher_id_is_imported_on_the_next_run(
    sync: SyncForms, source: MemoryFormSource, memory_uow: UowFactory, memory_views: ViewsFactory
) -> None:
    """Auto-increment ids commit out of order: id 5 appears after id 6 was synced."""
    source.add("shop", "contact", *(sent(n) for n in (1, 2, 3, 4, 6)))
    sync()
    source.add("shop", "contact", sent(5))
    late = of(sync(), CONTACT)
    assert counts(late) == (1, 1, 0, 0, 0)
    assert (late.cursor_before, late.cursor_after, late.rechecked) == ("6", "6", 5)
    assert sorted(str(x) for x in external_ids(memory_views)) == [f"shop/contact/{n}" for n in range(1, 7)]
    idle = of(sync(), CONTACT)
    assert counts(idle) == (0, 0, 0, 0, 0) and idle.cursor_after == "6"
    stored = cursor(memory_uow)
    assert stored is not None and (stored.after_id, stored.imported_total) == ("6", 6)


def test_the_window_read_again_is_bounded_and_the_cursor_never_moves_back(
    source: MemoryFormSource, submit: SubmitLead, memory_uow: UowFactory, memory_views: ViewsFactory, clock: FakeClock
) -> None:
    sync = SyncForms((CONTACT,), source, submit, memory_uow, clock, page_size=2, reread=3)
    source.add("shop", "contact", *(sent(n) for n in (1, 2, 3, 4, 5, 6, 10)))
    sync()
    source.add("shop", "contact", sent(7), sent(9))  # 7 is further behind than the window reaches
    late = of(sync(), CONTACT)
    assert (counts(late), late.rechecked, late.cursor_after) == ((1, 1, 0, 0, 0), 1, "10")
    assert "shop/contact/7" not in external_ids(memory_views) and "shop/contact/9" in external_ids(memory_views)


def test_pages_fetched_again_after_a_lost_cursor_import_nothing_twice(
    sync: SyncForms, source: MemoryFormSource, memory_uow: UowFactory, memory_views: ViewsFactory
) -> None:
    """As after a crash between storing a page's leads and saving the cursor."""
    source.add("shop", "contact", *(sent(n) for n in range(1, 6)))
    sync()
    with memory_uow() as uow:
        uow.sync_cursors.save(SyncCursor("shop", "contact", after_id="2", imported_total=5))
        uow.commit()
    replay = of(sync(), CONTACT)
    assert counts(replay) == (3, 0, 0, 3, 0)
    assert replay.cursor_after == "5"
    assert len(wordpress_leads(memory_views)) == 5
    stored = cursor(memory_uow)
    assert stored is not None and stored.imported_total == 5  # duplicates are not imported again


def test_a_person_writing_again_joins_their_open_lead(
    sync: SyncForms, source: MemoryFormSource, memory_uow: UowFactory, memory_views: ViewsFactory
) -> None:
    source.add("shop", "contact", sent(1))
    source.add("shop", "quote", sent(2, **{"your-email": "person1@example.com", "budget": "10k"}))
    report = sync()
    assert counts(of(report, CONTACT)) == (1, 1, 0, 0, 0)
    assert counts(of(report, QUOTE)) == (1, 0, 1, 0, 0)
    [lead] = wordpress_leads(memory_views)
    with memory_uow() as uow:
        full = uow.leads.get(lead.id or 0, with_history=True)
    assert full is not None and [e.field for e in full.history] == ["status", "resubmission"]
    stored = cursor(memory_uow, QUOTE)
    assert stored is not None and stored.imported_total == 1


def test_a_person_writing_twice_in_one_page_joins_the_lead_that_page_created(
    sync: SyncForms, source: MemoryFormSource, memory_uow: UowFactory, memory_views: ViewsFactory
) -> None:
    source.add("shop", "contact", sent(1), sent(2, **{"your-email": "person1@example.com"}), sent(3), sent(4))
    contact = of(sync(), CONTACT)
    assert counts(contact) == (4, 3, 1, 0, 0)
    assert external_ids(memory_views) == ["shop/contact/1", "shop/contact/3", "shop/contact/4"]
    stored = cursor(memory_uow)
    assert stored is not None and (stored.after_id, stored.imported_total) == ("4", 4)


def test_a_site_that_is_down_is_reported_and_the_other_forms_still_sync(
    sync: SyncForms, source: MemoryFormSource, memory_uow: UowFactory, memory_views: ViewsFactory
) -> None:
    source.add("shop", "contact", sent(1), sent(2))
    source.add("blog", "7", sent(3))
    source.fail_next(FormSourceUnavailable("the site is busy or failing (HTTP 503)", site="shop", form_id="contact"))
    report = sync()
    contact = of(report, CONTACT)
    assert contact.error == "the site is busy or failing (HTTP 503)"
    assert counts(contact) == (0, 0, 0, 0, 0) and contact.cursor_after is None
    assert report.failures == (contact,)
    assert counts(of(report, BLOG)) == (1, 1, 0, 0, 0)
    assert external_ids(memory_views) == ["blog/7/3"]
    failed = cursor(memory_uow)
    assert failed is not None
    assert (failed.after_id, failed.last_error) == (None, "the site is busy or failing (HTTP 503)")
    assert failed.last_run_at is not None

    recovered = of(sync(), CONTACT)
    assert counts(recovered) == (2, 2, 0, 0, 0) and recovered.error is None
    after = cursor(memory_uow)
    assert after is not None and (after.after_id, after.last_error) == ("2", None)


def test_a_refusal_on_a_later_page_keeps_the_pages_before_it(
    sync: SyncForms, source: MemoryFormSource, memory_uow: UowFactory, memory_views: ViewsFactory
) -> None:
    source.add("shop", "contact", *(sent(n) for n in range(1, 8)))
    refused = FormSourceAuthFailed("the site refused our credentials (HTTP 401)", site="shop", form_id="contact")

    def refuse_after_first_page(page: PageDone) -> None:
        if (page.form_id, page.fetched) == ("contact", 3):
            source.fail_next(refused)

    contact = of(sync(on_page=refuse_after_first_page), CONTACT)
    assert counts(contact) == (3, 3, 0, 0, 0)
    assert (contact.cursor_after, contact.error) == ("3", "the site refused our credentials (HTTP 401)")
    assert external_ids(memory_views) == ["shop/contact/1", "shop/contact/2", "shop/contact/3"]
    stored = cursor(memory_uow)
    assert stored is not None and (stored.after_id, stored.imported_total) == ("3", 3)
    assert stored.last_error is not None

    rest = of(sync(), CONTACT)
    assert counts(rest) == (4, 4, 0, 0, 0) and (rest.cursor_before, rest.cursor_after) == ("3", "7")
    assert len(wordpress_leads(memory_views)) == 7


class StricterIntake:
    """Intake with a rule no WordPress submission breaks today (the channel is lenient); a future one might."""

    def __init__(self, submit: SubmitLead) -> None:
        self._submit = submit

    def page(self, forms: Sequence[LeadForm]) -> list[SubmitResult | ValidationError]:
        refused = ValidationError("the lead was not accepted (name: refused)", {"name": "refused"})
        stored = iter(self._submit.page([form for form in forms if "Refused" not in form.name]))
        return [refused if "Refused" in form.name else next(stored) for form in forms]


def test_a_refused_submission_is_reported_and_the_rest_of_the_page_imported(
    source: MemoryFormSource, submit: SubmitLead, memory_uow: UowFactory, memory_views: ViewsFactory, clock: FakeClock
) -> None:
    source.add("shop", "contact", sent(1), sent(2, **{"your-name": "Refused Person"}), sent(3), sent(4))
    sync = SyncForms(FORMS, source, StricterIntake(submit), memory_uow, clock, page_size=3)
    contact = of(sync(), CONTACT)
    assert counts(contact) == (4, 3, 0, 0, 1)
    assert contact.rejected == (Rejection("2", "the lead was not accepted (name: refused)", kept_as=1),)
    assert (contact.error, contact.cursor_after) == (None, "4")
    assert external_ids(memory_views) == ["shop/contact/1", "shop/contact/3", "shop/contact/4"]
    stored = cursor(memory_uow)
    assert stored is not None and stored.imported_total == 3


def test_filters_pick_one_site_one_form_or_both(sync: SyncForms, source: MemoryFormSource) -> None:
    assert [(f.site, f.form_id) for f in sync(site="shop").forms] == [("shop", "contact"), ("shop", "quote")]
    assert [(f.site, f.form_id) for f in sync(form_id="7").forms] == [("blog", "7")]
    assert [(f.site, f.form_id) for f in sync(site="shop", form_id="quote").forms] == [("shop", "quote")]


@pytest.mark.parametrize(
    ("site", "form_id", "message"),
    [
        ("nope", None, "no WordPress site 'nope' is configured"),
        (None, "nope", "no configured WordPress site syncs a form 'nope'"),
        ("blog", "contact", "no configured WordPress site syncs a form 'contact'"),
    ],
)
def test_filters_naming_nothing_configured_are_not_found(
    sync: SyncForms, site: str | None, form_id: str | None, message: str
) -> None:
    with pytest.raises(NotFound, match=message):
        sync(site=site, form_id=form_id)


def test_status_shows_every_configured_form_then_forms_dropped_since(
    sync: SyncForms, source: MemoryFormSource, memory_uow: UowFactory
) -> None:
    assert [(c.site, c.form_id, c.last_run_at) for c in sync.status()] == [
        ("shop", "contact", None),
        ("shop", "quote", None),
        ("blog", "7", None),
    ]
    source.add("shop", "contact", sent(1))
    sync(site="shop", form_id="contact")
    with memory_uow() as uow:
        uow.sync_cursors.save(SyncCursor("old", "9", after_id="40", imported_total=40))
        uow.commit()
    status = sync.status()
    assert [(c.site, c.form_id, c.after_id) for c in status] == [
        ("shop", "contact", "1"),
        ("shop", "quote", None),
        ("blog", "7", None),
        ("old", "9", "40"),
    ]
    assert status[0].last_run_at is not None and status[1].last_run_at is None
    assert [c.form_id for c in sync.status(site="shop", form_id="contact")] == ["contact"]


def test_with_nothing_configured_a_run_does_nothing(
    source: MemoryFormSource, submit: SubmitLead, memory_uow: UowFactory, clock: FakeClock
) -> None:
    sync = SyncForms((), source, submit, memory_uow, clock)
    assert sync().forms == () and sync.status() == ()


class EndlessSource(FormSource):
    """Off the contract: promises more after an empty page, which would loop for ever."""

    def fetch(self, site: str, form_id: str, *, after_id: str | None, limit: int) -> SubmissionPage:
        return SubmissionPage((), has_more=True, next_after_id=after_id)


def test_a_source_promising_more_after_an_empty_page_stops_that_form(
    submit: SubmitLead, memory_uow: UowFactory, clock: FakeClock
) -> None:
    report = SyncForms((CONTACT,), EndlessSource(), submit, memory_uow, clock)()
    assert of(report, CONTACT).error == "more submissions promised after an empty page"
    stored = cursor(memory_uow)
    assert stored is not None and stored.last_error == "more submissions promised after an empty page"


def test_a_run_reports_how_long_each_form_took(sync: SyncForms, source: MemoryFormSource) -> None:
    source.add("shop", "contact", sent(1))
    report = sync()
    assert all(f.duration > timedelta(0) for f in report.forms)  # the fake clock ticks on every reading


def test_a_stored_error_is_cut_to_a_readable_length(
    source: MemoryFormSource, sync: SyncForms, memory_uow: UowFactory
) -> None:
    source.fail_next(FormSourceUnavailable("x" * 5000, site="shop", form_id="contact"))
    assert of(sync(), CONTACT).error == "x" * 5000
    stored = cursor(memory_uow)
    assert stored is not None and stored.last_error == "x" * 1000
