"""Can we reach the outside services, and do they take our credentials? Without sending anything real.

- WordPress: fetch one submission of the site's first form (the sync's own request, with a short timeout);
  for a kind that walks its entries newest first (Formidable), past the newest id there can be, so that
  one page answers instead of every page.
- Perfit: an empty `mail/send`; a valid key gets the documented validation error (400 with an error
  type), a bad one 401/403. Anything else (a 404 from a service that is gone, a proxy's page) is no
  sign of health.
- Slack: an empty payload; a live webhook answers 400 `no_text`, a revoked one 403/404/410.
Credentials travel in headers or are the URL itself: no detail here repeats them.
"""

from __future__ import annotations

import httpx

from leadsmanager.adapters.form_sources.by_kind import SitesFormSource
from leadsmanager.adapters.form_sources.site import SiteKind, WordPressSite
from leadsmanager.adapters.http_delivery import error_code
from leadsmanager.adapters.http_retry import RetryPolicy
from leadsmanager.adapters.perfit import SENDING_LIMIT
from leadsmanager.adapters.probes import Probe
from leadsmanager.application.parsing import MAX_ID
from leadsmanager.application.sync_types import FormSourceError

TIMEOUT = 3.0
QUICK = RetryPolicy(attempts=1, connect_timeout=TIMEOUT, read_timeout=TIMEOUT)
REFUSED = frozenset({401, 403, 404, 410})
# The error types Perfit documents for a request it read and found invalid (an empty one, here).
PERFIT_INVALID = frozenset({"bad_request", "validation_error"})
PROBE_AFTER = {SiteKind.FORMIDABLE: str(MAX_ID)}


def wordpress_probe(site: WordPressSite) -> Probe:
    name = f"wordpress:{site.name}"
    form_id = next(iter(site.forms))
    try:
        with SitesFormSource([site], policy=QUICK) as source:
            source.fetch(site.name, form_id, after_id=PROBE_AFTER.get(site.kind), limit=1)
    except FormSourceError as e:
        return Probe(name, False, e.detail)
    return Probe(name, True, f"{site.base_url} answers and accepts our credentials (form {form_id})")


def perfit_probe(base_url: str, api_key: str) -> Probe:
    url = base_url.rstrip("/") + "/mail/send"
    response = _post(url, {"Authorization": f"Bearer {api_key}"})
    if isinstance(response, str):
        return Probe("perfit", False, response)
    status, code = response.status_code, error_code(response)
    if status == 400 and code in PERFIT_INVALID:
        return Probe("perfit", True, f"{base_url} answers and accepts the API key (discontinued by Perfit)")
    if status in (401, 403):
        return Probe("perfit", False, f"the API key was refused (HTTP {status})")
    if status == SENDING_LIMIT:
        return Probe("perfit", False, "the account's sending limit is reached (HTTP 503)")
    return Probe("perfit", False, f"not Perfit's documented answer (HTTP {status}): the service may be gone")


def slack_probe(webhook_url: str) -> Probe:
    response = _post(webhook_url, {})
    if isinstance(response, str):
        return Probe("slack", False, response)
    status = response.status_code
    if status in REFUSED:
        return Probe("slack", False, f"the webhook was refused (HTTP {status}): it was revoked or is mistyped")
    if status >= 500:
        return Probe("slack", False, f"the service is failing (HTTP {status})")
    return Probe("slack", True, "the webhook answers")


def _post(url: str, headers: dict[str, str]) -> httpx.Response | str:
    """The answer to an empty JSON POST, or why there was none (without the URL: it may be the secret)."""
    try:
        with httpx.Client(timeout=TIMEOUT, follow_redirects=False) as client:
            return client.post(url, json={}, headers=headers)
    except httpx.TimeoutException:
        return f"no answer within {TIMEOUT:.0f} s"
    except httpx.HTTPError as e:
        return f"unreachable ({type(e).__name__})"
