"""The stage editor, for admins: the pipeline's stages, their reasons and the log of changes, each change
one small form (no script) that carries the version of the stages it was filled in on."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from leadsmanager.application.pipeline.editing import StagesChanged
from leadsmanager.domain.errors import Conflict, NotFound, ValidationError
from leadsmanager.domain.pipeline import StageKind
from leadsmanager.domain.pipeline import edits as e
from leadsmanager.domain.roles import Permission
from leadsmanager.entrypoints.http.context import container
from leadsmanager.entrypoints.web.context import redirect, render, require, verified_form
from leadsmanager.entrypoints.web.i18n.messages import catalogue, refusal, translate
from leadsmanager.entrypoints.web.i18n.stage_changes import StageChangeText

PATH = "/settings/stages"


def _labels(form: Mapping[str, str]) -> dict[str, str]:
    return {"en": form.get("label_en", ""), "es": form.get("label_es", "")}


def _kind(form: Mapping[str, str]) -> StageKind:
    try:
        return StageKind(form.get("kind", ""))
    except ValueError:
        kinds = ", ".join(StageKind)
        raise ValidationError(f"a stage's kind is one of: {kinds}", {"kind": f"one of: {kinds}"}) from None


# Each form's `change`, and the edit it asks for from what the form holds.
EDITS: dict[str, Callable[[Mapping[str, str]], e.StageEdit]] = {
    "add": lambda f: e.AddStage(f.get("key", ""), _labels(f), _kind(f)),
    "rename": lambda f: e.Rename(f.get("key", ""), _labels(f)),
    "up": lambda f: e.Move(f.get("key", ""), -1),
    "down": lambda f: e.Move(f.get("key", ""), 1),
    "require_reason": lambda f: e.RequireReason(f.get("key", ""), f.get("required") == "yes"),
    "retire": lambda f: e.Retire(f.get("key", ""), True),
    "unretire": lambda f: e.Retire(f.get("key", ""), False),
    "delete": lambda f: e.Delete(f.get("key", "")),
    "start": lambda f: e.SetStart(f.get("key", "")),
    "kind": lambda f: e.ChangeKind(f.get("key", ""), _kind(f)),
    "add_reason": lambda f: e.AddReason(f.get("key", ""), _labels(f)),
    "rename_reason": lambda f: e.RenameReason(f.get("key", ""), f.get("reason", ""), _labels(f)),
    "retire_reason": lambda f: e.RetireReason(f.get("key", ""), f.get("reason", ""), True),
    "unretire_reason": lambda f: e.RetireReason(f.get("key", ""), f.get("reason", ""), False),
}


def kind_names(request: Request) -> dict[str, str]:
    return {
        StageKind.OPEN: translate(request, "open"),
        StageKind.WON: translate(request, "won"),
        StageKind.LOST: translate(request, "lost"),
        StageKind.SPAM: translate(request, "spam"),
        StageKind.EXCLUDED: translate(request, "excluded"),
    }


def stages_page(request: Request, status_code: int = 200, **context: Any) -> Response:
    actor = require(request, Permission.EDIT_STAGES)
    sheet = container(request).stage_editor()(by=actor)
    page: dict[str, Any] = {"error": "", "typed": {}, **context}
    kinds = kind_names(request)
    said = _change_text(request, kinds)
    log = [(change, said(change)) for change in sheet.log]
    return render(request, "stages.html", status_code=status_code, sheet=sheet, kinds=kinds, log=log, **page)


def _change_text(request: Request, kinds: Mapping[str, str] | None = None) -> StageChangeText:
    """Says a logged change in the reader's language (its stored English words when it was logged without
    its parameters)."""
    words = catalogue(request)
    return StageChangeText(words.gettext, words.ngettext, kinds if kinds is not None else kind_names(request))


def change_stages(request: Request) -> Response:
    actor = require(request, Permission.EDIT_STAGES)
    form = verified_form(request)
    make = EDITS.get(form.get("change", ""))
    if make is None:
        raise NotFound("there is no such change")
    try:
        done = container(request).edit_stages()(make(form), by=actor, version=form.get("version", ""))
    except (ValidationError, Conflict, NotFound) as error:  # the page as it is now, the refused form kept
        stale = isinstance(error, StagesChanged)
        why = {"reason": refusal(request, error)}
        message = _stale_message(request) if stale else translate(request, "Not saved: %(reason)s") % why
        status = 409 if isinstance(error, Conflict) else 400
        return stages_page(request, status_code=status, error=message, typed=form)
    said = translate(request, "Saved: %(change)s") % {"change": _change_text(request)(done)} if done else ""
    return redirect(request, PATH, said or translate(request, "Nothing was changed"))


def _stale_message(request: Request) -> str:
    return translate(
        request,
        "Not saved: the stages were changed meanwhile (by another admin, or in another tab), so nothing was "
        "changed. They are shown below as they are now; make your change again if it still applies.",
    )


routes = [
    Route(PATH, stages_page, methods=["GET"]),
    Route(PATH, change_stages, methods=["POST"]),
]
