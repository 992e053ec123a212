"""The forms a Formidable site lists (`GET /frm/v2/forms`) and each one's fields (`GET /frm/v2/forms/{id}/fields`).

The forms route ignores paging and returns `limit` forms (20 unless asked), keyed by form key, repeater
sections' child forms among them. The fields route needs the frm_view_forms capability.
"""

from __future__ import annotations

from typing import Any

from leadsmanager.adapters.form_sources.client import SiteClient
from leadsmanager.adapters.form_sources.entries import OffContract, bad_response, read_json, row_id
from leadsmanager.adapters.form_sources.formidable.payload import API
from leadsmanager.adapters.form_sources.formidable.source import API_PATH, refused
from leadsmanager.adapters.form_sources.site import WordPressSite
from leadsmanager.application.discovery.catalogue import CatalogueField, CatalogueForm

MAX_FORMS = "1000"
# Field types that only lay a form out, or embed another form: they hold no value of their own.
LAYOUT = frozenset({"divider", "end_divider", "break", "html", "captcha", "submit", "summary", "form"})


def formidable_forms(site: WordPressSite, client: SiteClient) -> tuple[CatalogueForm, ...]:
    base = f"{site.base_url}{API_PATH}/forms"
    listed = read_json(client, site, base, api=API, refused=refused, params={"limit": MAX_FORMS})
    try:
        forms = sorted(_summaries(listed), key=lambda form: int(form[0]))
    except OffContract as e:
        raise bad_response(API, e, site=site.name, form_id="") from None
    found = []
    for form_id, title, form_key in forms:
        fields = read_json(client, site, f"{base}/{form_id}/fields", api=API, refused=refused, form_id=form_id)
        if fields != [] and not isinstance(fields, dict):
            raise bad_response(API, OffContract("expected an object of fields"), site=site.name, form_id=form_id)
        listed_fields = tuple(f for raw in (fields or {}).values() if (f := _field(raw)) is not None)
        found.append(CatalogueForm(form_id, title, listed_fields, by_label=False, form_key=form_key))
    return tuple(found)


def _summaries(listed: Any) -> list[tuple[str, str, str]]:
    """(id, name, form key) of each form that is not a repeater's child form; `[]` when there are none."""
    if listed == []:
        return []
    if not isinstance(listed, dict):
        raise OffContract("expected an object of forms keyed by form key")
    forms = []
    for key, form in listed.items():
        if not isinstance(form, dict):
            raise OffContract(f"form {key[:40]!r} is not an object")
        if str(form.get("parent_form_id") or "0") == "0":
            forms.append((row_id(form.get("id"), "a form's 'id'"), str(form.get("name") or ""), str(key)))
    return forms


def _field(raw: Any) -> CatalogueField | None:
    if not isinstance(raw, dict) or not isinstance(raw.get("field_key"), str) or raw.get("type") in LAYOUT:
        return None
    return CatalogueField(raw["field_key"], str(raw.get("name") or ""), str(raw.get("type") or ""))
