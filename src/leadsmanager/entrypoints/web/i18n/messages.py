"""Messages the pages' code writes (flash messages), in the language of the request."""

from __future__ import annotations

from functools import partial

from babel.support import NullTranslations
from starlette.requests import Request

from leadsmanager.entrypoints.http.context import container
from leadsmanager.entrypoints.web.filters import pipeline_of
from leadsmanager.entrypoints.web.i18n.catalogues import SOURCE_LANGUAGE, translations
from leadsmanager.entrypoints.web.i18n.choice import staff_language
from leadsmanager.entrypoints.web.i18n.field_errors import FieldErrors
from leadsmanager.entrypoints.web.i18n.refusals import Refusals


def N_(message: str) -> str:
    """Marks a message kept in a constant for extraction; `translate` translates it where it is shown."""
    return message


def translate(request: Request, message: str, language: str | None = None) -> str:
    """`message` (marked for extraction as translate's second argument) in the request's language."""
    return catalogue(request, language).gettext(message)


def catalogue(request: Request, language: str | None = None) -> NullTranslations:
    """The request's catalogue, for code that needs its plural forms or several of its messages."""
    return translations(language or _language(request))


def refusal(request: Request, error: Exception | str, language: str | None = None) -> str:
    """Why something was refused (an error, or a reason kept as its English text), in the request's
    language, a stage by its label in that language."""
    language = language or _language(request)
    catalogue = translations(language)
    fields = FieldErrors(catalogue.gettext, translated=language != SOURCE_LANGUAGE)
    return Refusals(catalogue.gettext, fields, stage=partial(_stage, request, language))(str(error))


def _language(request: Request) -> str:
    try:
        return staff_language(request)
    except Exception:  # an error page while the sessions cannot be read: the team's language, then
        return container(request).settings().language


def _stage(request: Request, language: str, key: str) -> str:
    try:
        return pipeline_of(request).label(key, language)
    except Exception:  # an error page while the database is down: the stage's key says it well enough
        return key
