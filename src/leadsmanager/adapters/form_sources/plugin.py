"""Form submissions from WordPress sites running the LeadsManager plugin (contract: docs/wordpress-plugin.md).

A few quick retries cover a site that hiccups (timeouts, dropped connections, 5xx, 429); the sync runs
again later anyway, so waits stay bounded and a long Retry-After is handed back instead of slept on.
Credentials travel only in the Authorization header: never in a URL, a repr or an error message.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from types import TracebackType
from urllib.parse import quote

import httpx

from leadsmanager.adapters.form_sources.http import read_body, refusal
from leadsmanager.adapters.form_sources.plugin_payload import SUBMISSION_ID, parse_page
from leadsmanager.adapters.form_sources.site import WordPressSite
from leadsmanager.adapters.http_retry import SYNC_RETRY, RetryPolicy
from leadsmanager.application.ports import FormSource
from leadsmanager.application.sync_types import (
    FormSourceBadResponse,
    FormSourceError,
    FormSourceUnavailable,
    SubmissionPage,
)

API_PATH = "/wp-json/leadsmanager/v1/forms/{form_id}/submissions"
MAX_PER_PAGE = 100  # the ceiling WordPress REST endpoints conventionally accept for per_page


class WordPressFormSource(FormSource):
    def __init__(self, sites: Iterable[WordPressSite], *, policy: RetryPolicy | None = None) -> None:
        self._sites = {site.name: site for site in sites}
        self._policy = policy or SYNC_RETRY
        timeout = self._policy.timeout()
        headers = {"Accept": "application/json", "User-Agent": "LeadsManager-sync/1"}
        # Redirects are not followed: a moved site is a configuration change, not something to guess.
        self._client = httpx.Client(timeout=timeout, headers=headers, follow_redirects=False)

    def __enter__(self) -> WordPressFormSource:
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()

    def close(self) -> None:
        self._client.close()

    def fetch(self, site: str, form_id: str, *, after_id: str | None, limit: int) -> SubmissionPage:
        if limit < 1 or (after_id is not None and not SUBMISSION_ID.fullmatch(after_id)):
            raise ValueError("limit must be at least 1 and after_id an id this source returned")
        config = self._sites.get(site)
        if config is None:
            raise FormSourceError("no WordPress site of that name is configured", site=site, form_id=form_id)
        params = {"per_page": str(min(limit, MAX_PER_PAGE))}
        if after_id is not None:
            params["after_id"] = after_id
        body = self._get(config, form_id, params)
        return parse_page(body, site=site, form_id=form_id, after_id=after_id)

    def _get(self, site: WordPressSite, form_id: str, params: Mapping[str, str]) -> bytes:
        for attempt in range(1, self._policy.attempts + 1):
            outcome = self._try(site, form_id, params)
            if isinstance(outcome, bytes):
                return outcome
            unavailable = isinstance(outcome, FormSourceUnavailable)
            retry_after = outcome.retry_after if isinstance(outcome, FormSourceUnavailable) else None
            wait = self._policy.wait(attempt, retryable=unavailable, retry_after=retry_after)
            if wait is None:
                raise _after(outcome, attempt)
            self._policy.sleep(wait)
        raise AssertionError("unreachable")

    def _try(self, site: WordPressSite, form_id: str, params: Mapping[str, str]) -> bytes | FormSourceError:
        name = site.name
        try:
            with self._client.stream("GET", _submissions_url(site, form_id), params=params, auth=site.auth()) as reply:
                if reply.status_code != 200:
                    return refusal(reply, site=name, form_id=form_id)
                return read_body(reply, site=name, form_id=form_id)
        except httpx.TimeoutException as e:
            why = f"no answer in time ({type(e).__name__})"
            return _caused(FormSourceUnavailable(why, site=name, form_id=form_id), e)
        except httpx.TransportError as e:  # refused, reset, DNS: the site may be back in a moment
            why = f"unreachable ({type(e).__name__}: {e})"
            return _caused(FormSourceUnavailable(why, site=name, form_id=form_id), e)
        except httpx.HTTPError as e:
            why = f"unreadable response ({type(e).__name__})"
            return _caused(FormSourceBadResponse(why, site=name, form_id=form_id), e)


def _submissions_url(site: WordPressSite, form_id: str) -> str:
    return site.base_url + API_PATH.format(form_id=quote(form_id, safe=""))


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
