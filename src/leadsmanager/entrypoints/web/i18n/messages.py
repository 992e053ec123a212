"""Messages the pages' code writes (flash messages), in the language of the request."""

from __future__ import annotations

from starlette.requests import Request

from leadsmanager.entrypoints.web.i18n.catalogues import translations
from leadsmanager.entrypoints.web.i18n.choice import staff_language


def translate(request: Request, message: str, language: str | None = None) -> str:
    """`message` (marked for extraction as translate's second argument) in the request's language."""
    return translations(language or staff_language(request)).gettext(message)
