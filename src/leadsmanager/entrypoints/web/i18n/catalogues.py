"""The pages' gettext catalogues, read by the shared loader of `adapters.i18n`."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from babel.support import NullTranslations

from leadsmanager.adapters.i18n import catalogues
from leadsmanager.adapters.i18n.catalogues import SOURCE_LANGUAGE

LOCALE_DIR = Path(__file__).parent.parent / "locale"
DOMAIN = "messages"
__all__ = ["DOMAIN", "LOCALE_DIR", "SOURCE_LANGUAGE", "catalogue_path", "in_context", "translations"]


def catalogue_path(language: str) -> Path:
    return catalogues.catalogue_path(LOCALE_DIR, language, DOMAIN)


def translations(language: str) -> NullTranslations:
    """The pages' translations into `language`; fuzzy entries are left out, so their English shows."""
    return catalogues.read_translations(LOCALE_DIR, language, DOMAIN)


def in_context(catalogue: NullTranslations) -> Callable[[str, str], str]:
    """`catalogue.pgettext` as it behaves: a message of a context, translated (Babel's types say object)."""
    return lambda context, message: str(catalogue.pgettext(context, message))
