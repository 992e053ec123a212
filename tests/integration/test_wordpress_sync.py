"""The sync end to end: the WordPress adapter over real loopback HTTP, into SQLite and MariaDB.

Two fake sites; one misbehaves part-way through a form. Pages already stored stay stored, the cursor
stays after them, the other site is imported, and the next run completes without a duplicate.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest
from attrs import frozen
from sqlalchemy.orm import sessionmaker

from leadsmanager.adapters.form_sources.plugin import WordPressFormSource
from leadsmanager.adapters.form_sources.site import WordPressSite
from leadsmanager.adapters.sql.engine import make_session_factory
from leadsmanager.adapters.sql.unit_of_work import SqlAlchemyUnitOfWork
from leadsmanager.application.intake import LeadForm, SubmitLead, SubmitResult
from leadsmanager.application.queries import LeadQuery
from leadsmanager.application.sync import SyncForms
from leadsmanager.application.sync_report import FormReport, PageDone, SyncReport
from leadsmanager.domain.errors import ValidationError
from leadsmanager.domain.lead import Channel
from leadsmanager.domain.sync_cursor import SyncCursor
from tests.conftest import UowFactory, ViewsFactory, views_of
from tests.integration.fake_wordpress import PASSWORD, USERNAME, FakeWordPress, Fault, quick_policy
from tests.support import FakeClock

ATTEMPTS = 2
FIELDS = {"first-name": "name", "last-name": "name", "your-email": "email"}


@frozen
class Sites:
    shop: FakeWordPress
    blog: FakeWordPress
    sync: SyncForms
    uow: UowFactory
    views: ViewsFactory


@pytest.fixture(params=["sqlite", pytest.param("mariadb", marks=pytest.mark.mariadb)])
def sql_uow(request: pytest.FixtureRequest) -> UowFactory:
    if request.param == "sqlite":
        session_factory: sessionmaker[Any] = make_session_factory(request.getfixturevalue("sqlite_engine"))
        return lambda: SqlAlchemyUnitOfWork(session_factory)
    mysql: UowFactory = request.getfixturevalue("mysql_uow")
    return mysql


@pytest.fixture
def sql_views(request: pytest.FixtureRequest, sql_uow: UowFactory) -> ViewsFactory:
    storage = request.node.callspec.params["sql_uow"]
    return views_of(request.getfixturevalue("sqlite_engine" if storage == "sqlite" else "mysql_engine"))


@pytest.fixture
def sites(sql_uow: UowFactory, sql_views: ViewsFactory, clock: FakeClock) -> Iterator[Sites]:
    with FakeWordPress() as shop, FakeWordPress() as blog:
        configured = [
            WordPressSite("shop", shop.url, USERNAME, PASSWORD, {"contact": FIELDS, "quote": FIELDS}),
            WordPressSite("blog", blog.url, USERNAME, PASSWORD, {"7": FIELDS}),
        ]
        forms = [form for site in configured for form in site.synced_forms()]
        policy = quick_policy([], attempts=ATTEMPTS, read_timeout=0.3)
        with WordPressFormSource(configured, policy=policy) as source:
            submit = SubmitLead(sql_uow, clock, phone_region="US")
            sync = SyncForms(forms, source, submit, sql_uow, clock, page_size=2)
            yield Sites(shop, blog, sync, sql_uow, sql_views)


def raw(n: int, **fields: str) -> dict[str, Any]:
    values = {"first-name": "Person", "last-name": str(n), "your-email": f"person{n}@example.com", **fields}
    return {"id": str(n), "created_at": f"2026-03-01T09:{n:02d}:00Z", "fields": values}


def fill(sites: Sites) -> None:
    sites.shop.add("contact", *(raw(n) for n in range(1, 6)))
    sites.shop.add("quote", raw(10, message="a quote please"))
    sites.blog.add("7", raw(20), raw(21))


def imported(views_factory: ViewsFactory) -> list[str]:
    with views_factory() as views:
        leads = views.list(LeadQuery(source=Channel.WORDPRESS, limit=100)).leads
    return sorted(lead.external_id or "" for lead in leads)


def cursor(uow_factory: UowFactory, site: str = "shop", form_id: str = "contact") -> SyncCursor | None:
    with uow_factory() as uow:
        return uow.sync_cursors.get(site, form_id)


def summary(report: SyncReport) -> dict[str, tuple[int, int, str | None, str | None]]:
    return {f"{f.site}/{f.form_id}": (f.fetched, f.created, f.cursor_before, f.cursor_after) for f in report.forms}


def of(report: SyncReport, key: str) -> FormReport:
    [found] = [f for f in report.forms if f"{f.site}/{f.form_id}" == key]
    return found


CONTACT_IDS = [f"shop/contact/{n}" for n in range(1, 6)]
EVERYTHING = sorted([*CONTACT_IDS, "shop/quote/10", "blog/7/20", "blog/7/21"])


def test_a_full_sync_then_one_that_finds_only_the_new_submissions(sites: Sites) -> None:
    fill(sites)
    first = sites.sync()
    assert summary(first) == {
        "shop/contact": (5, 5, None, "5"),
        "shop/quote": (1, 1, None, "10"),
        "blog/7": (2, 2, None, "21"),
    }
    assert first.failures == ()
    assert imported(sites.views) == EVERYTHING
    with sites.uow() as uow:
        [lead_id] = uow.leads.find_by_external_ids(Channel.WORDPRESS, ["shop/quote/10"]).values()
        lead = uow.leads.get(lead_id)
    assert lead is not None
    assert (lead.contact_name, lead.email, lead.message) == ("Person 10", "person10@example.com", "a quote please")
    assert lead.extras["submitted_at"] == "2026-03-01T09:10:00+00:00"

    sites.shop.add("contact", raw(6))
    sites.blog.add("7", raw(22), raw(23), raw(24))
    second = sites.sync()
    assert summary(second) == {
        "shop/contact": (1, 1, "5", "6"),
        "shop/quote": (0, 0, "10", "10"),
        "blog/7": (3, 3, "21", "24"),
    }
    assert len(imported(sites.views)) == len(EVERYTHING) + 4
    asked = [s.query.get("after_id") for s in sites.blog.seen]
    # One full page; the second run reads again the ids behind the stored cursor (here from the start).
    assert asked == [None, None, "21", "23"]


FAULTS = {
    "server error": (Fault(), ATTEMPTS, "HTTP 500"),
    "hanging": (Fault.hanging(5.0), ATTEMPTS, "no answer in time"),
    "malformed JSON": (Fault.malformed(), 1, "it is not JSON"),
    "password refused": (Fault(status=401, body=b'{"code":"incorrect_password"}'), 1, "refused our credentials"),
}


@pytest.mark.parametrize("fault_name", FAULTS)
def test_a_site_failing_part_way_keeps_what_it_stored_and_the_next_sync_completes(
    sites: Sites, fault_name: str
) -> None:
    fault, times, expected = FAULTS[fault_name]
    fill(sites)

    def fail_after_first_contact_page(page: PageDone) -> None:
        if (page.site, page.form_id, page.fetched) == ("shop", "contact", 2):
            sites.shop.fail_next(fault, times=times)

    report = sites.sync(on_page=fail_after_first_contact_page)
    contact = of(report, "shop/contact")
    assert contact.error is not None and expected in contact.error
    assert (contact.fetched, contact.created, contact.cursor_after) == (2, 2, "2")
    assert report.failures == (contact,)
    assert summary(report)["shop/quote"] == (1, 1, None, "10")
    assert summary(report)["blog/7"] == (2, 2, None, "21")
    assert imported(sites.views) == sorted([*CONTACT_IDS[:2], "shop/quote/10", "blog/7/20", "blog/7/21"])
    stored = cursor(sites.uow)
    assert stored is not None and stored.after_id == "2" and stored.imported_total == 2
    assert stored.last_error is not None and expected in stored.last_error

    again = sites.sync()
    assert again.failures == ()
    assert summary(again)["shop/contact"] == (3, 3, "2", "5")
    assert imported(sites.views) == EVERYTHING
    recovered = cursor(sites.uow)
    assert recovered is not None and (recovered.after_id, recovered.last_error, recovered.imported_total) == (
        "5",
        None,
        5,
    )


def test_a_whole_site_down_from_the_start_leaves_its_cursors_at_the_start(sites: Sites) -> None:
    fill(sites)
    sites.blog.fail_next(Fault(status=503), times=ATTEMPTS)
    report = sites.sync()
    assert [f"{f.site}/{f.form_id}" for f in report.failures] == ["blog/7"]
    assert summary(report)["blog/7"] == (0, 0, None, None)
    assert imported(sites.views) == sorted([*CONTACT_IDS, "shop/quote/10"])
    stored = cursor(sites.uow, "blog", "7")
    assert stored is not None and stored.after_id is None and "HTTP 503" in (stored.last_error or "")


def test_a_person_writing_twice_in_one_page_gets_one_lead_with_both_submissions(sites: Sites) -> None:
    sites.shop.add("contact", raw(1), raw(2, **{"your-email": "PERSON1@example.com", "budget": "10k"}), raw(3))
    contact = of(sites.sync(), "shop/contact")
    assert (contact.fetched, contact.created, contact.merged, contact.duplicates) == (3, 2, 1, 0)
    assert imported(sites.views) == ["shop/contact/1", "shop/contact/3"]
    with sites.uow() as uow:
        found = uow.leads.find_by_external_ids(Channel.WORDPRESS, ["shop/contact/1"])
        lead = uow.leads.get(found["shop/contact/1"], with_history=True) if found else None
    assert lead is not None and [e.field for e in lead.history] == ["status", "resubmission"]
    assert '"budget": "10k"' in (lead.history[1].new or "")
    again = of(sites.sync(), "shop/contact")
    assert (again.fetched, again.cursor_after) == (0, "3")


class FirstPagesTogether:
    """SubmitLead whose first page of each form waits until every form has one: the forms store at once."""

    def __init__(self, submit: SubmitLead, forms: int) -> None:
        self._submit = submit
        self._barrier = threading.Barrier(forms, timeout=10)
        self._waited: set[str] = set()
        self._lock = threading.Lock()

    def page(self, forms: Sequence[LeadForm]) -> list[SubmitResult | ValidationError]:
        if not forms:  # a form with nothing new
            return self._submit.page(forms)
        with self._lock:
            first = forms[0].form_id not in self._waited
            self._waited.add(forms[0].form_id)
        if first:
            self._barrier.wait()  # BrokenBarrierError unless the forms really run side by side
        return self._submit.page(forms)


@pytest.mark.mariadb
def test_forms_synced_side_by_side_give_each_person_one_lead_with_every_submission(
    mysql_uow: UowFactory, mysql_views: ViewsFactory, clock: FakeClock
) -> None:
    people, forms = 12, ("contact", "quote", "demo", "call")
    with FakeWordPress() as shop:
        for offset, form_id in enumerate(forms):  # every form hears from the same twelve people
            shop.add(form_id, *(raw(n, **{"budget": form_id}) | {"id": str(100 * offset + n)} for n in range(1, 13)))
        site = WordPressSite("shop", shop.url, USERNAME, PASSWORD, dict.fromkeys(forms, FIELDS))
        with WordPressFormSource([site], policy=quick_policy([])) as source:
            submit = FirstPagesTogether(SubmitLead(mysql_uow, clock, phone_region="US"), len(forms))
            sync = SyncForms(site.synced_forms(), source, submit, mysql_uow, clock, page_size=4)
            pages: list[PageDone] = []
            with ThreadPoolExecutor(len(forms)) as pool:  # as `leadsmanager sync` runs forms in processes
                ran = list(pool.map(lambda f: sync(site="shop", form_id=f, on_page=pages.append), forms))
            report = SyncReport(tuple(form for run in ran for form in run.forms))
            again = sync()

    assert report.failures == ()
    assert sum(f.fetched for f in report.forms) == people * len(forms)
    assert sum(f.created for f in report.forms) == people  # whichever form stored a person first
    assert sum(f.merged for f in report.forms) == people * (len(forms) - 1)
    assert len(pages) == len(forms) * 3
    with mysql_views() as views:
        stored = views.list(LeadQuery(source=Channel.WORDPRESS, limit=100)).leads
        full = [views.lead(lead.id or 0) for lead in stored]
    assert sorted(lead.email or "" for lead in stored) == sorted(f"person{n}@example.com" for n in range(1, 13))
    for lead in full:
        assert lead is not None
        resubmissions = [e for e in lead.history if e.field == "resubmission"]
        assert len(resubmissions) == len(forms) - 1, lead.email
        assert lead.resubmissions == len(forms) - 1, lead.email  # no re-submission's count lost to another's
    assert sum(f.fetched for f in again.forms) == 0
