"""The Custom Form API's listing read on our side: filtered after the cursor, sorted, held for one run's pages."""

from __future__ import annotations

import json
import random
from datetime import UTC, datetime
from functools import partial
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from leadsmanager.adapters.form_sources.intralog.payload import entries_after, is_empty_form, wordpress_code
from leadsmanager.adapters.form_sources.listing import Listing, RunListings
from leadsmanager.application.sync_types import FormSourceBadResponse, RemoteSubmission

CHECKBOXES = 'a:2:{i:0;s:14:"Almacenamiento";i:1;s:13:"Cross-docking";}'


def entry(n: int, **fields: Any) -> dict[str, Any]:
    return {"id": str(n), "created_at": "2026-03-01 09:00:00", "updated_at": "2026-03-02 10:00:00", **fields}


def body(*entries: Any) -> bytes:
    return json.dumps(
        {"message": "ok", "form_submissions": list(entries), "sql_query": "SELECT", "num_entries": 1}
    ).encode()


def read(data: bytes, after: int = -1) -> list[RemoteSubmission]:
    return entries_after(data, after, site="intralog", form_id="4")


@given(st.lists(st.integers(min_value=1, max_value=10**9), max_size=60), st.integers(-1, 10**9), st.randoms())
def test_any_order_comes_out_ascending_after_the_cursor_each_id_once(
    ids: list[int], after: int, shuffle: random.Random
) -> None:
    shuffle.shuffle(ids)
    got = [s.id for s in read(body(*(entry(n) for n in ids)), after)]
    assert got == [str(n) for n in sorted(set(ids)) if n > after]


def test_ids_come_as_strings_and_numbers_and_times_are_utc() -> None:
    [one, two] = read(body(entry(12), {**entry(0), "id": 7}))
    assert (one.id, two.id) == ("7", "12")
    assert one.created_at == datetime(2026, 3, 1, 9, 0, tzinfo=UTC)


def test_fields_are_kept_by_label_with_absent_and_empty_ones_left_out() -> None:
    [got] = read(body(entry(1, **{"Correo electrónico": "ana@example.com", "Teléfono": "", "Mensaje": None})))
    assert got.fields == {"Correo electrónico": "ana@example.com"}


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (CHECKBOXES, "Almacenamiento, Cross-docking"),
        (["Almacenamiento", "Cross-docking"], "Almacenamiento, Cross-docking"),  # a list as JSON: joined alike
        ({"0": "Almacenamiento", "3": " Cross-docking "}, "Almacenamiento, Cross-docking"),
        ('a:2:{i:0;s:14:"Almacenamiento";i:1;s:0:"";}', "Almacenamiento"),  # an empty answer is no answer
        (42, "42"),
        (True, "1"),
        ('a:1:{i:0;O:8:"stdClass":0:{}}', 'a:1:{i:0;O:8:"stdClass":0:{}}'),  # kept raw, never built
        ('a:1:{i:0;a:1:{i:0;s:1:"x";}}', 'a:1:{i:0;a:1:{i:0;s:1:"x";}}'),
        ("a: broken }", "a: broken }"),
        ([["nested"]], '[["nested"]]'),
    ],
)
def test_answers_become_one_text_lists_joined_and_anything_odd_kept_as_it_came(value: Any, text: str) -> None:
    [got] = read(body(entry(1, **{"Servicios de interés": value})))
    assert got.fields == {"Servicios de interés": text}


@pytest.mark.parametrize(
    ("data", "says"),
    [
        (b"<br /><b>Notice</b>: {", "the body is not valid JSON (an HTML page: a PHP notice"),
        (b'{"form_submissions": [{"id": "1", "E-mail": "\xff"}]}', "the body is not UTF-8"),
        (b"[]", "expected a JSON object"),
        (b'{"message": "ok"}', "'form_submissions' is missing or not a list"),
        (body("x"), "entry #1 is not a JSON object"),
        (body(entry(1), {**entry(2), "id": "2a"}), "entry #2's id '2a' is not a number"),
        (body({**entry(1), "id": None}), "entry #1's id 'None' is not a number"),
        (body({**entry(1), "id": True}), "entry #1's id 'True' is not a number"),
        (body({**entry(3), "created_at": "2026-03-01T09:00:00Z"}), "entry 3's created_at '2026-03-01T09:00:00Z'"),
        (
            body({**entry(3), "created_at": "0000-00-00 00:00:00"}),
            "entry 3's created_at '0000-00-00 00:00:00' is",
        ),
    ],
)
def test_a_listing_off_the_plugins_shape_is_a_bad_response_naming_what(data: bytes, says: str) -> None:
    with pytest.raises(FormSourceBadResponse) as caught:
        read(data)
    assert caught.value.detail.startswith(f"the response is not the Custom Form API's: {says}")


def test_an_entry_at_or_behind_the_cursor_is_not_read_closely() -> None:
    broken_long_ago = {**entry(3), "created_at": "yesterday"}
    assert [s.id for s in read(body(broken_long_ago, entry(9)), after=5)] == ["9"]


def test_the_empty_forms_404_is_told_from_a_missing_route() -> None:
    empty = json.dumps({"message": "No form submissions found", "form_id": 4, "sql_query": "S", "num_entries": 0})
    no_route = json.dumps({"code": "rest_no_route", "message": "No route was found", "data": {"status": 404}})
    assert is_empty_form(empty.encode())
    assert not is_empty_form(no_route.encode())
    assert not is_empty_form(b"<html>Not Found</html>")
    assert wordpress_code(no_route.encode()) == "rest_no_route"
    assert wordpress_code(empty.encode()) is None


def submissions(*ids: int) -> list[RemoteSubmission]:
    return [RemoteSubmission(str(n), datetime(2026, 3, 1, tzinfo=UTC)) for n in ids]


class Site:
    """The listing a fetch gets, and how often it was asked."""

    def __init__(self, *ids: int) -> None:
        self.ids = list(ids)
        self.fetches = 0

    def listing(self, after: str | None) -> Listing:
        self.fetches += 1
        return submissions(*(n for n in self.ids if after is None or n > int(after)))


class Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def run(listings: RunListings, site: Site, after: str | None, limit: int) -> list[list[str]]:
    """A sync run paging through one form: each fetch resumes at the page before's next_after_id."""
    pages: list[list[str]] = []
    more = True
    while more:
        page = listings.page(("intralog", "4"), after, limit, partial(site.listing, after))
        pages.append([s.id for s in page.submissions])
        after, more = page.next_after_id, page.has_more
    return pages


def test_a_run_fetches_the_listing_once_and_serves_its_pages_from_it() -> None:
    site = Site(*range(1, 251))
    pages = run(RunListings(), site, None, 100)
    assert [len(p) for p in pages] == [100, 100, 50]
    assert [int(i) for p in pages for i in p] == list(range(1, 251))
    assert site.fetches == 1


def test_the_next_run_fetches_again_and_serves_only_what_is_new() -> None:
    listings, site = RunListings(), Site(*range(1, 11))
    run(listings, site, None, 4)
    site.ids += [11, 12]
    assert run(listings, site, "10", 4) == [["11", "12"]]
    assert site.fetches == 2


def test_a_fetch_that_does_not_continue_the_held_listing_fetches_afresh() -> None:
    listings, site = RunListings(), Site(*range(1, 11))
    first = listings.page(("intralog", "4"), None, 4, lambda: site.listing(None))
    assert first.next_after_id == "4"
    again = listings.page(("intralog", "4"), "2", 4, lambda: site.listing("2"))  # another run, behind
    assert [s.id for s in again.submissions] == ["3", "4", "5", "6"]
    assert site.fetches == 2


def test_a_listing_left_unread_past_the_idle_time_is_fetched_again() -> None:
    clock, site = Clock(), Site(*range(1, 11))
    listings = RunListings(idle=60, clock=clock)
    first = listings.page(("intralog", "4"), None, 4, lambda: site.listing(None))
    clock.now = 61
    listings.page(("intralog", "4"), first.next_after_id, 4, lambda: site.listing(first.next_after_id))
    assert site.fetches == 2


def test_forms_are_held_apart() -> None:
    listings, four, five = RunListings(), Site(1, 2, 3), Site(7, 8, 9)
    p4 = listings.page(("intralog", "4"), None, 2, lambda: four.listing(None))
    p5 = listings.page(("intralog", "5"), None, 2, lambda: five.listing(None))
    rest4 = listings.page(("intralog", "4"), p4.next_after_id, 2, lambda: four.listing("x"))
    rest5 = listings.page(("intralog", "5"), p5.next_after_id, 2, lambda: five.listing("x"))
    assert [[s.id for s in p.submissions] for p in (rest4, rest5)] == [["3"], ["9"]]
    assert (four.fetches, five.fetches) == (1, 1)


def test_an_empty_listing_is_one_last_page_keeping_the_cursor() -> None:
    page = RunListings().page(("intralog", "4"), "17", 100, lambda: [])
    assert (page.submissions, page.has_more, page.next_after_id) == ((), False, "17")
