"""The `gravityforms` kind against a fake Gravity Forms REST API v2 on loopback: its request, its paging, its
labels and its refusals, each read as the plugin documents them."""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from datetime import UTC, datetime

import pytest

from leadsmanager.adapters.form_sources.client import SiteClient
from leadsmanager.adapters.form_sources.gravityforms.source import GravityFormsSource
from leadsmanager.adapters.form_sources.site import SiteKind, WordPressSite
from leadsmanager.adapters.service_probes import wordpress_probe
from leadsmanager.application.sync_types import (
    FormSourceAuthFailed,
    FormSourceBadResponse,
    FormSourceError,
    SubmissionPage,
)
from tests.integration.fake_sources.gravityforms import KEY, SECRET, FakeGravityForms, GfField
from tests.integration.fake_sources.site import PASSWORD, USERNAME
from tests.integration.fake_wordpress import Fault, quick_policy

CONTACT = (
    GfField(1, "Name", "name", (("1.3", "First"), ("1.6", "Last"))),
    GfField(2, "Email", "email"),
    GfField(3, "Services", "checkbox", (("3.1", "Storage"), ("3.2", "Cross-docking"))),
    GfField(4, "Topics", "multiselect"),
    GfField(5, "Message", "textarea"),
)


def person(n: int, **values: object) -> dict[str, object]:
    return {"1.3": "Ana", "1.6": f"Pérez {n}", "2": f"ana{n}@example.com", **values}


@pytest.fixture
def site() -> Iterator[FakeGravityForms]:
    with FakeGravityForms() as fake:
        fake.add_form(1, "Contact", *CONTACT)
        fake.add_form(2, "Quote", GfField(1, "Email", "email"))
        yield fake


def source_for(
    fake: FakeGravityForms, mapping: Mapping[str, str] | None = None, *, user: str = KEY, password: str = SECRET
) -> GravityFormsSource:
    config = WordPressSite(
        "shop", fake.url, user, password, {"1": dict(mapping or {}), "2": {}}, kind=SiteKind.GRAVITYFORMS
    )
    return GravityFormsSource([config], client=SiteClient(policy=quick_policy([], attempts=1)))


def every_page(source: GravityFormsSource, form_id: str = "1", *, limit: int = 100) -> list[SubmissionPage]:
    pages = [source.fetch("shop", form_id, after_id=None, limit=limit)]
    while pages[-1].has_more:
        pages.append(source.fetch("shop", form_id, after_id=pages[-1].next_after_id, limit=limit))
    return pages


def test_each_page_is_the_documented_search_after_the_cursor(site: FakeGravityForms) -> None:
    site.add(1, person(1))
    source_for(site).fetch("shop", "1", after_id="7", limit=500)
    [request] = site.seen
    assert request.form_id == "forms/1/entries"
    assert request.query == {
        "search": '{"field_filters":[{"key":"id","operator":">","value":"7","is_numeric":true}]}',
        "sorting[key]": "id",
        "sorting[direction]": "ASC",
        "paging[page_size]": "100",
        "_labels": "1",
    }


def test_pages_follow_total_count_and_hold_every_entry_once_oldest_first(site: FakeGravityForms) -> None:
    first = site.add(1, *(person(n) for n in range(1, 4)))
    site.add(2, {"1": "other@example.com"})  # entry ids are shared by every form: this form's skip one
    later = site.add(1, *(person(n) for n in range(4, 6)))
    pages = every_page(source_for(site), limit=2)
    assert [[s.id for s in p.submissions] for p in pages] == [first[:2], [first[2], later[0]], [later[1]]]
    assert [p.has_more for p in pages] == [True, True, False]
    assert [r.query["search"].split('"value":')[1][:4] for r in site.seen] == ['"0",', '"2",', '"5",']


def test_values_are_named_by_their_labels_inputs_as_the_form_reads_them(site: FakeGravityForms) -> None:
    site.add(1, person(1, **{"3.2": "Cross-docking", "4": ["Storage", "Transport"], "5": ""}))
    [got] = source_for(site).fetch("shop", "1", after_id=None, limit=10).submissions
    assert got.fields == {
        "Name (First)": "Ana",
        "Name (Last)": "Pérez 1",
        "Email": "ana1@example.com",
        "Services (Cross-docking)": "Cross-docking",
        "Topics": "Storage, Transport",
        "source_url": "https://shop.example.com/contact/",
    }
    assert got.created_at == datetime(2026, 3, 1, 9, 0, tzinfo=UTC)


def test_a_mapping_by_id_wins_over_the_label_and_keeps_the_id(site: FakeGravityForms) -> None:
    site.add(1, person(1))
    mapping = {"2": "email", "Name (First)": "name", "1.6": "name"}
    [got] = source_for(site, mapping).fetch("shop", "1", after_id=None, limit=10).submissions
    assert got.fields["2"] == "ana1@example.com" and "Email" not in got.fields
    assert got.fields["Name (First)"] == "Ana" and got.fields["1.6"] == "Pérez 1"


def test_a_label_two_fields_share_names_neither_of_them(site: FakeGravityForms) -> None:
    site.add_form(3, "Twice", GfField(1, "Phone"), GfField(2, "Phone"), GfField(3, "2"))
    site.add(3, {"1": "111", "2": "222", "3": "x"})
    config = WordPressSite("shop", site.url, KEY, SECRET, {"3": {}}, kind=SiteKind.GRAVITYFORMS)
    source = GravityFormsSource([config], client=SiteClient(policy=quick_policy([], attempts=1)))
    [got] = source.fetch("shop", "3", after_id=None, limit=10).submissions
    assert {k: v for k, v in got.fields.items() if k != "source_url"} == {"1": "111", "2": "222", "3": "x"}


def test_a_survey_field_is_named_by_its_label_and_a_form_without_fields_by_ids(site: FakeGravityForms) -> None:
    site.add_form(3, "Survey", GfField(1, "How did we do?", "likert"))
    site.add_form(4, "Bare")
    site.add(3, {"1": "glikertcol1"})
    site.fail_next(Fault(status=200, body=entries_body(9).replace(b"}]}", b'}], "_labels": []}')))
    config = WordPressSite("shop", site.url, KEY, SECRET, {"3": {}, "4": {}}, kind=SiteKind.GRAVITYFORMS)
    source = GravityFormsSource([config], client=SiteClient(policy=quick_policy([], attempts=1)))
    [bare] = source.fetch("shop", "4", after_id=None, limit=10).submissions
    assert bare.fields == {"2": "p9@example.com"}
    [survey] = source.fetch("shop", "3", after_id=None, limit=10).submissions
    assert survey.fields["How did we do?"] == "glikertcol1"


def test_an_application_password_works_as_well_as_a_key_pair(site: FakeGravityForms) -> None:
    site.add(1, person(1))
    assert len(every_page(source_for(site, user=USERNAME, password=PASSWORD))[0].submissions) == 1


def test_an_empty_or_unknown_form_is_one_empty_last_page(site: FakeGravityForms) -> None:
    assert every_page(source_for(site), "2") == [SubmissionPage((), has_more=False, next_after_id=None)]
    assert every_page(source_for(site), "9") == [SubmissionPage((), has_more=False, next_after_id=None)]


@pytest.mark.parametrize(
    ("change", "error", "says"),
    [
        (
            {"api_enabled": False},
            FormSourceBadResponse,
            "tick 'Enable access to the API' in Forms → Settings → REST API",
        ),
        ({"can_view_entries": False}, FormSourceAuthFailed, "give it the gravityforms_view_entries capability"),
    ],
)
def test_a_refusal_names_its_fix(
    site: FakeGravityForms, change: dict[str, bool], error: type[FormSourceError], says: str
) -> None:
    for name, value in change.items():
        setattr(site, name, value)
    with pytest.raises(error) as caught:
        source_for(site).fetch("shop", "1", after_id=None, limit=10)
    assert says in caught.value.detail


def test_wrong_credentials_name_the_settings_and_never_show_the_secret(site: FakeGravityForms) -> None:
    with pytest.raises(FormSourceAuthFailed) as caught:
        source_for(site, password="cs_wrong_secret_000").fetch("shop", "1", after_id=None, limit=10)
    assert "set LEADSMANAGER_WORDPRESS_SHOP_USER and LEADSMANAGER_WORDPRESS_SHOP_PASSWORD" in caught.value.detail
    assert caught.value.detail.endswith("(HTTP 401, gform_rest_authentication_error)")
    assert "cs_wrong" not in str(caught.value) and KEY not in str(caught.value)


def test_a_form_id_that_is_not_a_number_is_refused_before_asking(site: FakeGravityForms) -> None:
    config = WordPressSite("shop", site.url, KEY, SECRET, {"contact": {}}, kind=SiteKind.GRAVITYFORMS)
    source = GravityFormsSource([config], client=SiteClient(policy=quick_policy([])))
    with pytest.raises(FormSourceError, match="Gravity Forms form ids are numbers"):
        source.fetch("shop", "contact", after_id=None, limit=10)
    assert site.seen == []


def entries_body(*ids: int, total: int | None = None) -> bytes:
    entries = [{"id": str(n), "date_created": "2026-03-01 09:00:00", "2": f"p{n}@example.com"} for n in ids]
    return json.dumps({"total_count": len(ids) if total is None else total, "entries": entries}).encode()


@pytest.mark.parametrize(
    ("body", "says"),
    [
        (b'<br /><b>Warning</b>: {"total_count": 1', "the body is not valid JSON"),
        (b'{"total_count": 1, "entries": [{"id": "1", "2": "\xff"}]}', "the body is not UTF-8"),
        (entries_body(3, 2), "entry ids must ascend after the start; 2 does not"),
        (json.dumps({"entries": []}).encode(), "'total_count' (a number) or 'entries' (a list) is missing"),
        (
            json.dumps({"total_count": 1, "entries": [{"id": "x1", "date_created": "2026-03-01 09:00:00"}]}).encode(),
            "entry #1: 'id' is missing or not a decimal number",
        ),
        (
            json.dumps({"total_count": 1, "entries": [{"id": "1", "date_created": "2026-03-01T09:00Z"}]}).encode(),
            "entry #1: 'date_created' is missing or not a time such as 2026-03-01 09:05:00",
        ),
    ],
)
def test_a_reply_off_the_api_is_a_clear_bad_response(site: FakeGravityForms, body: bytes, says: str) -> None:
    site.fail_next(Fault(status=200, body=body))
    with pytest.raises(FormSourceBadResponse) as caught:
        source_for(site).fetch("shop", "1", after_id=None, limit=10)
    assert caught.value.detail == f"the response is not Gravity Forms' REST API's: {says}"


def test_an_id_at_or_below_the_cursor_is_refused(site: FakeGravityForms) -> None:
    site.fail_next(Fault(status=200, body=entries_body(4, 5)))
    with pytest.raises(FormSourceBadResponse, match="entry ids must ascend after 4; 4 does not"):
        source_for(site).fetch("shop", "1", after_id="4", limit=10)


def test_a_30_mb_reply_stops_at_the_cap_and_a_100k_value_comes_whole(site: FakeGravityForms) -> None:
    site.fail_next(Fault(status=200, body=b'{"total_count": 1, "entries": ["' + b"x" * 30_000_000 + b'"]}'))
    with pytest.raises(FormSourceBadResponse, match="the response is larger than 20,000,000 bytes"):
        source_for(site).fetch("shop", "1", after_id=None, limit=10)
    site.add(1, person(1, **{"5": "é" * 100_000}))
    [got] = source_for(site).fetch("shop", "1", after_id=None, limit=10).submissions
    assert got.fields["Message"] == "é" * 100_000


def test_check_reaches_the_site_with_the_kinds_own_request(site: FakeGravityForms) -> None:
    config = WordPressSite("shop", site.url, KEY, SECRET, {"1": {}}, kind=SiteKind.GRAVITYFORMS)
    probe = wordpress_probe(config)
    assert probe.ok, probe.detail
    assert [(r.form_id, r.query["paging[page_size]"]) for r in site.seen] == [("forms/1/entries", "1")]
    site.api_enabled = False
    assert wordpress_probe(config).detail.startswith("Gravity Forms' REST API is not enabled")
