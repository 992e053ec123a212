"""Each person's own profile: the language of their pages."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from leadsmanager.domain.errors import ValidationError
from leadsmanager.domain.language import LANGUAGES
from leadsmanager.entrypoints.http.context import container
from leadsmanager.entrypoints.web.context import redirect, render, require, verified_form
from leadsmanager.entrypoints.web.i18n.messages import translate


def profile_page(request: Request) -> Response:
    actor = require(request)
    me = container(request).profile().get(by=actor)
    default = container(request).settings().language
    return render(request, "profile.html", me=me, languages=LANGUAGES, default_language=LANGUAGES[default])


def save_profile(request: Request) -> Response:
    actor = require(request)
    form = verified_form(request)
    try:
        me = container(request).profile().choose_language(form.get("language", ""), by=actor)
    except ValidationError:
        return redirect(request, "/profile", translate(request, "Choose one of the languages offered."), kind="error")
    saved = translate(request, "Your profile is saved.", language=me.language or container(request).settings().language)
    return redirect(request, "/profile", saved)


routes = [
    Route("/profile", profile_page, methods=["GET"]),
    Route("/profile", save_profile, methods=["POST"]),
]
