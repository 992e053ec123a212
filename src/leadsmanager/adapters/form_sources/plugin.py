"""Form submissions from WordPress sites running the LeadsManager plugin (contract: docs/wordpress-plugin.md)."""

from __future__ import annotations

from collections.abc import Iterable
from types import TracebackType
from urllib.parse import quote

from leadsmanager.adapters.form_sources.client import SiteClient
from leadsmanager.adapters.form_sources.plugin_payload import parse_page
from leadsmanager.adapters.form_sources.site import WordPressSite, site_to_fetch
from leadsmanager.adapters.http_retry import RetryPolicy
from leadsmanager.application.ports import FormSource
from leadsmanager.application.sync_types import SubmissionPage

API_PATH = "/wp-json/leadsmanager/v1/forms/{form_id}/submissions"
MAX_PER_PAGE = 100  # the ceiling WordPress REST endpoints conventionally accept for per_page


class WordPressFormSource(FormSource):
    def __init__(
        self, sites: Iterable[WordPressSite], *, policy: RetryPolicy | None = None, client: SiteClient | None = None
    ) -> None:
        self._sites = {site.name: site for site in sites}
        self._owned = client is None
        self._client = client or SiteClient(policy=policy)

    def __enter__(self) -> WordPressFormSource:
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()

    def close(self) -> None:
        if self._owned:
            self._client.close()

    def fetch(self, site: str, form_id: str, *, after_id: str | None, limit: int) -> SubmissionPage:
        config = site_to_fetch(self._sites, site, form_id, after_id=after_id, limit=limit)
        params = {"per_page": str(min(limit, MAX_PER_PAGE))}
        if after_id is not None:
            params["after_id"] = after_id
        url = config.base_url + API_PATH.format(form_id=quote(form_id, safe=""))
        reply = self._client.get(config, form_id, url, params)
        return parse_page(reply.body, site=site, form_id=form_id, after_id=after_id)
