"""The WordPress adapter against a real loopback server that misbehaves on purpose."""

from __future__ import annotations

import socket
import time
from collections.abc import Iterator

import pytest

from leadsmanager.adapters.form_sources.plugin import WordPressFormSource
from leadsmanager.adapters.form_sources.site import WordPressSite
from leadsmanager.application.sync_types import (
    FormSourceAuthFailed,
    FormSourceBadResponse,
    FormSourceError,
    FormSourceUnavailable,
)
from tests.integration.fake_wordpress import PASSWORD, USERNAME, FakeWordPress, Fault, quick_policy, site_for

FORM = "contact"
GOOD = {"id": 1, "created_at": "2026-03-01T09:00:00Z", "fields": {"your-name": "Ana"}}


@pytest.fixture
def wordpress() -> Iterator[FakeWordPress]:
    with FakeWordPress() as server:
        server.add(FORM, GOOD)
        yield server


@pytest.fixture
def sleeps() -> list[float]:
    return []


@pytest.fixture
def source(wordpress: FakeWordPress, sleeps: list[float]) -> Iterator[WordPressFormSource]:
    with WordPressFormSource([site_for(wordpress)], policy=quick_policy(sleeps)) as adapter:
        yield adapter


def fetch(source: WordPressFormSource, after_id: str | None = None) -> list[str]:
    return [s.id for s in source.fetch("shop", FORM, after_id=after_id, limit=10).submissions]


def failure(source: WordPressFormSource) -> FormSourceError:
    with pytest.raises(FormSourceError) as caught:
        fetch(source)
    return caught.value


def test_the_plugin_gets_basic_auth_and_the_paging_parameters(
    source: WordPressFormSource, wordpress: FakeWordPress
) -> None:
    fetch(source)
    fetch(source, after_id="1")
    assert [(s.form_id, s.query, s.authorised) for s in wordpress.seen] == [
        (FORM, {"per_page": "10"}, True),
        (FORM, {"per_page": "10", "after_id": "1"}, True),
    ]


def test_a_refused_password_is_reported_at_once_and_never_retried(
    wordpress: FakeWordPress, sleeps: list[float]
) -> None:
    with WordPressFormSource([site_for(wordpress, password="wrong pass")], policy=quick_policy(sleeps)) as adapter:
        error = failure(adapter)
    assert isinstance(error, FormSourceAuthFailed)
    assert "'shop'" in str(error) and "'contact'" in str(error) and "incorrect_password" in str(error)
    assert "wrong pass" not in str(error) and USERNAME not in str(error)
    assert (len(wordpress.seen), sleeps) == (1, [])


@pytest.mark.parametrize(("status", "kind"), [(403, FormSourceAuthFailed), (400, FormSourceBadResponse)])
def test_refusals_that_a_retry_cannot_fix_are_not_retried(
    source: WordPressFormSource, wordpress: FakeWordPress, status: int, kind: type[FormSourceError]
) -> None:
    wordpress.fail_next(Fault(status=status, body=b'{"code":"rest_forbidden"}'), times=5)
    assert isinstance(failure(source), kind)
    assert len(wordpress.seen) == 1


def test_an_unknown_form_is_not_retried(source: WordPressFormSource, wordpress: FakeWordPress) -> None:
    with pytest.raises(FormSourceBadResponse, match="plugin is not active"):
        source.fetch("shop", "quote", after_id=None, limit=10)
    assert len(wordpress.seen) == 1


def test_server_errors_are_retried_with_growing_waits_until_the_site_answers(
    source: WordPressFormSource, wordpress: FakeWordPress, sleeps: list[float]
) -> None:
    wordpress.fail_next(Fault(status=500), times=2)
    assert fetch(source) == ["1"]
    assert (len(wordpress.seen), sleeps) == (3, [0.01, 0.02])


def test_a_site_that_keeps_failing_is_given_up_on_after_the_bounded_attempts(
    source: WordPressFormSource, wordpress: FakeWordPress
) -> None:
    wordpress.fail_next(Fault(status=503), times=10)
    error = failure(source)
    assert isinstance(error, FormSourceUnavailable)
    assert "HTTP 503" in str(error) and "gave up after 3 attempts" in str(error)
    assert len(wordpress.seen) == 3


def test_rate_limiting_waits_as_long_as_the_site_asks(
    source: WordPressFormSource, wordpress: FakeWordPress, sleeps: list[float]
) -> None:
    wordpress.fail_next(Fault.rate_limited("2"))
    assert fetch(source) == ["1"]
    assert sleeps == [2.0]


def test_a_retry_after_beyond_the_bound_is_handed_back_instead_of_slept(
    source: WordPressFormSource, wordpress: FakeWordPress, sleeps: list[float]
) -> None:
    wordpress.fail_next(Fault.rate_limited("3600"))
    error = failure(source)
    assert isinstance(error, FormSourceUnavailable) and error.retry_after == 3600
    assert (len(wordpress.seen), sleeps) == (1, [])


def test_a_hanging_site_times_out_within_bounded_time(wordpress: FakeWordPress, sleeps: list[float]) -> None:
    wordpress.fail_next(Fault.hanging(10), times=2)
    policy = quick_policy(sleeps, attempts=2, read_timeout=0.2)
    started = time.monotonic()
    with WordPressFormSource([site_for(wordpress)], policy=policy) as adapter:
        error = failure(adapter)
    assert isinstance(error, FormSourceUnavailable) and "no answer in time" in str(error)
    assert time.monotonic() - started < 2.0
    assert len(wordpress.seen) == 2


def test_an_unreachable_site_is_unavailable(sleeps: list[float]) -> None:
    with socket.socket() as probe:  # a port nobody listens on once closed
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    site = WordPressSite("shop", f"http://127.0.0.1:{port}", USERNAME, PASSWORD, {FORM: {}})
    with WordPressFormSource([site], policy=quick_policy(sleeps)) as adapter:
        error = failure(adapter)
    assert isinstance(error, FormSourceUnavailable) and "unreachable" in str(error)
    assert len(sleeps) == 2


def test_malformed_json_is_a_bad_response_and_not_retried(
    source: WordPressFormSource, wordpress: FakeWordPress
) -> None:
    wordpress.fail_next(Fault.malformed())
    error = failure(source)
    assert isinstance(error, FormSourceBadResponse) and "not JSON" in str(error)
    assert len(wordpress.seen) == 1


def test_a_submission_without_an_id_is_a_bad_response(source: WordPressFormSource, wordpress: FakeWordPress) -> None:
    wordpress.add(FORM, {"created_at": "2026-03-01T10:00:00Z", "fields": {}})
    with pytest.raises(FormSourceBadResponse, match="submission #2: 'id' is missing"):
        fetch(source)


def test_a_submission_missing_a_field_others_have_is_fine(
    source: WordPressFormSource, wordpress: FakeWordPress
) -> None:
    wordpress.add(FORM, {"id": "2", "created_at": "2026-03-01T10:00:00+00:00", "fields": {"your-email": "b@x.org"}})
    page = source.fetch("shop", FORM, after_id=None, limit=10)
    assert [s.fields for s in page.submissions] == [{"your-name": "Ana"}, {"your-email": "b@x.org"}]


def test_credentials_stay_out_of_every_repr(source: WordPressFormSource, wordpress: FakeWordPress) -> None:
    site = site_for(wordpress)
    for text in (repr(site), str(site), repr(source)):
        assert PASSWORD not in text and USERNAME not in text
