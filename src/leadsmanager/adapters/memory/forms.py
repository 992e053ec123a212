"""An in-memory FormSource (and FormCatalogue) for use-case tests, held to the WordPress adapter's contract."""

from __future__ import annotations

import threading

from leadsmanager.application.discovery.catalogue import CatalogueForm, FormsNotListable
from leadsmanager.application.ports import FormCatalogue, FormSource
from leadsmanager.application.sync_types import FormSourceBadResponse, FormSourceError, RemoteSubmission, SubmissionPage


class MemoryFormSource(FormSource, FormCatalogue):
    """Forms keyed by (site, form id); ids are decimal numbers, ordered by value as WordPress row ids are."""

    def __init__(self) -> None:
        self._forms: dict[tuple[str, str], list[RemoteSubmission]] = {}
        self._catalogues: dict[str, tuple[CatalogueForm, ...]] = {}
        self._failures: list[FormSourceError] = []
        self._lock = threading.Lock()

    def add(self, site: str, form_id: str, *submissions: RemoteSubmission) -> None:
        """Submissions arriving on a form; with none, the form exists and is empty."""
        with self._lock:
            stored = self._forms.setdefault((site, form_id), [])
            known = {s.id for s in stored}
            for submission in submissions:
                if submission.id in known or not submission.id.isdecimal():
                    raise ValueError(f"submission id {submission.id!r} is taken or not a decimal number")
                known.add(submission.id)
                stored.append(submission)
            stored.sort(key=lambda s: int(s.id))

    def describe(self, site: str, *forms: CatalogueForm) -> None:
        """What the site lists when asked for its forms; a site never described cannot list them."""
        with self._lock:
            self._catalogues[site] = forms

    def forms(self, site: str) -> tuple[CatalogueForm, ...]:
        with self._lock:
            if site not in self._catalogues:
                raise FormsNotListable(f"site {site!r} cannot list its forms")
            return self._catalogues[site]

    def fail_next(self, *errors: FormSourceError) -> None:
        """The next fetches raise these, one each, as a site that is down or refuses us would."""
        with self._lock:
            self._failures.extend(errors)

    def fetch(self, site: str, form_id: str, *, after_id: str | None, limit: int) -> SubmissionPage:
        if limit < 1:
            raise ValueError("limit must be at least 1")
        with self._lock:
            if self._failures:
                raise self._failures.pop(0)
            stored = self._forms.get((site, form_id))
            if stored is None:
                raise FormSourceBadResponse("no such form on the site", site=site, form_id=form_id)
            after = -1 if after_id is None else int(after_id)
            newer = [s for s in stored if int(s.id) > after]
        return SubmissionPage.following(after_id, newer[:limit], has_more=len(newer) > limit)
