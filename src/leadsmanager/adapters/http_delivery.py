"""POSTing a notification to an HTTP service, with a few quick retries for passing failures.

Retries stay small because a task queue retries later anyway: at most `attempts` tries, waits
capped at `max_wait` seconds. A `Retry-After` longer than that is not slept on here; it is handed
back in the RetryableDeliveryError so the queue can wait instead of blocking a worker.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from typing import Any

import httpx
from attrs import frozen

from leadsmanager.adapters.http_retry import RetryPolicy, retry_after_seconds
from leadsmanager.application.notification_types import PermanentDeliveryError, RetryableDeliveryError
from leadsmanager.application.parsing import json_document
from leadsmanager.domain.errors import ValidationError

_CODE = re.compile(r"[a-z][a-z0-9_]{0,59}")


@frozen
class Failure:
    """Why one try failed: `error` to raise if it was the last, `wait` before the next, if any."""

    error: RetryableDeliveryError | PermanentDeliveryError
    wait: float | None = None
    cause: Exception | None = None


def post_json(
    client: httpx.Client | None,
    url: str,
    payload: Mapping[str, Any],
    *,
    service: str,
    policy: RetryPolicy,
    headers: Mapping[str, str] | None = None,
    failure_of: Callable[[httpx.Response], Failure] | None = None,
) -> httpx.Response:
    """The response to the first try that succeeded, or the error of the last one; `failure_of` reads
    an error answer the service's own way (default: `classify`)."""
    with _client(client, policy) as http:
        for attempt in range(1, policy.attempts + 1):
            try:
                response = http.post(url, json=payload, headers=headers)
            except httpx.HTTPError as e:
                failure = no_answer(e, service=service)
            else:
                if response.is_success:
                    return response
                failure = failure_of(response) if failure_of else classify(response, service=service)
            retryable = isinstance(failure.error, RetryableDeliveryError)
            wait = policy.wait(attempt, retryable=retryable, retry_after=failure.wait)
            if wait is None:
                raise failure.error from failure.cause
            policy.sleep(wait)
    raise AssertionError("unreachable")


def no_answer(error: httpx.HTTPError, *, service: str) -> Failure:
    """No HTTP answer. Only the error's class is named: some carry the URL, and a webhook URL is a secret."""
    reason = type(error).__name__
    if isinstance(error, httpx.UnsupportedProtocol):
        return Failure(PermanentDeliveryError(f"{service} URL is not http(s) ({reason})", service=service), cause=error)
    # Connect, read and timeout errors: the service may be back in a moment.
    return Failure(RetryableDeliveryError(f"{service} did not answer ({reason})", service=service), cause=error)


def classify(response: httpx.Response, *, service: str) -> Failure:
    status = response.status_code
    if status == 429:
        retry_after = retry_after_seconds(response.headers.get("Retry-After"))
        error = RetryableDeliveryError(
            f"{service} is rate limiting us (HTTP 429)", service=service, retry_after=retry_after
        )
        return Failure(error, wait=retry_after)
    if status >= 500 or status == 408:
        return Failure(RetryableDeliveryError(f"{service} failed (HTTP {status})", service=service))
    reason = error_code(response)
    suffix = f": {reason}" if reason else ""
    return Failure(PermanentDeliveryError(f"{service} refused the request (HTTP {status}{suffix})", service=service))


def error_code(response: httpx.Response) -> str:
    """A short machine code from the body (Perfit's error.type, Slack's plain-text code), or ''.

    Only a code shape is kept: free text in an error body might echo back something private.
    """
    text = response.text.strip()
    try:
        body = json_document(text)
    except ValidationError:
        body = None
    if isinstance(body, dict) and isinstance(body.get("error"), dict):
        text = str(body["error"].get("type", ""))
    return text if _CODE.fullmatch(text) else ""


@contextmanager
def _client(client: httpx.Client | None, policy: RetryPolicy) -> Iterator[httpx.Client]:
    """The caller's client (kept open for reuse), or one for this delivery only."""
    if client is not None:
        yield client
        return
    with httpx.Client(timeout=policy.timeout()) as own:
        yield own
