"""Perfit and Slack adapters against a real HTTP server on loopback.

The retry behaviour is one contract, run against both HTTP adapters; the request shapes are
checked per service. Waits are recorded instead of slept, so the suite stays fast.
"""

from __future__ import annotations

import socket
from collections.abc import Callable, Iterator

import pytest

from leadsmanager.adapters.http_retry import RetryPolicy
from leadsmanager.adapters.mime import Sender
from leadsmanager.adapters.perfit import PerfitConfig, PerfitEmailSender
from leadsmanager.adapters.slack import SlackWebhookNotifier
from leadsmanager.application.notification_types import EmailMessage, PermanentDeliveryError, RetryableDeliveryError
from leadsmanager.domain.errors import ExternalServiceError
from tests.integration.fake_http import Answer, FakeHttpServer, running

API_KEY = "acme-k3yS3cr3tV4lu3"
WEBHOOK_PATH = "/services/T000/B000/s3cr3tW3bh00kT0k3n"
Deliver = Callable[[], None]


class Sleeps(list[float]):
    def __call__(self, seconds: float) -> None:
        self.append(seconds)


@pytest.fixture
def server() -> Iterator[FakeHttpServer]:
    with running() as fake:
        yield fake


@pytest.fixture
def sleeps() -> Sleeps:
    return Sleeps()


def policy(sleeps: Sleeps) -> RetryPolicy:
    return RetryPolicy(attempts=3, first_wait=0.01, max_wait=5.0, connect_timeout=2.0, read_timeout=2.0, sleep=sleeps)


def message() -> EmailMessage:
    return EmailMessage(
        to=["sales@example.com", "boss@example.com"], subject="New lead: Ana", text="Call her", html="<p>Call her</p>"
    )


def perfit(server: FakeHttpServer, sleeps: Sleeps) -> PerfitEmailSender:
    config = PerfitConfig(API_KEY, Sender("noreply@example.com", "Acme Leads"), base_url=server.url + "/v1")
    return PerfitEmailSender(config, retry=policy(sleeps))


def slack(server: FakeHttpServer, sleeps: Sleeps) -> SlackWebhookNotifier:
    return SlackWebhookNotifier(server.url + WEBHOOK_PATH, retry=policy(sleeps))


@pytest.fixture(params=["perfit", "slack"])
def deliver(request: pytest.FixtureRequest, server: FakeHttpServer, sleeps: Sleeps) -> Deliver:
    if request.param == "perfit":
        return lambda: perfit(server, sleeps).send(message())
    return lambda: slack(server, sleeps).post("New lead: Ana")


def test_perfit_sends_one_email_with_the_documented_request(server: FakeHttpServer, sleeps: Sleeps) -> None:
    server.default = Answer.json(202, {"success": True})
    perfit(server, sleeps).send(message())
    [received] = server.received
    assert (received.method, received.path) == ("POST", "/v1/mail/send")
    assert received.headers["authorization"] == f"Bearer {API_KEY}"
    assert received.headers["content-type"] == "application/json"
    body = received.json()
    assert body["from"] == {"email": "noreply@example.com", "name": "Acme Leads"}
    assert body["subject"] == "New lead: Ana"
    assert body["content"] == {"text": "Call her", "html": "<p>Call her</p>"}
    assert body["recipients"] == [{"to": {"email": "sales@example.com"}}, {"to": {"email": "boss@example.com"}}]


def test_perfit_saying_success_false_is_not_a_delivery(server: FakeHttpServer, sleeps: Sleeps) -> None:
    server.default = Answer.json(200, {"success": False})
    with pytest.raises(PermanentDeliveryError, match="without accepting"):
        perfit(server, sleeps).send(message())


def test_perfits_sending_limit_is_permanent_and_not_retried(server: FakeHttpServer, sleeps: Sleeps) -> None:
    server.default = Answer.json(503, {"success": False, "error": {"type": "service_unavailable"}})
    with pytest.raises(PermanentDeliveryError, match="sending limit is reached"):
        perfit(server, sleeps).send(message())
    assert len(server.received) == 1
    assert sleeps == []


def test_slack_sends_the_notices_idempotency_key(server: FakeHttpServer, sleeps: Sleeps) -> None:
    slack(server, sleeps).post("New lead: Ana", key="lead-7.new_lead")
    [received] = server.received
    assert received.headers["idempotency-key"] == "lead-7.new_lead"


def test_slack_posts_the_text_with_markup_escaped(server: FakeHttpServer, sleeps: Sleeps) -> None:
    slack(server, sleeps).post("New lead: Ana <!channel> & <https://evil.example|click>")
    [received] = server.received
    assert (received.method, received.path) == ("POST", WEBHOOK_PATH)
    assert received.headers["content-type"] == "application/json"
    assert received.json() == {"text": "New lead: Ana &lt;!channel&gt; &amp; &lt;https://evil.example|click&gt;"}


def test_success_is_sent_once(deliver: Deliver, server: FakeHttpServer, sleeps: Sleeps) -> None:
    deliver()
    assert len(server.received) == 1
    assert sleeps == []


@pytest.mark.parametrize(
    ("answer", "code"),
    [
        (Answer.json(400, {"success": False, "error": {"type": "validation_error"}}), "validation_error"),
        (Answer.json(401, {"success": False, "error": {"type": "unauthorized", "message": "bad key"}}), "unauthorized"),
        (Answer(404, "channel_not_found"), "channel_not_found"),
        (Answer(403, "<html>Forbidden: your IP 10.1.2.3</html>"), None),
    ],
)
def test_a_4xx_is_permanent_and_not_retried(
    deliver: Deliver, server: FakeHttpServer, sleeps: Sleeps, answer: Answer, code: str | None
) -> None:
    server.default = answer
    with pytest.raises(PermanentDeliveryError) as caught:
        deliver()
    assert len(server.received) == 1
    assert sleeps == []
    assert f"HTTP {answer.status}" in str(caught.value)
    if code:
        assert code in str(caught.value)
    else:  # free text in an error body is left out: it may echo something private
        assert "10.1.2.3" not in str(caught.value)


def test_a_5xx_is_retried_with_backoff_until_it_passes(
    deliver: Deliver, server: FakeHttpServer, sleeps: Sleeps
) -> None:
    server.answer(Answer(500, "oops"), Answer(502, "bad gateway"))
    deliver()
    assert len(server.received) == 3
    assert sleeps == [0.01, 0.02]


def test_a_5xx_that_persists_is_retryable_after_the_last_try(
    deliver: Deliver, server: FakeHttpServer, sleeps: Sleeps
) -> None:
    server.default = Answer(502, "bad gateway")
    with pytest.raises(RetryableDeliveryError, match="HTTP 502"):
        deliver()
    assert len(server.received) == 3


def test_a_429_waits_as_long_as_retry_after_says(deliver: Deliver, server: FakeHttpServer, sleeps: Sleeps) -> None:
    server.answer(Answer(429, "rate_limited", {"Retry-After": "2"}))
    deliver()
    assert len(server.received) == 2
    assert sleeps == [2.0]


def test_a_429_longer_than_the_cap_is_left_to_the_task_queue(
    deliver: Deliver, server: FakeHttpServer, sleeps: Sleeps
) -> None:
    server.default = Answer(429, "rate_limited", {"Retry-After": "120"})
    with pytest.raises(RetryableDeliveryError) as caught:
        deliver()
    assert caught.value.retry_after == 120.0
    assert len(server.received) == 1
    assert sleeps == []


def test_no_server_is_retryable(sleeps: Sleeps) -> None:
    with socket.socket() as probe:  # a port nobody listens on once this socket is closed
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    notifier = SlackWebhookNotifier(f"http://127.0.0.1:{port}{WEBHOOK_PATH}", retry=policy(sleeps))
    with pytest.raises(RetryableDeliveryError, match="did not answer") as caught:
        notifier.post("hello")
    assert len(sleeps) == 2
    assert WEBHOOK_PATH not in str(caught.value)


def test_errors_and_reprs_name_no_secret(server: FakeHttpServer, sleeps: Sleeps) -> None:
    server.default = Answer(401, "invalid_token")
    sender, notifier = perfit(server, sleeps), slack(server, sleeps)
    errors: list[ExternalServiceError] = []
    attempts: list[Deliver] = [lambda: sender.send(message()), lambda: notifier.post("hi")]
    for attempt in attempts:
        with pytest.raises(ExternalServiceError) as caught:
            attempt()
        errors.append(caught.value)
    shown = " ".join([*map(str, errors), *map(repr, errors), repr(sender), repr(notifier), repr(sender._config)])
    assert API_KEY not in shown
    assert "s3cr3tW3bh00kT0k3n" not in shown
