"""Entries of Gravity Forms forms through its REST API v2, after a cursor, oldest first.

One request a page, as Gravity Forms documents it: entries whose id is above the cursor (a numeric
field filter), sorted by id ascending, with the form's labels. `total_count` counts every entry the
search matches, so there are more while it exceeds what a page holds; the next page searches after the
last id read, never by offset, so entries arriving meanwhile cannot shift a page.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from urllib.parse import quote

from leadsmanager.adapters.form_sources.client import SiteClient
from leadsmanager.adapters.form_sources.gravityforms.payload import parse_page
from leadsmanager.adapters.form_sources.http import KnownRefusals, kind_refusal
from leadsmanager.adapters.form_sources.site import WordPressSite, site_to_fetch
from leadsmanager.application.ports import FormSource
from leadsmanager.application.sync_types import (
    FormSourceAuthFailed,
    FormSourceBadResponse,
    FormSourceError,
    SubmissionPage,
)

API_PATH = "/wp-json/gf/v2"
MAX_PAGE = 100
# A hundred entries with long answers fit well below this; past it, a clear error rather than a guess.
MAX_PAGE_BYTES = 20_000_000
REFUSALS: KnownRefusals = {
    (401, "gform_rest_authentication_error"): (
        FormSourceAuthFailed,
        "Gravity Forms refused the credentials: set {settings}USER and {settings}PASSWORD to a key pair "
        "of Forms → Settings → REST API (ck_… and cs_…), or to a user and one of its application passwords",
    ),
    (403, "rest_forbidden"): (
        FormSourceAuthFailed,
        "the user may not read this: give it the gravityforms_view_entries capability (and "
        "gravityforms_edit_forms to list forms), or use the key pair of a user who has them",
    ),
    (404, "rest_no_route"): (
        FormSourceBadResponse,
        "Gravity Forms' REST API is not enabled: tick 'Enable access to the API' in Forms → Settings → REST API",
    ),
}
refused = kind_refusal(REFUSALS)


def entries_query(after_id: str | None, page_size: int) -> dict[str, str]:
    """The search Gravity Forms documents: ids above the cursor, compared as numbers, ascending."""
    after = {"key": "id", "operator": ">", "value": after_id or "0", "is_numeric": True}
    return {
        "search": json.dumps({"field_filters": [after]}, separators=(",", ":")),
        "sorting[key]": "id",
        "sorting[direction]": "ASC",
        "paging[page_size]": str(page_size),
        "_labels": "1",
    }


class GravityFormsSource(FormSource):
    def __init__(self, sites: Iterable[WordPressSite], *, client: SiteClient) -> None:
        self._sites = {site.name: site for site in sites}
        self._client = client

    def fetch(self, site: str, form_id: str, *, after_id: str | None, limit: int) -> SubmissionPage:
        config = site_to_fetch(self._sites, site, form_id, after_id=after_id, limit=limit)
        if not (form_id.isascii() and form_id.isdigit()):
            why = "Gravity Forms form ids are numbers: see them with `leadsmanager sync --discover`"
            raise FormSourceError(why, site=site, form_id=form_id)
        url = f"{config.base_url}{API_PATH}/forms/{quote(form_id, safe='')}/entries"
        query = entries_query(after_id, min(limit, MAX_PAGE))
        reply = self._client.get(config, form_id, url, query, refused=refused, max_bytes=MAX_PAGE_BYTES)
        mapped = config.forms.get(form_id, {}).keys()
        return parse_page(reply.body, site=site, form_id=form_id, after_id=after_id, mapped=mapped)
