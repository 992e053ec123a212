"""The forms a Gravity Forms site lists (`GET /gf/v2/forms`) and each one's fields (`GET /gf/v2/forms/{id}`).

Listing forms needs the gravityforms_edit_forms capability, more than reading entries does.
"""

from __future__ import annotations

from typing import Any

from leadsmanager.adapters.form_sources.client import SiteClient
from leadsmanager.adapters.form_sources.entries import OffContract, bad_response, read_json
from leadsmanager.adapters.form_sources.gravityforms.payload import API, input_label
from leadsmanager.adapters.form_sources.gravityforms.source import API_PATH, refused
from leadsmanager.adapters.form_sources.site import WordPressSite
from leadsmanager.application.discovery.catalogue import CatalogueField, CatalogueForm

# Field types that only lay a form out: they hold no value.
LAYOUT = frozenset({"html", "section", "page", "captcha"})


def gravityforms_forms(site: WordPressSite, client: SiteClient) -> tuple[CatalogueForm, ...]:
    summaries = read_json(client, site, f"{site.base_url}{API_PATH}/forms", api=API, refused=refused)
    if summaries == []:  # PHP's empty array: no forms
        return ()
    if not isinstance(summaries, dict) or not all(k.isascii() and k.isdigit() for k in summaries):
        raise bad_response(API, OffContract("expected an object of forms keyed by id"), site=site.name, form_id="")
    forms = []
    for form_id in sorted(summaries, key=int):
        url = f"{site.base_url}{API_PATH}/forms/{form_id}"
        detail = read_json(client, site, url, api=API, refused=refused, form_id=form_id)
        try:
            forms.append(_form(form_id, summaries[form_id], detail))
        except OffContract as e:
            raise bad_response(API, e, site=site.name, form_id=form_id) from None
    return tuple(forms)


def _form(form_id: str, summary: Any, detail: Any) -> CatalogueForm:
    if not isinstance(detail, dict) or not isinstance(detail.get("fields"), list):
        raise OffContract("the form has no list of 'fields'")
    title = detail.get("title") if isinstance(detail.get("title"), str) else ""
    entries = str(summary.get("entries")) if isinstance(summary, dict) else ""
    count = int(entries) if entries.isascii() and entries.isdigit() else None
    fields = tuple(f for raw in detail["fields"] for f in _fields(raw))
    return CatalogueForm(form_id, str(title), fields, by_label=True, entries=count)


def _fields(raw: Any) -> list[CatalogueField]:
    """A field, or a field of inputs followed by its inputs (those not hidden in the form's settings)."""
    if not isinstance(raw, dict) or not isinstance(raw.get("id"), int | str) or raw.get("type") in LAYOUT:
        return []
    field_id, label, kind = str(raw["id"]), str(raw.get("label") or ""), str(raw.get("type") or "")
    inputs = [i for i in raw.get("inputs") or [] if isinstance(i, dict) and isinstance(i.get("id"), str)]
    if not inputs:
        return [CatalogueField(field_id, label, kind)]
    shown = [i for i in inputs if not i.get("isHidden")]
    parts = [CatalogueField(i["id"], input_label(label, str(i.get("label") or ""), i["id"]), kind) for i in shown]
    return [CatalogueField(field_id, label, kind, holds_value=False), *parts]
