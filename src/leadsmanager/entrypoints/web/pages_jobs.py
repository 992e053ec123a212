"""Background jobs for admins: where notices go, the local outbox, and failed tasks to retry."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response
from starlette.routing import Route

import leadsmanager.entrypoints.http.ids  # noqa: F401  (registers the {name:id} path parameter)
from leadsmanager.domain.roles import Permission
from leadsmanager.entrypoints.http.context import container
from leadsmanager.entrypoints.web.context import redirect, render, require, verified_form
from leadsmanager.entrypoints.web.i18n.messages import translate

SERVICE_NAMES = {"perfit": "Perfit", "smtp": "SMTP", "slack": "Slack"}  # as their makers write them; the outbox is ours


def jobs_page(request: Request) -> Response:
    require(request, Permission.MANAGE_USERS)
    built = container(request)
    notifiers = built.notifiers()
    return render(
        request,
        "jobs.html",
        email_via=SERVICE_NAMES.get(notifiers.email_via, notifiers.email_via),
        chat_via=SERVICE_NAMES.get(notifiers.chat_via, notifiers.chat_via),
        workers=bool(built.settings().redis_url),
        pending=built.relay_outbox().waiting(),
        failed=built.failed_tasks().waiting(),
        outbox=built.outbox().entries(),
    )


def outbox_message(request: Request) -> Response:
    require(request, Permission.MANAGE_USERS)
    # Plain text: whatever a lead typed is shown, never interpreted.
    return PlainTextResponse(container(request).outbox().read(request.path_params["name"]))


def retry_failed(request: Request) -> Response:
    require(request, Permission.MANAGE_USERS)
    verified_form(request)
    task_id = request.path_params.get("task_id")
    retried = container(request).failed_tasks().retry(task_id)
    queued = translate(request, "%(count)s task(s) queued again")
    return redirect(request, "/jobs", queued % {"count": len(retried)})


routes = [
    Route("/jobs", jobs_page, methods=["GET"]),
    Route("/jobs/outbox/{name:str}", outbox_message, methods=["GET"]),
    Route("/jobs/failed/retry", retry_failed, methods=["POST"]),
    Route("/jobs/failed/{task_id:id}/retry", retry_failed, methods=["POST"]),
]
