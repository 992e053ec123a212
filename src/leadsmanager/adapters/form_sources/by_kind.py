"""The sync's one FormSource (and FormCatalogue): each site's requests go to the source that speaks its kind's API."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from types import TracebackType

from leadsmanager.adapters.form_sources.catalogue import site_forms
from leadsmanager.adapters.form_sources.client import SiteClient
from leadsmanager.adapters.form_sources.formidable.source import FormidableSource
from leadsmanager.adapters.form_sources.gravityforms.source import GravityFormsSource
from leadsmanager.adapters.form_sources.intralog.source import IntralogFormSource
from leadsmanager.adapters.form_sources.plugin import WordPressFormSource
from leadsmanager.adapters.form_sources.site import SiteKind, WordPressSite
from leadsmanager.adapters.http_retry import RetryPolicy
from leadsmanager.application.discovery.catalogue import CatalogueForm
from leadsmanager.application.ports import FormCatalogue, FormSource
from leadsmanager.application.sync_types import FormSourceError, SubmissionPage

# How each kind's source is built: from its sites and the shared HTTP client.
Builder = Callable[[list[WordPressSite], SiteClient], FormSource]
BUILDERS: Mapping[SiteKind, Builder] = {
    SiteKind.LEADSMANAGER: lambda sites, client: WordPressFormSource(sites, client=client),
    SiteKind.INTRALOG_LEGACY: lambda sites, client: IntralogFormSource(sites, client=client),
    SiteKind.GRAVITYFORMS: lambda sites, client: GravityFormsSource(sites, client=client),
    SiteKind.FORMIDABLE: lambda sites, client: FormidableSource(sites, client=client),
}


class SitesFormSource(FormSource, FormCatalogue):
    """Routes a fetch by the site's kind; one connection pool for all of them (close it, or use `with`)."""

    def __init__(self, sites: Iterable[WordPressSite], *, policy: RetryPolicy | None = None) -> None:
        self._sites = {site.name: site for site in sites}
        self._client = SiteClient(policy=policy)
        kinds = {site.kind for site in self._sites.values()}
        self._sources = {
            kind: BUILDERS[kind]([s for s in self._sites.values() if s.kind is kind], self._client)
            for kind in kinds
            if kind in BUILDERS
        }

    def __enter__(self) -> SitesFormSource:
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()

    def close(self) -> None:
        self._client.close()

    def fetch(self, site: str, form_id: str, *, after_id: str | None, limit: int) -> SubmissionPage:
        config = self._sites.get(site)
        if config is None:
            raise FormSourceError("no WordPress site of that name is configured", site=site, form_id=form_id)
        source = self._sources.get(config.kind)
        if source is None:
            raise FormSourceError(f"sites of kind {config.kind.value!r} cannot be read yet", site=site, form_id=form_id)
        return source.fetch(site, form_id, after_id=after_id, limit=limit)

    def forms(self, site: str) -> tuple[CatalogueForm, ...]:
        config = self._sites.get(site)
        if config is None:
            raise FormSourceError("no WordPress site of that name is configured", site=site, form_id="")
        return site_forms(config, self._client)
