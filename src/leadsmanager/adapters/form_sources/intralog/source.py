"""Form submissions from INTRALOG's "Custom Form API" plugin (site kind `intralog-legacy`; docs/form-sources.md).

`GET {url}/wp-json/custom/v1/form-submissions/{form_id}` with Basic auth (an application password of a
user who may `edit_posts`) answers every entry of the form, in no guaranteed order, with no paging. So the
listing is fetched once per run and per form, filtered after the cursor and sorted here, and the run's
pages are served from it (RunListings).
"""

from __future__ import annotations

import re
from collections.abc import Iterable

import httpx

from leadsmanager.adapters.form_sources.client import SiteClient
from leadsmanager.adapters.form_sources.http import error_code
from leadsmanager.adapters.form_sources.intralog.payload import entries_after, is_empty_form, wordpress_code
from leadsmanager.adapters.form_sources.listing import Listing, RunListings
from leadsmanager.adapters.form_sources.site import WordPressSite, site_to_fetch
from leadsmanager.application.ports import FormSource
from leadsmanager.application.sync_types import (
    FormSourceAuthFailed,
    FormSourceBadResponse,
    FormSourceError,
    SubmissionPage,
)

API_PATH = "/wp-json/custom/v1/form-submissions/{form_id}"
# About 1,600 entries weigh well under 2 MB; past this the listing has outgrown a call that sends everything.
MAX_LISTING_BYTES = 20_000_000
FORM_ID = re.compile(r"[0-9]{1,20}")  # the plugin's route takes numeric Formidable form ids only
ANSWERED = frozenset({200, 404})


class IntralogFormSource(FormSource):
    def __init__(
        self, sites: Iterable[WordPressSite], *, client: SiteClient, listings: RunListings | None = None
    ) -> None:
        self._sites = {site.name: site for site in sites}
        self._client = client
        self._listings = listings or RunListings()

    def fetch(self, site: str, form_id: str, *, after_id: str | None, limit: int) -> SubmissionPage:
        config = site_to_fetch(self._sites, site, form_id, after_id=after_id, limit=limit)
        return self._listings.page((site, form_id), after_id, limit, lambda: self._listing(config, form_id, after_id))

    def _listing(self, site: WordPressSite, form_id: str, after_id: str | None) -> Listing:
        if not FORM_ID.fullmatch(form_id):
            why = "the Custom Form API reads forms by their numeric Formidable id: list that id in _FORMS"
            raise FormSourceBadResponse(why, site=site.name, form_id=form_id)
        url = site.base_url + API_PATH.format(form_id=form_id)
        reply = self._client.get(site, form_id, url, accept=ANSWERED, refused=_refused, max_bytes=MAX_LISTING_BYTES)
        if reply.status == 404:
            return _not_found(reply.body, site=site.name, form_id=form_id)
        after = -1 if after_id is None else int(after_id)
        return entries_after(reply.body, after, site=site.name, form_id=form_id)


def _not_found(body: bytes, *, site: str, form_id: str) -> Listing:
    """The plugin answers 404 for a form without entries; WordPress answers 404 when no plugin has the route."""
    if is_empty_form(body):
        return []
    if wordpress_code(body) == "rest_no_route":
        why = "the site has no Custom Form API route (HTTP 404 rest_no_route): is the plugin installed and active?"
    else:
        why = "HTTP 404 without the plugin's answer: check the site's URL"
    raise FormSourceBadResponse(why, site=site, form_id=form_id)


def _refused(reply: httpx.Response, site: str, form_id: str) -> FormSourceError | None:
    if reply.status_code not in (401, 403):
        return None
    code = error_code(reply)
    why = (
        f"the site refused our credentials (HTTP {reply.status_code}{', ' + code if code else ''}):"
        " check the user and application password, and that the user may edit posts (edit_posts)"
    )
    return FormSourceAuthFailed(why, site=site, form_id=form_id)
