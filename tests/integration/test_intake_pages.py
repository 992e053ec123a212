"""A page of submissions in one transaction gives each the outcome it would get alone, on every storage."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from types import TracebackType
from typing import Any, cast

import pytest

from leadsmanager.adapters.memory.store import MemoryStore
from leadsmanager.adapters.memory.unit_of_work import MemoryUnitOfWork
from leadsmanager.adapters.memory.views import MemoryLeadViews
from leadsmanager.application.intake import LeadForm, SubmitLead, SubmitResult
from leadsmanager.application.ports import UnitOfWork
from leadsmanager.application.queries import LeadQuery
from leadsmanager.domain.errors import ValidationError
from leadsmanager.domain.lead import Channel, Lead
from tests.conftest import UowFactory, ViewsFactory, interleaving_writers
from tests.support import FakeClock


def form(n: int, **changes: Any) -> LeadForm:
    values: dict[str, Any] = {
        "name": f"Person {n}",
        "email": f"person{n}@example.com",
        "site": "shop",
        "form_id": "contact",
        "external_id": f"shop/contact/{n}",
        **changes,
    }
    return LeadForm(Channel.WORDPRESS, **values)


@pytest.fixture
def submit(uow_factory: UowFactory, clock: FakeClock) -> SubmitLead:
    return SubmitLead(uow_factory, clock, phone_region="US")


def outcomes(results: Sequence[SubmitResult | ValidationError]) -> list[str]:
    return ["refused" if isinstance(r, ValidationError) else r.outcome.value for r in results]


def ids(results: Sequence[SubmitResult | ValidationError]) -> list[int | None]:
    return [None if isinstance(r, ValidationError) else r.lead_id for r in results]


def stored(views_factory: ViewsFactory) -> list[Lead]:
    with views_factory() as views:
        page = views.list(LeadQuery(oldest_first=True, limit=100)).leads
        return [lead for x in page if x.id and (lead := views.lead(x.id))]


def test_a_person_writing_twice_in_one_page_gets_one_lead(submit: SubmitLead, views_factory: ViewsFactory) -> None:
    results = submit.page([form(1), form(2), form(3, email="PERSON1@example.com", company="Acme"), form(4)])
    assert outcomes(results) == ["created", "created", "merged", "created"]
    first, second, joined, fourth = ids(results)
    assert joined == first and first is not None and second is not None and fourth is not None
    assert first < second < fourth
    leads = stored(views_factory)
    assert [x.contact_name for x in leads] == ["Person 1", "Person 2", "Person 4"]
    assert [e.field for e in leads[0].history] == ["status", "resubmission"]
    assert '"company": "Acme"' in (leads[0].history[1].new or "")


def test_a_refused_form_in_the_middle_keeps_its_place_and_the_rest_is_stored(
    submit: SubmitLead, views_factory: ViewsFactory
) -> None:
    results = submit.page([form(1), form(2, company="x" * 300), form(3)])
    assert outcomes(results) == ["created", "refused", "created"]
    refused = results[1]
    assert isinstance(refused, ValidationError) and refused.fields == {"company": "too long: at most 200 characters"}
    assert [x.external_id for x in stored(views_factory)] == ["shop/contact/1", "shop/contact/3"]


def test_a_page_fetched_again_is_all_duplicates_and_changes_nothing(
    submit: SubmitLead, views_factory: ViewsFactory
) -> None:
    first = submit.page([form(1), form(2), form(3, email="person1@example.com")])
    before = shapes(stored(views_factory))
    again = submit.page([form(1), form(2), form(3, email="person1@example.com")])
    assert outcomes(again) == ["duplicate", "duplicate", "duplicate"]  # the joined one too
    assert ids(again) == ids(first)
    assert shapes(stored(views_factory)) == before


def test_a_submission_delivered_again_after_joining_a_lead_is_a_duplicate_whichever_way_it_comes(
    submit: SubmitLead, views_factory: ViewsFactory
) -> None:
    [lead] = ids(submit.page([form(1)]))
    joining = form(2, email="person1@example.com", message="me again")
    pushed = submit(joining)  # the plugin pushes it...
    assert (pushed.outcome.value, pushed.lead_id) == ("merged", lead)
    before = shapes(stored(views_factory))
    retried = submit(joining)  # ...retries the push,
    polled = submit.page([joining, form(3), joining])  # and the sync polls it, twice in one page
    assert (retried.outcome.value, retried.lead_id) == ("duplicate", lead)
    assert outcomes(polled) == ["duplicate", "created", "duplicate"]
    assert ids(polled)[0] == lead
    after = shapes(stored(views_factory))
    assert after[0] == before[0]  # no more re-submissions, the same score and history


def test_a_submission_joining_a_lead_created_earlier_in_its_page_is_recorded_too(
    submit: SubmitLead, uow_factory: UowFactory
) -> None:
    first = submit.page([form(1), form(2, email="person1@example.com")])
    assert outcomes(first) == ["created", "merged"]
    again = submit(form(2, email="person1@example.com"))
    assert (again.outcome.value, again.lead_id) == ("duplicate", ids(first)[0])


def shapes(leads: list[Lead]) -> list[tuple[Any, ...]]:
    return [(x.id, x.resubmissions, x.score, x.version, [(e.field, e.new) for e in x.history]) for x in leads]


def test_the_same_submission_twice_in_one_page_is_stored_once(submit: SubmitLead, views_factory: ViewsFactory) -> None:
    results = submit.page([form(1), form(1, email="other@example.com")])
    assert outcomes(results) == ["created", "duplicate"]
    assert ids(results)[0] == ids(results)[1]
    assert len(stored(views_factory)) == 1


def test_an_open_lead_stored_earlier_is_joined_by_email_before_phone(
    submit: SubmitLead, views_factory: ViewsFactory
) -> None:
    by_email, by_phone = submit.page([form(1), form(2, email="", phone="+1 202 555 0102")])
    results = submit.page(
        [form(3, email="person1@example.com", phone="+1 202 555 0102"), form(4, email="", phone="(202) 555-0102")]
    )
    assert outcomes(results) == ["merged", "merged"]
    assert ids(results) == ids([by_email, by_phone])
    leads = stored(views_factory)
    assert [[e.field for e in x.history] for x in leads] == [["status", "resubmission"], ["status", "resubmission"]]


def first_seen(values: list[int | None]) -> list[int | None]:
    """Ids renumbered by first appearance, to compare storages whose sequences start apart."""
    order: dict[int, int] = {}
    return [None if v is None else order.setdefault(v, len(order)) for v in values]


def test_page_and_one_at_a_time_agree(uow_factory: UowFactory, views_factory: ViewsFactory) -> None:
    forms = [
        form(n % 7, email=f"p{n % 5}@example.com" if n % 3 else "", phone=f"+1 202 555 {n % 4:04d}" if n % 2 else "")
        for n in range(1, 40)
    ]
    forms = [f for f in forms if f.email or f.phone]
    alone_store = MemoryStore()

    def alone_uow() -> UnitOfWork:
        return MemoryUnitOfWork(alone_store)

    paged = SubmitLead(uow_factory, FakeClock(), phone_region="US")
    alone = SubmitLead(alone_uow, FakeClock(), phone_region="US")
    results = [r for start in range(0, len(forms), 8) for r in paged.page(forms[start : start + 8])]
    expected = [alone(f) for f in forms]
    assert outcomes(results) == outcomes(expected)
    assert first_seen(ids(results)) == first_seen(ids(expected))

    def shape(leads: list[Lead]) -> list[tuple[Any, ...]]:
        return [(x.external_id, x.email, x.phone, [(e.field, e.new, e.at) for e in x.history]) for x in leads]

    assert len(stored(views_factory)) > 3
    assert shape(stored(views_factory)) == shape(stored(lambda: MemoryLeadViews(alone_store)))


class CompetingWrite:
    """Before the page writes, another request stores a lead for one of its contacts, as a web form might."""

    def __init__(self, inner: UowFactory, compete: Callable[[], object]) -> None:
        self.inner = inner
        self.compete: Callable[[], object] | None = compete

    def __call__(self) -> UnitOfWork:
        return cast(UnitOfWork, _Competing(self.inner(), self))


class _Competing:
    def __init__(self, uow: UnitOfWork, hook: CompetingWrite) -> None:
        self._uow = uow
        self._hook = hook

    def __enter__(self) -> UnitOfWork:
        entered = self._uow.__enter__()
        store = entered.leads.store

        def store_after_competitor(new: Sequence[Lead], joined: Sequence[Lead] = ()) -> Lead | None:
            compete, self._hook.compete = self._hook.compete, None
            if compete is not None:
                compete()
            return store(new, joined)

        entered.leads.store = store_after_competitor  # type: ignore[method-assign]
        return entered

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self._uow.__exit__(exc_type, exc, tb)


def test_a_page_colliding_with_a_concurrent_intake_is_stored_one_at_a_time(
    uow_factory: UowFactory, views_factory: ViewsFactory, clock: FakeClock, request: pytest.FixtureRequest
) -> None:
    interleaving_writers(request)
    other = SubmitLead(uow_factory, clock, phone_region="US")
    competing = CompetingWrite(uow_factory, lambda: other(form(99, email="person2@example.com")))
    submit = SubmitLead(competing, clock, phone_region="US")
    results = submit.page([form(1), form(2), form(3)])
    assert outcomes(results) == ["created", "merged", "created"]
    leads = stored(views_factory)
    assert [x.external_id for x in leads] == ["shop/contact/99", "shop/contact/1", "shop/contact/3"]
    assert ids(results)[1] == leads[0].id


def test_suspected_spam_in_a_page_is_kept_as_spam(submit: SubmitLead, views_factory: ViewsFactory) -> None:
    spam = form(2, spam_reason="filled the hidden field")
    results = submit.page([form(1), spam, form(3), form(4, company="x" * 300)])
    assert outcomes(results) == ["created", "spam", "created", "refused"]
    assert [(x.external_id, x.status) for x in stored(views_factory)] == [
        ("shop/contact/1", "new"),
        ("shop/contact/2", "spam"),
        ("shop/contact/3", "new"),
    ]


def test_an_empty_page_stores_nothing(submit: SubmitLead, views_factory: ViewsFactory) -> None:
    assert submit.page([]) == []
    assert stored(views_factory) == []
