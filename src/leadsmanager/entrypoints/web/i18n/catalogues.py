"""Gettext catalogues, read from their .po files as the app starts: an install needs no compile step."""

from __future__ import annotations

from functools import cache
from io import BytesIO
from pathlib import Path

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.support import NullTranslations, Translations

from leadsmanager.domain.language import DEFAULT_LANGUAGE

LOCALE_DIR = Path(__file__).parent.parent / "locale"
DOMAIN = "messages"
SOURCE_LANGUAGE = DEFAULT_LANGUAGE  # the templates and code are written in it: it needs no catalogue


def catalogue_path(language: str) -> Path:
    return LOCALE_DIR / language / "LC_MESSAGES" / f"{DOMAIN}.po"


@cache  # read once per process: a catalogue changes only with a new release
def translations(language: str) -> NullTranslations:
    """The language's translations; fuzzy entries are left out, so their English shows until reviewed."""
    if language == SOURCE_LANGUAGE:
        return NullTranslations()
    with catalogue_path(language).open("rb") as po:
        catalogue = read_po(po, locale=language, domain=DOMAIN)
    compiled = BytesIO()
    write_mo(compiled, catalogue, use_fuzzy=False)
    compiled.seek(0)
    return Translations(compiled, domain=DOMAIN)
