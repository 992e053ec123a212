"""The Sources page, for admins: each configured site's forms, how their sync is going, and the
failed-submissions inbox with a replay of one submission or all."""

from __future__ import annotations

from collections.abc import Sequence

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

import leadsmanager.entrypoints.http.ids  # noqa: F401  (registers the {name:id} path parameter)
from leadsmanager.application.failed_submissions import Replay
from leadsmanager.application.intake import Outcome
from leadsmanager.domain.failed_submission import FailedSubmission
from leadsmanager.domain.roles import Permission
from leadsmanager.entrypoints.http.context import container
from leadsmanager.entrypoints.web.context import redirect, render, require, verified_form
from leadsmanager.entrypoints.web.i18n.messages import refusal, translate

# A flash message travels in a cookie: a reason is cut here, and read whole on the page.
REASON_SHOWN = 300
REFUSALS_SHOWN = 3
MAX_ID_DIGITS = 18


def sources_page(request: Request) -> Response:
    actor = require(request, Permission.MANAGE_SOURCES)
    before = _before(request)
    view = container(request).source_health()(by=actor, before=before)
    return render(request, "sources.html", view=view, first_page=before is None)


def _before(request: Request) -> int | None:
    """The page of failed submissions asked for: those with ids below `?before=`; from the newest otherwise."""
    given = request.query_params.get("before", "")
    return int(given) if given.isdecimal() and len(given) <= MAX_ID_DIGITS else None


def replay_failed(request: Request) -> Response:
    """One waiting submission (its id in the path), or all of them, through the forms' current mapping."""
    require(request, Permission.MANAGE_SOURCES)
    verified_form(request)
    failed_id = request.path_params.get("failed_id")
    replays = container(request).failed_submissions().replay(failed_id)
    message, kind = outcome_message(request, replays, one=failed_id is not None)
    return redirect(request, "/sources#failed-submissions", message, kind)


def outcome_message(request: Request, replays: Sequence[Replay], *, one: bool) -> tuple[str, str]:
    """What the flash says, in the reader's language, and whether as a success or an error."""
    if not replays:
        return translate(request, "No failed submission was waiting."), "success"
    refused = [r for r in replays if not r.succeeded]
    if one:
        [replay] = replays
        return _told(request, replay), "error" if refused else "success"
    made = len(replays) - len(refused)
    said = {"count": len(replays), "made": made, "refused": len(refused)}
    if not refused:
        return translate(request, "Replayed %(count)s submission(s): %(made)s made or joined a lead.") % said, "success"
    told = "; ".join(_told(request, r) for r in refused[:REFUSALS_SHOWN])
    message = translate(
        request,
        "Replayed %(count)s submission(s): %(made)s made or joined a lead, %(refused)s still refused: %(told)s.",
    )
    return message % (said | {"told": told}), "error"


def _told(request: Request, replay: Replay) -> str:
    said = {"id": replay.after.id, "origin": _origin(request, replay.after), "lead": replay.after.lead_id}
    if replay.outcome is None:
        reason = _cut(refusal(request, replay.after.reason))
        return translate(request, "Submission %(id)s (%(origin)s) is still refused: %(reason)s") % (
            said | {"reason": reason}
        )
    made = {
        Outcome.CREATED: translate(request, "Submission %(id)s (%(origin)s) made lead #%(lead)s"),
        Outcome.MERGED: translate(request, "Submission %(id)s (%(origin)s) joined open lead #%(lead)s"),
        Outcome.DUPLICATE: translate(request, "Submission %(id)s (%(origin)s) was already lead #%(lead)s"),
    }
    return made.get(replay.outcome, made[Outcome.CREATED]) % said


def _origin(request: Request, failed: FailedSubmission) -> str:
    form = f"{failed.site}/{failed.form_id}"
    if not failed.submission_id:
        return form
    return translate(request, "%(form)s, entry %(entry)s") % {"form": form, "entry": failed.submission_id}


def _cut(reason: str) -> str:
    return reason if len(reason) <= REASON_SHOWN else reason[: REASON_SHOWN - 1] + "…"


routes = [
    Route("/sources", sources_page, methods=["GET"]),
    Route("/sources/failed/replay", replay_failed, methods=["POST"]),
    Route("/sources/failed/{failed_id:id}/replay", replay_failed, methods=["POST"]),
]
