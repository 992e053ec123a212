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
from attrs import Attribute, field, frozen

from leadsmanager.adapters.http_retry import SYNC_RETRY, RetryPolicy
from leadsmanager.adapters.wordpress_http import read_body, refusal
from leadsmanager.adapters.wordpress_payload import SUBMISSION_ID, parse_page
from leadsmanager.application.intake import LeadForm
from leadsmanager.application.intake.form_mapping import SyncedForm, check_site_name
from leadsmanager.application.ports import FormSource
from leadsmanager.application.sync_types import (
    FormSourceBadResponse,
    FormSourceError,
    FormSourceUnavailable,
    RemoteSubmission,
    SubmissionPage,
)
from leadsmanager.domain.errors import ValidationError

API_PATH = "/wp-json/leadsmanager/v1/forms/{form_id}/submissions"
MAX_PER_PAGE = 100  # the ceiling WordPress REST endpoints conventionally accept for per_page
LOOPBACK = frozenset({"localhost", "127.0.0.1", "::1"})


def _trimmed(url: str) -> str:
    return url.strip().rstrip("/")


def _check_base_url(site: WordPressSite, attribute: Attribute[str], value: str) -> None:
    """https only: WordPress itself refuses application passwords over plain http, except on loopback."""
    try:
        url = httpx.URL(value)
    except httpx.InvalidURL:
        url = httpx.URL()
    problem = ""
    if url.userinfo:  # the URL is not echoed: these would be the credentials
        problem = "must not contain a user or password; they have their own settings"
    elif url.scheme not in ("http", "https") or not url.host or url.query or url.fragment:
        problem = f"{value!r} is not an http(s) address of a WordPress site"
    elif url.scheme == "http" and url.host not in LOOPBACK:
        problem = f"{value!r} must use https: application passwords would travel in clear"
    if problem:
        raise ValidationError(f"WordPress site {site.name!r}: the URL {problem}", {"url": "invalid"})


def _check_secret(site: WordPressSite, attribute: Attribute[str], value: str) -> None:
    if not value.strip():
        raise ValidationError(f"WordPress site {site.name!r}: the {attribute.name} is empty", {attribute.name: "empty"})


@frozen
class WordPressSite:
    """A site to sync: where it is, how to log in, and per form id how its fields map to a lead's."""

    name: str = field(validator=check_site_name)
    base_url: str = field(converter=_trimmed, validator=_check_base_url)
    username: str = field(repr=False, validator=_check_secret)
    app_password: str = field(repr=False, validator=_check_secret)
    forms: Mapping[str, Mapping[str, str]] = field(factory=dict)
    # Signs pushed submissions (POST /api/v1/intake/wordpress/<site>); empty: the site only syncs.
    webhook_secret: str = field(default="", repr=False)

    def __attrs_post_init__(self) -> None:
        self.synced_forms()  # checks every form id and field mapping now, not at the first sync

    def synced_forms(self) -> tuple[SyncedForm, ...]:
        return tuple(SyncedForm(self.name, form_id, dict(fields)) for form_id, fields in self.forms.items())

    def lead_form(self, form_id: str, submission: RemoteSubmission) -> LeadForm:
        return SyncedForm(self.name, form_id, dict(self.forms.get(form_id, {}))).lead_form(submission)

    def submissions_url(self, form_id: str) -> str:
        return self.base_url + API_PATH.format(form_id=quote(form_id, safe=""))

    def auth(self) -> httpx.BasicAuth:
        return httpx.BasicAuth(self.username, self.app_password)


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
            with self._client.stream("GET", site.submissions_url(form_id), params=params, auth=site.auth()) as reply:
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
