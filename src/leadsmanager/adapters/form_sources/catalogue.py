"""`sync --discover`: each kind's way of listing a site's forms and fields, and why the others cannot."""

from __future__ import annotations

from collections.abc import Callable, Mapping

from leadsmanager.adapters.form_sources.client import SiteClient
from leadsmanager.adapters.form_sources.formidable.catalogue import formidable_forms
from leadsmanager.adapters.form_sources.gravityforms.catalogue import gravityforms_forms
from leadsmanager.adapters.form_sources.site import SiteKind, WordPressSite
from leadsmanager.application.discovery.catalogue import CatalogueForm, FormsNotListable

Lister = Callable[[WordPressSite, SiteClient], tuple[CatalogueForm, ...]]
LISTERS: Mapping[SiteKind, Lister] = {
    SiteKind.GRAVITYFORMS: gravityforms_forms,
    SiteKind.FORMIDABLE: formidable_forms,
}
UNLISTABLE: Mapping[SiteKind, str] = {
    SiteKind.LEADSMANAGER: (
        "the LeadsManager plugin's API serves submissions only: its form ids are those of the form plugin it "
        "records, shown on its settings page"
    ),
    SiteKind.INTRALOG_LEGACY: (
        "the Custom Form API serves a form's entries only, keyed by field label: docs/form-sources.md lists "
        "the labels of the forms it is used with"
    ),
}


def site_forms(site: WordPressSite, client: SiteClient) -> tuple[CatalogueForm, ...]:
    lister = LISTERS.get(site.kind)
    if lister is None:
        why = UNLISTABLE.get(site.kind, "its API cannot list forms")
        raise FormsNotListable(f"site {site.name!r} ({site.kind.value}) cannot list its forms: {why}")
    return lister(site, client)
