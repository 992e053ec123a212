"""Pages served from a form's whole listing, for APIs that send every entry at once (or only newest first).

The sync reads a form page by page, each fetch resuming at the previous page's `next_after_id`. A source
whose API cannot page that way fetches the listing once, at the first page of a run, and serves the
following pages from it. A fetch that does not continue the held listing exactly (another run starting
behind its cursor), or comes after the listing sat unread for `idle` seconds, fetches afresh: reusing a
listing is only an economy, fetching again is always correct. A listing served to its end is let go.
"""

from __future__ import annotations

import bisect
import threading
import time
from collections.abc import Callable, Sequence

from attrs import frozen

from leadsmanager.application.sync_types import RemoteSubmission, SubmissionPage

IDLE_SECONDS = 60.0  # a run takes the next page as soon as it stored the last: a pause this long is another run
Listing = Sequence[RemoteSubmission]  # ascending by numeric id, each id once


@frozen
class _Held:
    submissions: Listing
    numbers: list[int]
    resume_at: str  # the next_after_id last served: the fetch that continues this run asks for it
    read_at: float


class RunListings:
    """Each form's listing, held while a run pages through it; safe to share between threads."""

    def __init__(self, *, idle: float = IDLE_SECONDS, clock: Callable[[], float] = time.monotonic) -> None:
        self._idle = idle
        self._clock = clock
        self._held: dict[tuple[str, str], _Held] = {}
        self._lock = threading.Lock()

    def page(
        self, form: tuple[str, str], after_id: str | None, limit: int, fetch: Callable[[], Listing]
    ) -> SubmissionPage:
        """Up to `limit` submissions after `after_id`; `fetch` (the whole listing after `after_id`, ascending)
        is called unless this continues a listing being served."""
        with self._lock:
            held = self._held.pop(form, None)
        now = self._clock()
        if held is None or held.resume_at != after_id or now - held.read_at > self._idle:
            submissions = fetch()
            held = _Held(submissions, [int(s.id) for s in submissions], after_id or "", now)
        start = 0 if after_id is None else bisect.bisect_right(held.numbers, int(after_id))
        served = held.submissions[start : start + limit]
        page = SubmissionPage.following(after_id, served, has_more=start + limit < len(held.submissions))
        if page.has_more and page.next_after_id is not None:
            with self._lock:
                self._held[form] = _Held(held.submissions, held.numbers, page.next_after_id, self._clock())
        return page
