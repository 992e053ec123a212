"""Which language a request is answered in."""

from __future__ import annotations

from starlette.requests import Request

from leadsmanager.domain.language import LANGUAGES
from leadsmanager.entrypoints.http.context import container, signed_in

_MAX_TAGS = 20  # of an Accept-Language header; a longer one is someone else's problem


def staff_language(request: Request) -> str:
    """The signed-in person's own choice, else the deployment's language."""
    current = signed_in(request)
    if current is not None and current.user.language in LANGUAGES:
        return current.user.language
    return container(request).settings().language


def visitor_language(request: Request, form_language: str | None = None) -> str:
    """The public form's: `?lang=`, else the form's own language (`LEADSMANAGER_PUBLIC_FORMS=contacto:es`),
    else the first language the browser accepts that we speak, else the deployment's.

    The form's language comes before the browser's: a form given one is embedded in pages written in it,
    and a form in another language than the page around it reads as a mistake. `?lang=` still wins, so the
    embedding page can ask for another."""
    asked = request.query_params.get("lang", "").strip().lower()
    if asked in LANGUAGES:
        return asked
    if form_language in LANGUAGES:
        return form_language
    for language in accepted(request.headers.get("accept-language", "")):
        if language in LANGUAGES:
            return language
    return container(request).settings().language


def accepted(header: str) -> list[str]:
    """The primary language subtags of an Accept-Language header, most wanted first (`es-AR` is `es`)."""
    weighted = []
    for position, item in enumerate(header.split(",")[:_MAX_TAGS]):
        tag, _, params = item.strip().partition(";")
        weight = 1.0
        for param in params.split(";"):
            name, _, value = param.strip().partition("=")
            if name.strip().lower() == "q":
                weight = _weight(value)
        primary = tag.strip().split("-")[0].lower()
        if primary and primary != "*" and weight > 0:
            weighted.append((-weight, position, primary))
    return [primary for _, _, primary in sorted(weighted)]


def _weight(value: str) -> float:
    try:
        return min(max(float(value.strip()), 0.0), 1.0)
    except ValueError:
        return 0.0
