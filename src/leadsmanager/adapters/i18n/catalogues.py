"""Gettext catalogues, read from their .po files as they are first needed: an install needs no compile step.

The pages keep their catalogue beside their templates (`entrypoints/web/locale`), the emails and chat
messages theirs beside this module (`locale/<code>/LC_MESSAGES/notices.po`); both are read here.
"""

from __future__ import annotations

from functools import cache
from io import BytesIO
from pathlib import Path

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.support import NullTranslations, Translations

from leadsmanager.domain.language import DEFAULT_LANGUAGE

SOURCE_LANGUAGE = DEFAULT_LANGUAGE  # the templates and code are written in it: it needs no catalogue
NOTICES_LOCALE_DIR = Path(__file__).parent / "locale"
NOTICES_DOMAIN = "notices"


def catalogue_path(locale_dir: Path, language: str, domain: str) -> Path:
    return locale_dir / language / "LC_MESSAGES" / f"{domain}.po"


@cache  # read once per process: a catalogue changes only with a new release
def read_translations(locale_dir: Path, language: str, domain: str) -> NullTranslations:
    """The language's translations; fuzzy entries are left out, so their English shows until reviewed."""
    if language == SOURCE_LANGUAGE:
        return NullTranslations()
    with catalogue_path(locale_dir, language, domain).open("rb") as po:
        catalogue = read_po(po, locale=language, domain=domain)
    compiled = BytesIO()
    write_mo(compiled, catalogue, use_fuzzy=False)
    compiled.seek(0)
    return Translations(compiled, domain=domain)


def notice_translations(language: str) -> NullTranslations:
    """The emails' and chat messages' translations into `language`."""
    return read_translations(NOTICES_LOCALE_DIR, language, NOTICES_DOMAIN)


def N_(message: str) -> str:
    """Marks a message kept in a constant for extraction; it is translated where it is shown."""
    return message
