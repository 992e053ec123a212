"""One contract for form sources, held by the in-memory fake and the WordPress adapter over real HTTP alike."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, timedelta
from typing import Any, Protocol

import pytest

from leadsmanager.adapters.form_sources.plugin import WordPressFormSource
from leadsmanager.adapters.memory.forms import MemoryFormSource
from leadsmanager.application.ports import FormSource
from leadsmanager.application.sync_types import FormSourceError, RemoteSubmission, SubmissionPage
from leadsmanager.domain.errors import ExternalServiceError
from tests.integration.fake_wordpress import FakeWordPress, quick_policy, site_for
from tests.support import START

SITE = "shop"
FORM = "contact"


class Backend(Protocol):
    source: FormSource

    def add(self, form_id: str, *submissions: RemoteSubmission) -> None: ...


class MemoryBackend:
    def __init__(self) -> None:
        self.memory = MemoryFormSource()
        self.source: FormSource = self.memory

    def add(self, form_id: str, *submissions: RemoteSubmission) -> None:
        self.memory.add(SITE, form_id, *submissions)


class WordPressBackend:
    def __init__(self, wordpress: FakeWordPress) -> None:
        self.wordpress = wordpress
        self.source: FormSource = WordPressFormSource([site_for(wordpress, name=SITE)], policy=quick_policy([]))

    def add(self, form_id: str, *submissions: RemoteSubmission) -> None:
        self.wordpress.add(form_id, *(as_json(s) for s in submissions))


def as_json(submission: RemoteSubmission) -> dict[str, Any]:
    """As the plugin sends it: created_at in UTC with a Z."""
    created_at = submission.created_at.astimezone(UTC).isoformat().replace("+00:00", "Z")
    return {"id": submission.id, "created_at": created_at, "fields": dict(submission.fields)}


@pytest.fixture(params=["memory", "wordpress"])
def backend(request: pytest.FixtureRequest) -> Iterator[Backend]:
    if request.param == "memory":
        yield MemoryBackend()
        return
    with FakeWordPress() as wordpress:
        wp_backend = WordPressBackend(wordpress)
        yield wp_backend
        assert isinstance(wp_backend.source, WordPressFormSource)
        wp_backend.source.close()


def sent(n: int, **fields: str) -> RemoteSubmission:
    values = {"your-name": f"Person {n}", "your-email": f"person{n}@example.com", **fields}
    return RemoteSubmission(str(n), START + timedelta(minutes=n), values)


def every_page(source: FormSource, *, after_id: str | None = None, limit: int = 3) -> list[SubmissionPage]:
    pages = [source.fetch(SITE, FORM, after_id=after_id, limit=limit)]
    while pages[-1].has_more:
        pages.append(source.fetch(SITE, FORM, after_id=pages[-1].next_after_id, limit=limit))
    return pages


def ids(pages: list[SubmissionPage]) -> list[str]:
    return [s.id for page in pages for s in page.submissions]


def test_pages_hold_every_submission_once_in_id_order(backend: Backend) -> None:
    backend.add(FORM, *(sent(n) for n in (5, 1, 7, 3, 2, 6, 4)))
    pages = every_page(backend.source, limit=3)
    assert ids(pages) == ["1", "2", "3", "4", "5", "6", "7"]
    assert [(len(p.submissions), p.has_more) for p in pages] == [(3, True), (3, True), (1, False)]
    assert [p.next_after_id for p in pages] == ["3", "6", "7"]


def test_a_full_last_page_already_says_there_is_no_more(backend: Backend) -> None:
    backend.add(FORM, *(sent(n) for n in range(1, 7)))
    pages = every_page(backend.source, limit=3)
    assert [p.has_more for p in pages] == [True, False]
    assert ids(pages) == [str(n) for n in range(1, 7)]


def test_ids_order_by_number_not_by_text(backend: Backend) -> None:
    backend.add(FORM, sent(9), sent(10), sent(100))
    assert ids(every_page(backend.source, limit=2)) == ["9", "10", "100"]


@pytest.mark.parametrize(("after_id", "expected"), [("4", ["6", "8", "10"]), ("5", ["6", "8", "10"]), ("10", [])])
def test_after_id_resumes_exactly_after_it_even_when_it_is_gone(
    backend: Backend, after_id: str, expected: list[str]
) -> None:
    backend.add(FORM, *(sent(n) for n in (10, 2, 6, 4, 8)))
    page = backend.source.fetch(SITE, FORM, after_id=after_id, limit=10)
    assert [s.id for s in page.submissions] == expected
    assert page.next_after_id == (expected[-1] if expected else after_id)
    assert not page.has_more


def test_an_empty_form_gives_one_empty_last_page(backend: Backend) -> None:
    backend.add(FORM)
    page = backend.source.fetch(SITE, FORM, after_id=None, limit=5)
    assert page == SubmissionPage((), has_more=False, next_after_id=None)


def test_submissions_arriving_later_are_found_from_the_stored_cursor(backend: Backend) -> None:
    backend.add(FORM, sent(1), sent(2))
    cursor = every_page(backend.source)[-1].next_after_id
    backend.add(FORM, sent(3), sent(4))
    assert ids(every_page(backend.source, after_id=cursor)) == ["3", "4"]


def test_fields_and_times_come_back_as_sent(backend: Backend) -> None:
    original = sent(1, city="Córdoba", message="line one\nline two", empty="")
    backend.add(FORM, original)
    [got] = backend.source.fetch(SITE, FORM, after_id=None, limit=1).submissions
    assert got == original
    assert got.created_at.utcoffset() == timedelta(0)


def test_an_unknown_form_is_an_external_service_error_naming_site_and_form(backend: Backend) -> None:
    with pytest.raises(ExternalServiceError) as caught:
        backend.source.fetch(SITE, "no-such-form", after_id=None, limit=5)
    assert isinstance(caught.value, FormSourceError)
    assert "'shop'" in str(caught.value) and "'no-such-form'" in str(caught.value)


@pytest.mark.parametrize("limit", [0, -1])
def test_a_limit_below_one_is_a_programming_error(backend: Backend, limit: int) -> None:
    with pytest.raises(ValueError):
        backend.source.fetch(SITE, FORM, after_id=None, limit=limit)
