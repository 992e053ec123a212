"""Messages the pages' code writes (flash messages), in the language of the request."""

from __future__ import annotations

from starlette.requests import Request

from leadsmanager.entrypoints.http.context import container
from leadsmanager.entrypoints.web.i18n.catalogues import translations
from leadsmanager.entrypoints.web.i18n.choice import staff_language


def N_(message: str) -> str:
    """Marks a message kept in a constant for extraction; `translate` translates it where it is shown."""
    return message


def translate(request: Request, message: str, language: str | None = None) -> str:
    """`message` (marked for extraction as translate's second argument) in the request's language."""
    if language is None:
        try:
            language = staff_language(request)
        except Exception:  # an error page while the sessions cannot be read: the team's language, then
            language = container(request).settings().language
    return translations(language).gettext(message)
