"""One Jinja environment per language, each with its catalogue and its formats installed once."""

from __future__ import annotations

from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from jinja2 import Environment, FileSystemLoader, select_autoescape
from starlette.templating import Jinja2Templates

from leadsmanager.adapters.i18n.local_formats import LocalFormats
from leadsmanager.domain.language import LANGUAGES
from leadsmanager.entrypoints.web.filters import register_filters
from leadsmanager.entrypoints.web.i18n.catalogues import SOURCE_LANGUAGE, in_context, translations
from leadsmanager.entrypoints.web.i18n.durations import Durations
from leadsmanager.entrypoints.web.i18n.field_errors import FieldErrors
from leadsmanager.entrypoints.web.i18n.labels import import_field_names, role_names, source_names
from leadsmanager.entrypoints.web.i18n.refusals import Refusals
from leadsmanager.entrypoints.web.i18n.report_text import ReportText, report_words
from leadsmanager.entrypoints.web.i18n.score_text import ScoreText

TEMPLATES = Path(__file__).parent.parent / "templates"


def environment(language: str, zone: ZoneInfo) -> Environment:
    env = Environment(
        loader=FileSystemLoader(TEMPLATES),
        autoescape=select_autoescape(default=True),
        auto_reload=False,
        extensions=["jinja2.ext.i18n"],
    )
    catalogue = translations(language)
    install: Any = env.install_gettext_translations  # type: ignore[attr-defined]  # added by jinja2.ext.i18n
    install(catalogue, newstyle=True)
    durations = Durations(catalogue.gettext, catalogue.ngettext)
    formats = LocalFormats(language, zone)
    register_filters(env, formats, durations)
    env.globals["language"] = language
    roles, sources = role_names(catalogue.gettext), source_names(catalogue.gettext)
    env.filters["role_name"] = lambda role: roles.get(str(role), str(role))
    env.filters["source_name"] = lambda source: sources.get(str(source), str(source))
    import_fields = import_field_names(catalogue.gettext)
    env.filters["import_field"] = lambda field: import_fields.get(str(field), str(field))
    text = ReportText(report_words(catalogue.gettext, in_context(catalogue)), formats, durations, sources)
    env.globals["shown"] = text.cell
    env.filters["report_word"] = text.word
    env.filters["score_word"] = ScoreText(catalogue.gettext)
    refusals = Refusals(catalogue.gettext, FieldErrors(catalogue.gettext, translated=language != SOURCE_LANGUAGE))
    env.filters["field_error"] = refusals.field
    env.filters["refusal"] = refusals
    return env


def templates_by_language(zone: ZoneInfo) -> dict[str, Jinja2Templates]:
    return {code: Jinja2Templates(env=environment(code, zone)) for code in LANGUAGES}
