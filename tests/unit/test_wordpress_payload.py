"""Reading the plugin's JSON: strict about the envelope and ids, lenient about what people filled in."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from leadsmanager.adapters.form_sources.plugin_payload import parse_page
from leadsmanager.adapters.http_retry import retry_after_seconds
from leadsmanager.application.sync_types import FormSourceBadResponse, SubmissionPage

ONE = {"id": "1", "created_at": "2026-03-01T09:00:00Z", "fields": {"your-name": "Ana"}}


def page(*submissions: Any, has_more: Any = False, after_id: str | None = None) -> SubmissionPage:
    body = json.dumps({"submissions": list(submissions), "has_more": has_more}).encode()
    return parse_page(body, site="shop", form_id="contact", after_id=after_id)


def with_(**changes: Any) -> dict[str, Any]:
    return {**ONE, **changes}


def without(key: str) -> dict[str, Any]:
    return {k: v for k, v in ONE.items() if k != key}


@pytest.mark.parametrize(
    "body",
    [b"", b"not json", b"\xff\xfe", b"[]", b'"text"', b'{"has_more": false}', b'{"submissions": []}', b"[" * 100_000],
)
def test_a_body_off_the_envelope_is_a_bad_response(body: bytes) -> None:
    with pytest.raises(FormSourceBadResponse, match=r"^site 'shop', form 'contact': the response breaks"):
        parse_page(body, site="shop", form_id="contact", after_id=None)


@pytest.mark.parametrize(
    ("submission", "why"),
    [
        ("a string", "not a JSON object"),
        (without("id"), "'id' is missing"),
        (with_(id=None), "'id' is missing"),
        (with_(id=True), "not a decimal"),
        (with_(id=-1), "not a decimal"),
        (with_(id=1.5), "not a decimal"),
        (with_(id="12a"), "not a decimal"),
        (with_(id="1" * 21), "not a decimal"),
        (without("created_at"), "'created_at' is missing"),
        (with_(created_at=1772355600), "should be an ISO-8601 string"),
        (with_(created_at="yesterday"), "is not ISO-8601"),
        (with_(created_at="2026-03-01T09:00:00"), "has no UTC offset"),
        (with_(created_at="0001-01-01T00:00:00+02:00"), "is out of range"),
        (with_(created_at="9999-12-31T23:59:59-01:00"), "is out of range"),
        (without("fields"), "'fields' is missing"),
        (with_(fields=["Ana"]), "should be a JSON object"),
        (with_(fields={"age": 42}), "field 'age' should be a string, not int"),
        (with_(fields={"services": ["a", "b"]}), "not list"),
    ],
)
def test_a_submission_off_the_contract_is_a_bad_response_naming_it(submission: Any, why: str) -> None:
    with pytest.raises(FormSourceBadResponse, match="submission #2") as caught:
        page(ONE, submission)
    assert why in str(caught.value)


@pytest.mark.parametrize("has_more", [None, "false", 0])
def test_has_more_must_be_a_boolean(has_more: Any) -> None:
    with pytest.raises(FormSourceBadResponse, match="'has_more' should be true or false"):
        page(ONE, has_more=has_more)


@pytest.mark.parametrize(("ids", "after_id"), [(["2", "1"], None), (["1", "1"], None), (["3"], "3"), (["2"], "10")])
def test_ids_that_do_not_ascend_past_the_cursor_are_refused(ids: list[str], after_id: str | None) -> None:
    with pytest.raises(FormSourceBadResponse, match="ids must ascend"):
        page(*(with_(id=i) for i in ids), after_id=after_id)


def test_more_promised_on_an_empty_page_is_refused_as_it_would_never_end() -> None:
    with pytest.raises(FormSourceBadResponse, match="has_more is true on an empty page"):
        page(has_more=True)


def test_ids_as_numbers_or_padded_strings_become_one_canonical_text() -> None:
    assert [s.id for s in page(with_(id=7), with_(id="0012")).submissions] == ["7", "12"]


def test_times_with_any_offset_come_back_in_utc() -> None:
    [submission] = page(with_(created_at="2026-03-01T11:30:00+02:00")).submissions
    assert submission.created_at == datetime(2026, 3, 1, 9, 30, tzinfo=UTC)


def test_null_fields_count_as_not_filled_in_and_unknown_keys_are_ignored() -> None:
    got = page(with_(fields={"your-name": "Ana", "phone": None}, status="read"), has_more=True)
    assert got.submissions[0].fields == {"your-name": "Ana"}
    assert (got.has_more, got.next_after_id) == (True, "1")


def accepted(body: bytes, after_id: str | None) -> SubmissionPage | None:
    """The page if the body was accepted, then holding what the sync relies on; None if refused as it should be."""
    try:
        got = parse_page(body, site="shop", form_id="contact", after_id=after_id)
    except FormSourceBadResponse:
        return None
    numbers = [int(after_id or -1)] + [int(s.id) for s in got.submissions]
    assert numbers == sorted(set(numbers))
    assert all(isinstance(v, str) for s in got.submissions for v in s.fields.values())
    assert got.has_more <= bool(got.submissions)
    return got


@given(st.binary(max_size=300))
def test_any_bytes_give_a_page_or_a_bad_response(body: bytes) -> None:
    accepted(body, after_id=None)


JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=20),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=10), inner, max_size=4),
    max_leaves=20,
)
ANYTHING_GOES = st.fixed_dictionaries(
    {"submissions": st.lists(st.fixed_dictionaries({}, optional={"id": JSON, "created_at": JSON, "fields": JSON}))},
    optional={"has_more": JSON},
)
WELL_FORMED = st.builds(
    lambda ids, times, fields, has_more: {
        "submissions": [
            {"id": i if n % 2 else str(i), "created_at": t.isoformat(), "fields": f}
            for n, (i, t, f) in enumerate(zip(ids, times, fields, strict=False))
        ],
        "has_more": has_more and bool(ids),
    },
    st.lists(st.integers(0, 10**12), unique=True, max_size=4).map(sorted),
    st.lists(st.datetimes(timezones=st.timezones()), min_size=4, max_size=4),
    st.lists(st.dictionaries(st.text(max_size=5), st.text(max_size=5) | st.none(), max_size=3), min_size=4, max_size=4),
    st.booleans(),
)
# Well-formed pages (exercising the invariants checked on what is accepted) and anything else.
ENVELOPE = WELL_FORMED | ANYTHING_GOES


@given(st.one_of(JSON, ENVELOPE))
def test_any_json_gives_a_page_or_a_bad_response(data: Any) -> None:
    accepted(json.dumps(data).encode(), after_id="3")
    accepted(json.dumps(data).encode(), after_id=None)


@pytest.mark.parametrize(
    ("header", "seconds"),
    [
        (None, None),
        ("", None),
        ("120", 120.0),
        (" 5 ", 5.0),
        ("soon", None),
        ("-3", None),
        ("Sun, 01 Mar 2026 09:01:00 GMT", 60.0),
        ("Sun, 01 Mar 2026 08:00:00 GMT", 0.0),
    ],
)
def test_retry_after_reads_seconds_or_an_http_date(header: str | None, seconds: float | None) -> None:
    now = datetime(2026, 3, 1, 9, 0, tzinfo=UTC).timestamp()
    assert retry_after_seconds(header, now=now) == seconds
