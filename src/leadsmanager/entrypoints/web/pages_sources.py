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

# A flash message travels in a cookie: a reason is cut here, and read whole on the page.
REASON_SHOWN = 300
REFUSALS_SHOWN = 3
MADE = {Outcome.CREATED: "made lead", Outcome.MERGED: "joined open lead", Outcome.DUPLICATE: "was already lead"}


def sources_page(request: Request) -> Response:
    actor = require(request, Permission.MANAGE_SOURCES)
    view = container(request).source_health()(by=actor)
    return render(request, "sources.html", view=view)


def replay_failed(request: Request) -> Response:
    """One waiting submission (its id in the path), or all of them, through the forms' current mapping."""
    require(request, Permission.MANAGE_SOURCES)
    verified_form(request)
    failed_id = request.path_params.get("failed_id")
    replays = container(request).failed_submissions().replay(failed_id)
    message, kind = outcome_message(replays, one=failed_id is not None)
    return redirect(request, "/sources#failed-submissions", message, kind)


def outcome_message(replays: Sequence[Replay], *, one: bool) -> tuple[str, str]:
    """What the flash says, and whether as a success or an error."""
    if not replays:
        return "No failed submission was waiting.", "success"
    refused = [r for r in replays if not r.succeeded]
    if one:
        [replay] = replays
        return _told(replay), "error" if refused else "success"
    made = len(replays) - len(refused)
    told = [f"Replayed {len(replays)} submission(s): {made} made or joined a lead"]
    if refused:
        told.append(f"{len(refused)} still refused: " + "; ".join(_told(r) for r in refused[:REFUSALS_SHOWN]))
    return ", ".join(told) + ".", "error" if refused else "success"


def _told(replay: Replay) -> str:
    what = f"Submission {replay.after.id} ({_origin(replay.after)})"
    if replay.outcome is None:
        return f"{what} is still refused: {_cut(replay.after.reason)}"
    return f"{what} {MADE.get(replay.outcome, 'made lead')} #{replay.after.lead_id}"


def _origin(failed: FailedSubmission) -> str:
    entry = f", entry {failed.submission_id}" if failed.submission_id else ""
    return f"{failed.site}/{failed.form_id}{entry}"


def _cut(reason: str) -> str:
    return reason if len(reason) <= REASON_SHOWN else reason[: REASON_SHOWN - 1] + "…"


routes = [
    Route("/sources", sources_page, methods=["GET"]),
    Route("/sources/failed/replay", replay_failed, methods=["POST"]),
    Route("/sources/failed/{failed_id:id}/replay", replay_failed, methods=["POST"]),
]
