"""Entries of Formidable forms through its API add-on, served to the sync oldest first after a cursor.

The API cannot filter by id: it pages through a form's entries by offset. So the first fetch of a
run walks the pages newest first (`order=desc`, 100 a page) until it meets an id at or below the
cursor, or the last page, and keeps what it read (RunListings); the sync's next fetches, each after the
last id served, are answered from it without asking the site again. A fetch from any other position
walks anew, so a walk left over from an interrupted run is never served out of place.

An entry arriving during a walk pushes the pages down by one: its neighbour is read twice and kept
once. An entry deleted during a walk pulls them up, and one may go unread: the next run's reread
(REREAD_IDS behind the cursor) finds it.
"""

from __future__ import annotations

from collections.abc import Iterable

from leadsmanager.adapters.form_sources.client import SiteClient
from leadsmanager.adapters.form_sources.entries import OffContract, bad_response
from leadsmanager.adapters.form_sources.formidable.payload import API, parse_page
from leadsmanager.adapters.form_sources.http import KnownRefusals, kind_refusal
from leadsmanager.adapters.form_sources.listing import RunListings
from leadsmanager.adapters.form_sources.site import WordPressSite, site_to_fetch
from leadsmanager.application.ports import FormSource
from leadsmanager.application.sync_types import (
    FormSourceAuthFailed,
    FormSourceBadResponse,
    RemoteSubmission,
    SubmissionPage,
)

API_PATH = "/wp-json/frm/v2"
PAGE_SIZE = 100
MAX_PAGE_BYTES = 20_000_000  # as for Gravity Forms: a hundred entries with long answers fit well below
REFUSALS: KnownRefusals = {
    (401, "invalid_username"): (
        FormSourceAuthFailed,
        "WordPress knows no such user: set {settings}USER to a user name, or to the site's Formidable API key",
    ),
    (403, "rest_forbidden_context"): (
        FormSourceAuthFailed,
        "Formidable refused: give the user in {settings}USER the frm_view_entries capability (and "
        "frm_view_forms to list fields), or set {settings}USER to the site's Formidable API key",
    ),
    (404, "rest_no_route"): (
        FormSourceBadResponse,
        "Formidable's API is not there: activate the Formidable API add-on, and choose a permalink "
        "structure other than 'Plain' in Settings → Permalinks",
    ),
}
refused = kind_refusal(REFUSALS)


class FormidableSource(FormSource):
    def __init__(
        self, sites: Iterable[WordPressSite], *, client: SiteClient, listings: RunListings | None = None
    ) -> None:
        self._sites = {site.name: site for site in sites}
        self._client = client
        self._listings = listings or RunListings()

    def fetch(self, site: str, form_id: str, *, after_id: str | None, limit: int) -> SubmissionPage:
        config = site_to_fetch(self._sites, site, form_id, after_id=after_id, limit=limit)
        return self._listings.page((site, form_id), after_id, limit, lambda: self._walk(config, form_id, after_id))

    def _walk(self, site: WordPressSite, form_id: str, after_id: str | None) -> list[RemoteSubmission]:
        floor = -1 if after_id is None else int(after_id)
        newer: dict[int, RemoteSubmission] = {}
        number = 1
        while True:
            entries = self._page(site, form_id, number)
            try:
                reached = _take(entries, newer, floor, number)
            except OffContract as e:
                raise bad_response(API, e, site=site.name, form_id=form_id) from None
            if reached or len(entries) < PAGE_SIZE:
                return sorted(newer.values(), key=lambda s: int(s.id))
            number += 1

    def _page(self, site: WordPressSite, form_id: str, number: int) -> list[RemoteSubmission]:
        url = f"{site.base_url}{API_PATH}/forms/{form_id}/entries"
        query = {"order_by": "id", "order": "desc", "page_size": str(PAGE_SIZE), "page": str(number)}
        reply = self._client.get(site, form_id, url, query, refused=refused, max_bytes=MAX_PAGE_BYTES)
        return parse_page(reply.body, site=site.name, form_id=form_id)


def _take(entries: list[RemoteSubmission], newer: dict[int, RemoteSubmission], floor: int, number: int) -> bool:
    """Adds a page's entries above `floor` to `newer`; True once the page reaches `floor`. Ids must
    descend: one above the lowest read so far, not read before, means the order broke."""
    lowest = min(newer, default=None)
    added = 0
    for entry in entries:
        row = int(entry.id)
        if row in newer:  # pushed down from the page before by an entry that arrived meanwhile
            continue
        if lowest is not None and row > lowest:
            raise OffContract(f"ids must descend; page {number} goes back up to {row} after {lowest}")
        if row <= floor:
            return True
        newer[row], lowest, added = entry, row, added + 1
    if entries and not added:
        raise OffContract(f"page {number} repeats the entries before it: the site seems to ignore paging")
    return False
