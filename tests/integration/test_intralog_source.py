"""The `intralog-legacy` kind against a fake of INTRALOG's Custom Form API on loopback: one listing per run
and form, the plugin's quirks, and every way its answer can go wrong, each a clear error."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest

from leadsmanager.adapters.form_sources.client import SiteClient
from leadsmanager.adapters.form_sources.intralog.source import IntralogFormSource
from leadsmanager.adapters.form_sources.site import SiteKind, WordPressSite
from leadsmanager.adapters.service_probes import wordpress_probe
from leadsmanager.application.sync_types import FormSourceAuthFailed, FormSourceBadResponse, SubmissionPage
from tests.integration.fake_sources.intralog import FakeIntralog, entry
from tests.integration.fake_sources.site import PASSWORD, USERNAME
from tests.integration.fake_wordpress import Fault, quick_policy

SENT = datetime(2026, 3, 1, 9, 0, tzinfo=UTC)


def person(n: int, *more: tuple[str, str | list[str]]) -> dict[str, object]:
    fields = [("Nombre y Apellido", f"Ana {n}"), ("Correo electrónico", f"ana{n}@example.com"), *more]
    return entry(n, SENT + timedelta(minutes=n), fields)


@pytest.fixture
def site() -> Iterator[FakeIntralog]:
    with FakeIntralog() as fake:
        yield fake


def config(fake: FakeIntralog, *, password: str = PASSWORD, forms: tuple[str, ...] = ("4", "5")) -> WordPressSite:
    return WordPressSite(
        "intralog", fake.url, USERNAME, password, {key: {} for key in forms}, kind=SiteKind.INTRALOG_LEGACY
    )


def source_for(fake: FakeIntralog, *, password: str = PASSWORD) -> IntralogFormSource:
    return IntralogFormSource([config(fake, password=password)], client=SiteClient(policy=quick_policy([], attempts=1)))


def every_page(
    source: IntralogFormSource, form_id: str = "4", *, after_id: str | None = None, limit: int = 100
) -> list[SubmissionPage]:
    pages = [source.fetch("intralog", form_id, after_id=after_id, limit=limit)]
    while pages[-1].has_more:
        pages.append(source.fetch("intralog", form_id, after_id=pages[-1].next_after_id, limit=limit))
    return pages


def ids(pages: list[SubmissionPage]) -> list[int]:
    return [int(s.id) for page in pages for s in page.submissions]


def test_a_run_asks_for_the_whole_listing_once_and_serves_it_in_pages_oldest_first(site: FakeIntralog) -> None:
    site.add("4", *(person(n) for n in range(1, 251)))
    source = source_for(site)
    pages = every_page(source)
    assert ids(pages) == list(range(1, 251))
    assert [(len(p.submissions), p.has_more) for p in pages] == [(100, True), (100, True), (50, False)]
    assert [(r.form_id, r.query, r.authorised) for r in site.seen] == [("4", {}, True)]
    site.add("4", person(251))
    assert ids(every_page(source, after_id="250")) == [251]  # the next run asks again
    assert site.listings == 2


def test_labels_keys_absent_empties_and_joined_checkboxes(site: FakeIntralog) -> None:
    site.add("4", person(1, ("Servicios", ["Almacenamiento", "Cross-docking"]), ("Teléfono", "")))
    [got] = source_for(site).fetch("intralog", "4", after_id=None, limit=10).submissions
    assert got.fields == {
        "Nombre y Apellido": "Ana 1",
        "Correo electrónico": "ana1@example.com",
        "Servicios": "Almacenamiento, Cross-docking",
    }
    assert got.created_at == SENT + timedelta(minutes=1)


def test_the_empty_forms_404_is_an_empty_last_page_keeping_the_cursor(site: FakeIntralog) -> None:
    page = source_for(site).fetch("intralog", "5", after_id="17", limit=10)
    assert (page.submissions, page.has_more, page.next_after_id) == ((), False, "17")


def test_a_missing_plugin_says_so(site: FakeIntralog) -> None:
    site.active = False
    with pytest.raises(FormSourceBadResponse) as caught:
        source_for(site).fetch("intralog", "4", after_id=None, limit=10)
    assert caught.value.detail == (
        "the site has no Custom Form API route (HTTP 404 rest_no_route): is the plugin installed and active?"
    )


def test_a_404_from_something_else_points_at_the_url(site: FakeIntralog) -> None:
    site.fail_next(Fault(status=404, body=b"<html>Not Found</html>"))
    with pytest.raises(FormSourceBadResponse, match="HTTP 404 without the plugin's answer: check the site's URL"):
        source_for(site).fetch("intralog", "4", after_id=None, limit=10)


@pytest.mark.parametrize(
    ("password", "capable", "says"),
    [
        ("wrong wrong wrong wrong", True, "HTTP 401, incorrect_password"),
        (PASSWORD, False, "HTTP 403, rest_forbidden"),
    ],
)
def test_refused_credentials_name_the_password_and_edit_posts(
    site: FakeIntralog, password: str, capable: bool, says: str
) -> None:
    site.add("4", person(1))
    site.capable = capable
    with pytest.raises(FormSourceAuthFailed) as caught:
        source_for(site, password=password).fetch("intralog", "4", after_id=None, limit=10)
    assert caught.value.detail == (
        f"the site refused our credentials ({says}): check the user and application password,"
        " and that the user may edit posts (edit_posts)"
    )
    assert "wrong" not in str(caught.value) and PASSWORD not in str(caught.value)
    assert len(site.seen) == 1  # a refusal is not retried


def test_a_form_id_that_is_not_a_number_is_refused_before_asking(site: FakeIntralog) -> None:
    source = IntralogFormSource([config(site, forms=("contacto",))], client=SiteClient(policy=quick_policy([])))
    with pytest.raises(FormSourceBadResponse, match="numeric Formidable id: list that id in _FORMS"):
        source.fetch("intralog", "contacto", after_id=None, limit=10)
    assert site.seen == []


def listing(*entries: object) -> bytes:
    return json.dumps({"message": "ok", "form_submissions": list(entries), "num_entries": len(entries)}).encode()


@pytest.mark.parametrize(
    ("body", "says"),
    [
        (b'<br /><b>Warning</b>: {"form_submissions": [', "the body is not valid JSON (an HTML page: a PHP notice"),
        (b'{"form_submissions": [{"id": "1", "Mensaje": "\xe9"}]}', "the body is not UTF-8"),
        (listing(person(1), {**person(2), "id": "dos"}), "entry #2's id 'dos' is not a number"),
        (listing({**person(1), "id": ""}), "entry #1's id '' is not a number"),
        (listing({**person(3), "created_at": "03/01/2026"}), "entry 3's created_at '03/01/2026' is not a Y-m-d"),
        (b'{"message": "ok", "form_submissions": {"1": {}}}', "'form_submissions' is missing or not a list"),
    ],
)
def test_a_listing_off_the_plugins_shape_is_a_clear_bad_response(site: FakeIntralog, body: bytes, says: str) -> None:
    site.fail_next(Fault(status=200, body=body))
    with pytest.raises(FormSourceBadResponse) as caught:
        source_for(site).fetch("intralog", "4", after_id=None, limit=10)
    assert caught.value.detail.startswith(f"the response is not the Custom Form API's: {says}")


def test_a_30_mb_listing_stops_at_the_20_mb_guard_and_a_100k_value_comes_whole(site: FakeIntralog) -> None:
    site.fail_next(Fault(status=200, body=listing({"id": "1", "Mensaje": "x" * 30_000_000})))
    with pytest.raises(FormSourceBadResponse, match=r"^.*: the response is larger than 20,000,000 bytes$"):
        source_for(site).fetch("intralog", "4", after_id=None, limit=10)
    site.add("4", person(1, ("Completa tu mensaje", "ñ" * 100_000)))
    [got] = source_for(site).fetch("intralog", "4", after_id=None, limit=10).submissions
    assert got.fields["Completa tu mensaje"] == "ñ" * 100_000


def test_an_entry_appearing_behind_the_cursor_is_served_to_a_run_that_rereads_there(site: FakeIntralog) -> None:
    site.add("4", *(person(n) for n in (1, 2, 5)))
    site.add("4", person(4))  # committed after 5 was read: its id goes backwards
    assert ids(every_page(source_for(site), after_id="3")) == [4, 5]


def test_check_reaches_the_site_with_the_kinds_own_request(site: FakeIntralog) -> None:
    site.add("4", *(person(n) for n in range(1, 30)))
    probe = wordpress_probe(config(site))
    assert probe.ok, probe.detail
    assert [(r.form_id, r.query, r.authorised) for r in site.seen] == [("4", {}, True)]
    site.active = False
    assert wordpress_probe(config(site)).detail.startswith("the site has no Custom Form API route")
    site.active, site.capable = True, False
    assert "edit_posts" in wordpress_probe(config(site)).detail
