"""Every page's text is marked for translation, and the Spanish catalogue translates every marked message."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta
from html.parser import HTMLParser
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po
from jinja2 import Environment

from leadsmanager.adapters.email_templates import TEMPLATES as EMAIL_TEMPLATES
from leadsmanager.adapters.i18n.catalogues import NOTICES_DOMAIN, NOTICES_LOCALE_DIR
from leadsmanager.adapters.i18n.catalogues import catalogue_path as any_catalogue_path
from leadsmanager.adapters.i18n.local_formats import LocalFormats
from leadsmanager.domain.errors import ValidationError
from leadsmanager.domain.language import LANGUAGES
from leadsmanager.entrypoints.bootstrap.settings import Settings
from leadsmanager.entrypoints.web.i18n.catalogues import SOURCE_LANGUAGE, catalogue_path, translations
from leadsmanager.entrypoints.web.i18n.choice import accepted
from leadsmanager.entrypoints.web.i18n.durations import Durations
from leadsmanager.entrypoints.web.i18n.environments import TEMPLATES

WEB = TEMPLATES.parent
# Attributes a person reads or hears (a screen reader speaks aria-label and title).
READ_ATTRIBUTES = {"title", "placeholder", "aria-label", "alt"}
# Words that are the same in every language: the product's name, file formats, setting names.
SAME_EVERYWHERE = re.compile(r"LeadsManager|CSV|API|\b[A-Z][A-Z0-9]*_[A-Z0-9_]+\b")
LETTER = re.compile(r"[^\W\d_]")
# A string literal in an expression that reads like a sentence or a label, not a key or a CSS class.
WORDS = re.compile(r"[A-Z][a-z]|[a-z]+ [a-z]+")
CODE = re.compile(r"(w3-[\w-]+|[a-z0-9_-]+)( (w3-[\w-]+|[a-z0-9_-]+))*|.*[{}=%:/<>].*")
HOLE = "\x00"  # where an expression or a tag of the template stood


def templates() -> list[Path]:
    """The pages' templates and the emails' (subjects, text and HTML bodies)."""
    return sorted(TEMPLATES.glob("*.html")) + sorted(EMAIL_TEMPLATES.glob("*"))


class VisibleText(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.found: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.found += [value for name, value in attrs if name in READ_ATTRIBUTES and value]

    def handle_data(self, data: str) -> None:
        self.found.append(data)


def unmarked(source: str) -> list[str]:
    """Text of a template that is neither inside an expression, a tag nor a {% trans %} block, and the
    string literals of its expressions that read like words outside a _() call."""
    env = Environment(extensions=["jinja2.ext.i18n"])
    html: list[str] = []
    literals: list[str] = []
    previous: list[str] = []
    in_trans = False
    for _, kind, value in env.lex(source):
        if kind == "whitespace":
            continue
        if kind == "name" and value in ("trans", "endtrans") and previous[-1:] == ["block_begin"]:
            in_trans = value == "trans"
        if kind == "data" and not in_trans:
            html.append(value)
        elif not html or html[-1] != HOLE:
            html.append(HOLE)
        if kind == "string" and previous[-2:] != ["name:_", "("]:
            literals.append(value.strip("'\""))
        previous.append(f"name:{value}" if kind == "name" else value if kind == "operator" else kind)
    parser = VisibleText()
    parser.feed("".join(html))
    texts = [t.strip() for chunk in parser.found for t in chunk.split(HOLE)]
    return [t for t in texts if LETTER.search(SAME_EVERYWHERE.sub("", t))] + [
        s for s in literals if WORDS.search(s) and not CODE.fullmatch(s)
    ]


@pytest.mark.parametrize("template", templates(), ids=lambda p: f"{p.parent.name}/{p.name}")
def test_every_template_text_is_marked_for_translation(template: Path) -> None:
    assert unmarked(template.read_text()) == []


def test_the_check_finds_unmarked_text_in_elements_attributes_and_expressions() -> None:
    source = """<h2>{{ _('Marked') }} Plain words</h2><input placeholder="type here" class="w3-input">
    {% trans %}Inside a block{% endtrans %}<p>{{ 'Nobody' if x else _('Somebody') }} {{ n }} · 🎉</p>
    {{ 'w3-red w3-border' if y else 'w3-green' }}"""
    assert unmarked(source) == ["Plain words", "type here", "Nobody"]


def extracted(where: Path, method_map: list[tuple[str, str]]) -> set[tuple[str | tuple[str, ...], str | None]]:
    """Each message found, with its context (pgettext's first argument) or None."""
    keywords = {
        "_": None,
        "N_": None,
        "gettext": None,
        "ngettext": (1, 2),
        "pgettext": ((1, "c"), 2),
        "translate": (2,),
    }
    found = extract_from_dir(where, method_map, keywords=keywords)
    return {(message, context) for _, _, message, _, context in found}


# Each catalogue, what its messages are extracted from (as babel.cfg and babel_notices.cfg say), and
# at least how many it holds, so a broken extraction cannot pass as a complete catalogue.
CATALOGUES = {
    "pages": (WEB, [("**/templates/**.html", "jinja2"), ("**.py", "python")], 150),
    "notices": (
        EMAIL_TEMPLATES.parent.parent,
        [("templates/email/**", "jinja2"), ("email_templates.py", "python")],
        30,
    ),
}


def catalogue_file(name: str, language: str) -> Path:
    if name == "pages":
        return catalogue_path(language)
    return any_catalogue_path(NOTICES_LOCALE_DIR, language, NOTICES_DOMAIN)


@pytest.mark.parametrize("name", CATALOGUES)
@pytest.mark.parametrize("language", [code for code in LANGUAGES if code != SOURCE_LANGUAGE])
def test_the_catalogue_translates_every_message_of_the_pages_and_notices(language: str, name: str) -> None:
    where, method_map, at_least = CATALOGUES[name]
    with catalogue_file(name, language).open("rb") as po:
        catalogue = read_po(po, locale=language)
    messages = extracted(where, method_map)
    assert len(messages) > at_least
    missing = [m for m, context in messages if catalogue.get(m[0] if isinstance(m, tuple) else m, context) is None]
    assert missing == [], "run the pybabel commands of docs/translations.md"
    untranslated = [m.id for m in catalogue if m.id and (m.fuzzy or not all(_strings(m.string)))]
    assert untranslated == []
    problems = [(m.id, errors) for m, errors in catalogue.check()]
    assert problems == []  # placeholders such as %(name)s kept, plural forms complete


def _strings(string: str | tuple[str, ...] | list[str] | None) -> tuple[str, ...]:
    return tuple(string) if isinstance(string, tuple | list) else (string or "",)


def test_a_browsers_languages_are_read_most_wanted_first() -> None:
    assert accepted("fr-CH, fr;q=0.9, es-AR;q=0.95, en;q=0.8, *;q=0.5") == ["fr", "es", "fr", "en"]
    assert accepted("es;q=0, en") == ["en"]
    assert accepted("") == [] and accepted("es;q=nonsense, en;q=0.1") == ["en"]


def test_spanish_times_are_day_first_24_hour_in_the_zone_with_its_label() -> None:
    at = datetime(2026, 3, 1, 21, 5, tzinfo=UTC)
    buenos_aires = ZoneInfo("America/Argentina/Buenos_Aires")
    assert LocalFormats("es", buenos_aires).when(at) == "01/03/2026 18:05 UTC-03"
    assert LocalFormats("en", buenos_aires).when(at) == "2026-03-01 18:05 UTC-03"
    assert LocalFormats("es", ZoneInfo("Europe/Madrid")).when(at, seconds=True) == "01/03/2026 22:05:00 CET"
    assert LocalFormats("en", ZoneInfo("UTC")).when(at) == "2026-03-01 21:05 UTC"
    assert LocalFormats("es", buenos_aires).day(date(2026, 1, 2)) == "02/01/2026"
    assert LocalFormats("es", buenos_aires).number(12345) == "12.345"
    assert LocalFormats("en", buenos_aires).number(12345) == "12,345"


def test_waits_are_said_in_the_readers_words() -> None:
    spanish = translations("es")
    words = Durations(spanish.gettext, spanish.ngettext)
    assert words.span(timedelta(seconds=20)) == "menos de 1 min"
    assert words.span(timedelta(hours=1, minutes=30)) == "1 h 30 min"
    assert words.span(timedelta(days=4, hours=2)) == "4 días 2 h"
    assert words.waited(24 * 60 * 3) == "3 días"
    english = translations("en")
    assert Durations(english.gettext, english.ngettext).span(timedelta(days=1, hours=72)) == "4 days"


def test_the_deployment_language_is_one_we_speak() -> None:
    assert Settings.from_env({}, env_file=None).language == "en"
    assert Settings.from_env({"LEADSMANAGER_LANGUAGE": " ES "}, env_file=None).language == "es"
    with pytest.raises(ValidationError, match="LEADSMANAGER_LANGUAGE must be one of en, es, not 'fr'"):
        Settings.from_env({"LEADSMANAGER_LANGUAGE": "fr"}, env_file=None)
