"""A site's forms as its plugin's API describes them, and the refusal of a kind whose API cannot."""

from __future__ import annotations

from attrs import frozen

from leadsmanager.domain.errors import ValidationError


@frozen
class CatalogueField:
    """One field: `key` is what the API keys its values by (a Gravity Forms field or input id such as
    "1.3", a Formidable field key), `label` what the form shows. A compound field (a Gravity Forms Name
    or Address) holds no value itself: its inputs, listed after it, do."""

    key: str
    label: str
    type: str = ""
    holds_value: bool = True


@frozen
class CatalogueForm:
    """A form on the site; `by_label` says whether submissions name a value by its field's label where
    that is unambiguous (Gravity Forms) or only by its key (Formidable). `entries` when the API counts
    them; `form_key` when the form can be configured by a key too (Formidable)."""

    form_id: str
    title: str
    fields: tuple[CatalogueField, ...]
    by_label: bool
    entries: int | None = None
    form_key: str = ""


class FormsNotListable(ValidationError):
    """The site's kind of API serves entries only: it cannot list forms or fields."""
