"""The parsers of outside text: whatever arrives, a value or a ValidationError naming the field."""

from __future__ import annotations

import base64
import json
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from leadsmanager.application.parsing import (
    MAX_ID,
    calendar_day,
    entity_tag,
    instant,
    json_document,
    nesting,
    whole_number,
)
from leadsmanager.application.queries import Cursor
from leadsmanager.domain.errors import ValidationError

ASCII_DIGITS = st.text(alphabet="0123456789", min_size=1, max_size=30)
JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(), inner, max_size=4),
    max_leaves=20,
)


def refused(parse: Callable[[], object], field: str) -> ValidationError:
    with pytest.raises(ValidationError) as raised:
        parse()
    assert field in raised.value.fields
    return raised.value


@given(st.text(), st.integers(0, 1000), st.integers(0, 10**20))
def test_a_whole_number_is_exactly_ascii_digits_in_range(text: str, low: int, span: int) -> None:
    high = low + span
    wanted = text.isascii() and text.isdigit() and low <= int(text) <= high
    try:
        assert whole_number(text, "n", minimum=low, maximum=high) == int(text)
        assert wanted
    except ValidationError as e:
        assert not wanted and e.fields == {"n": e.fields["n"]}


@given(ASCII_DIGITS, st.integers(0, 10**6))
def test_every_ascii_digit_string_in_range_is_read_as_its_value(digits: str, maximum: int) -> None:
    if int(digits) <= maximum:
        assert whole_number(digits, "n", maximum=maximum) == int(digits)
    else:
        refused(lambda: whole_number(digits, "n", maximum=maximum), "n")


@pytest.mark.parametrize(
    "text", ["²", "\u0663", "\uff11", "1²", "", " 1", "1 ", "+1", "-1", "1_000", "1.0", "9" * 5000]
)
def test_what_python_would_take_for_a_number_is_refused(text: str) -> None:
    refused(lambda: whole_number(text, "limit"), "limit")


def test_the_default_range_is_what_an_id_column_holds() -> None:
    assert whole_number(str(MAX_ID), "id") == MAX_ID
    assert whole_number("000" + str(MAX_ID), "id") == MAX_ID
    refused(lambda: whole_number(str(MAX_ID + 1), "id"), "id")


@given(st.text())
def test_a_calendar_day_is_a_date_or_a_validation_error(text: str) -> None:
    try:
        day = calendar_day(text, "to")
    except ValidationError as e:
        assert set(e.fields) == {"to"}
    else:
        assert day.isoformat() == text and day < date.max


@given(st.dates(max_value=date.max - timedelta(days=1)))
def test_every_day_with_a_next_day_is_read(day: date) -> None:
    assert calendar_day(day.isoformat(), "from") == day


@pytest.mark.parametrize(
    "text", ["9999-12-31", "2026-02-30", "0000-01-01", "20260301", "2026-W09-1", "\uff12\uff10\uff12\uff16-03-01"]
)
def test_days_without_a_next_day_and_other_spellings_are_refused(text: str) -> None:
    refused(lambda: calendar_day(text, "to"), "to")


@given(st.text(max_size=60))
def test_an_entity_tag_is_a_version_or_a_validation_error(text: str) -> None:
    try:
        version = entity_tag(text)
    except ValidationError as e:
        assert set(e.fields) == {"If-Match"}
    else:
        assert str(version) in text


def test_an_entity_tag_reads_the_tags_this_api_writes_and_refuses_long_ones() -> None:
    assert [entity_tag(t) for t in ('"3"', 'W/"3"', "3", ' "12" ')] == [3, 3, 3, 12]
    refused(lambda: entity_tag('"' + "1" * 5000 + '"'), "If-Match")
    refused(lambda: entity_tag('"²"'), "If-Match")


@given(st.text())
def test_any_text_is_a_json_document_or_a_validation_error(text: str) -> None:
    try:
        json_document(text)
    except ValidationError as e:
        assert set(e.fields) == {"body"}


@given(st.binary())
def test_any_bytes_are_a_json_document_or_a_validation_error(raw: bytes) -> None:
    try:
        json_document(raw)
    except ValidationError as e:
        assert set(e.fields) == {"body"}


@given(JSON_VALUES)
def test_json_within_the_depth_reads_as_the_standard_library_reads_it(value: object) -> None:
    text = json.dumps(value)
    assert json_document(text.encode()) == json.loads(text)


@pytest.mark.parametrize(("opening", "closing"), [("[", "]"), ('{"a":', "}")])
def test_json_nested_deeper_than_allowed_is_refused_without_a_recursion_error(opening: str, closing: str) -> None:
    deep = opening * 100_000 + "1" + closing * 100_000
    error = refused(lambda: json_document(deep.encode()), "body")
    assert "deep" in str(error)
    assert json_document("[" * 64 + "]" * 64) is not None
    refused(lambda: json_document("[" * 65 + "]" * 65), "body")


def test_brackets_inside_strings_do_not_count_as_nesting() -> None:
    assert nesting('{"a": "[[[[{{{{", "b": "\\"[["}') == 1
    assert json_document('["' + "[" * 1000 + '"]') == ["[" * 1000]
    assert nesting('"\\"' * 100_000) == 0  # an unterminated string is read once, to its end


def test_a_cursor_this_product_writes_reads_back() -> None:
    written = Cursor(datetime(2026, 3, 1, 9, tzinfo=UTC), 5, 40)
    assert Cursor.decode(written.encode()) == written


@pytest.mark.parametrize(
    "token",
    [
        Cursor(datetime(2026, 3, 1, 9), 5).encode(),  # a naive time compares with no stored one
        base64.urlsafe_b64encode("2026-03-01T09:00:00+00:00|\u0665".encode()).decode(),  # Arabic-Indic five
        base64.urlsafe_b64encode("2026-03-01T09:00:00+00:00|5|²".encode()).decode(),
        "not base64!",
        "",
    ],
)
def test_a_cursor_with_a_naive_time_or_odd_digits_is_refused(token: str) -> None:
    refused(lambda: Cursor.decode(token), "cursor")


@given(st.text())
def test_any_text_is_a_cursor_or_a_validation_error(token: str) -> None:
    try:
        cursor = Cursor.decode(token)
    except ValidationError as e:
        assert set(e.fields) == {"cursor"}
    else:
        assert cursor.created_at.tzinfo is not None


@given(st.text(max_size=40))
def test_any_text_is_an_instant_or_a_validation_error_saying_why(text: str) -> None:
    try:
        at = instant(text, "at")
    except ValidationError as e:
        assert e.fields["at"] in ("not ISO 8601", "no UTC offset", "out of range")
    else:
        assert at.tzinfo is UTC


@given(st.datetimes(timezones=st.just(UTC)))
def test_every_utc_time_written_in_iso_8601_reads_back(at: datetime) -> None:
    assert instant(at.isoformat(), "at") == at


@pytest.mark.parametrize(
    ("text", "why"),
    [
        ("2025-03-01T10:00:00", "no UTC offset"),
        ("0001-01-01T00:00:00+01:00", "out of range"),
        ("yesterday", "not ISO 8601"),
    ],
)
def test_a_naive_time_an_unreachable_one_and_prose_are_refused(text: str, why: str) -> None:
    with pytest.raises(ValidationError) as refused:
        instant(text, "at")
    assert refused.value.fields == {"at": why}
