"""One HTTP GET to a site, as every kind of form source makes it: bounded retries, a capped body, typed errors.

A few quick retries cover a site that hiccups (timeouts, dropped connections, 5xx, 429); the sync runs
again later anyway, so waits stay bounded and a long Retry-After is handed back instead of slept on.
Credentials travel only in the Authorization header: never in a URL, a repr or an error message.
Redirects are not followed: a moved site is a configuration change, not something to guess.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from types import TracebackType

import httpx
from attrs import frozen

from leadsmanager.adapters.form_sources.http import MAX_BODY_BYTES, read_body, refusal
from leadsmanager.adapters.form_sources.site import WordPressSite
from leadsmanager.adapters.http_retry import SYNC_RETRY, RetryPolicy
from leadsmanager.application.sync_types import FormSourceBadResponse, FormSourceError, FormSourceUnavailable

# What a refused reply means for a kind: its own error (naming the fix), or None for the usual reading.
Refusal = Callable[[httpx.Response, str, str], FormSourceError | None]


@frozen
class _Request:
    site: WordPressSite
    form_id: str
    url: str
    params: Mapping[str, str]
    accept: frozenset[int]
    refused: Refusal | None
    max_bytes: int


@frozen
class Reply:
    """A reply the caller accepted: its status and its whole (decoded, capped) body."""

    status: int
    body: bytes


class SiteClient:
    """GETs to the configured sites over one connection pool; close it (or use `with`) when done."""

    def __init__(self, *, policy: RetryPolicy | None = None, user_agent: str = "LeadsManager-sync/1") -> None:
        self._policy = policy or SYNC_RETRY
        headers = {"Accept": "application/json", "User-Agent": user_agent}
        self._client = httpx.Client(timeout=self._policy.timeout(), headers=headers, follow_redirects=False)

    def __enter__(self) -> SiteClient:
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()

    def close(self) -> None:
        self._client.close()

    def get(
        self,
        site: WordPressSite,
        form_id: str,
        url: str,
        params: Mapping[str, str] | None = None,
        *,
        accept: frozenset[int] = frozenset({200}),
        refused: Refusal | None = None,
        max_bytes: int = MAX_BODY_BYTES,
    ) -> Reply:
        """The reply when its status is in `accept`; otherwise a FormSourceError, after retries when worth it.

        `refused` may read a refusal first (a kind's own 404 codes, say); returning None leaves it to
        the usual reading (401/403 credentials, 408/429/5xx retried, anything else a bad response).
        """
        request = _Request(site, form_id, url, params or {}, accept, refused, max_bytes)
        for attempt in range(1, self._policy.attempts + 1):
            outcome = self._try(request)
            if isinstance(outcome, Reply):
                return outcome
            unavailable = isinstance(outcome, FormSourceUnavailable)
            retry_after = outcome.retry_after if isinstance(outcome, FormSourceUnavailable) else None
            wait = self._policy.wait(attempt, retryable=unavailable, retry_after=retry_after)
            if wait is None:
                raise _after(outcome, attempt)
            self._policy.sleep(wait)
        raise AssertionError("unreachable")

    def _try(self, request: _Request) -> Reply | FormSourceError:
        name, form_id = request.site.name, request.form_id
        try:
            with self._client.stream("GET", request.url, params=request.params, auth=request.site.auth()) as reply:
                if reply.status_code not in request.accept:
                    error = request.refused(reply, name, form_id) if request.refused is not None else None
                    return error or refusal(reply, site=name, form_id=form_id)
                body = read_body(reply, site=name, form_id=form_id, limit=request.max_bytes)
                return body if isinstance(body, FormSourceError) else Reply(reply.status_code, body)
        except httpx.TimeoutException as e:
            why = f"no answer in time ({type(e).__name__})"
            return _caused(FormSourceUnavailable(why, site=name, form_id=form_id), e)
        except httpx.TransportError as e:  # refused, reset, DNS: the site may be back in a moment
            why = f"unreachable ({type(e).__name__}: {e})"
            return _caused(FormSourceUnavailable(why, site=name, form_id=form_id), e)
        except httpx.HTTPError as e:
            why = f"unreadable response ({type(e).__name__})"
            return _caused(FormSourceBadResponse(why, site=name, form_id=form_id), e)


def _after(error: FormSourceError, attempts: int) -> FormSourceError:
    """The last try's error; when the site was unavailable, saying how often it was tried."""
    if not isinstance(error, FormSourceUnavailable) or attempts == 1:
        return error
    detail = f"{error.detail}; gave up after {attempts} attempts"
    again = FormSourceUnavailable(detail, site=error.site, form_id=error.form_id, retry_after=error.retry_after)
    return _caused(again, error.__cause__)


def _caused(error: FormSourceError, cause: BaseException | None) -> FormSourceError:
    error.__cause__ = cause  # the library's error stays visible in tracebacks, as `raise ... from` would keep it
    return error
