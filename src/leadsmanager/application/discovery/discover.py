"""`sync --discover`: a site's forms and fields as its API lists them, against the forms and mappings configured."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from attrs import frozen

from leadsmanager.application.discovery.catalogue import CatalogueField, CatalogueForm
from leadsmanager.application.discovery.field_names import field_names
from leadsmanager.application.intake.form_mapping import LEAD_FIELDS, SyncedForm, field_label
from leadsmanager.application.ports import FormCatalogue
from leadsmanager.domain.errors import NotFound


@frozen
class DiscoveredField:
    """A field, the name a submission gives its value (see field_names), whether a mapping may name it by
    its label (else by its key only), and the lead field it fills, if any."""

    field: CatalogueField
    name: str
    by_label: bool = False
    lead_field: str = ""


@frozen
class DiscoveredForm:
    """A form on the site; `synced` if configured, `unmatched` the names its mapping uses that no field has."""

    form: CatalogueForm
    synced: bool
    fields: tuple[DiscoveredField, ...]
    unmatched: tuple[str, ...] = ()


@frozen
class SiteForms:
    """Every form the site lists, and the configured form ids it does not list (`missing`)."""

    site: str
    forms: tuple[DiscoveredForm, ...]
    missing: tuple[str, ...]


class DiscoverForms:
    def __init__(self, forms: Sequence[SyncedForm], catalogue: FormCatalogue) -> None:
        self._forms = tuple(forms)
        self._catalogue = catalogue

    def __call__(self, site: str) -> SiteForms:
        """Raises NotFound for a site not configured, FormsNotListable when its API cannot list forms, and
        a FormSourceError when the site fails."""
        configured = {f.form_id: f for f in self._forms if f.site == site}
        if not configured:
            raise NotFound(f"no WordPress site {site!r} is configured")
        listed = self._catalogue.forms(site)
        found = [_discovered(form, _configured(form, configured)) for form in listed]
        seen = {form_id for form in listed for form_id in (form.form_id, form.form_key) if form_id}
        return SiteForms(site, tuple(found), tuple(f for f in configured if f not in seen))


def _configured(form: CatalogueForm, configured: Mapping[str, SyncedForm]) -> SyncedForm | None:
    """The site may be configured with the form's id or, for Formidable, its key."""
    return configured.get(form.form_id) or (configured.get(form.form_key) if form.form_key else None)


def _discovered(form: CatalogueForm, synced: SyncedForm | None) -> DiscoveredForm:
    mapping = {field_label(k): v for k, v in (synced.fields if synced else {}).items()}
    labels = {f.key: f.label for f in form.fields if f.holds_value} if form.by_label else {}
    names, unmapped = field_names(labels, mapping), field_names(labels, ())
    fields = tuple(
        _field(f, names.get(f.key, f.key), unmapped.get(f.key, f.key) != f.key, mapping) for f in form.fields
    )
    used = {field_label(f.name) for f in fields if f.field.holds_value}
    unmatched = tuple(name for name in mapping if name not in used)
    return DiscoveredForm(form, synced is not None, fields, unmatched)


def _field(field: CatalogueField, name: str, by_label: bool, mapping: Mapping[str, str]) -> DiscoveredField:
    filled = _lead_field(name, mapping) if field.holds_value else ""
    return DiscoveredField(field, name, by_label, filled)


def _lead_field(name: str, mapping: Mapping[str, str]) -> str:
    """The lead field a value fills: the mapping's choice, else a lead field of the same name left unmapped."""
    if field_label(name) in mapping:
        return mapping[field_label(name)]
    return name if name in LEAD_FIELDS and name not in mapping.values() else ""
