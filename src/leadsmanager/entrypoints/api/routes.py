"""The v1 endpoints: each parses, calls one use case and answers JSON."""

from __future__ import annotations

import hashlib
import json

from starlette.concurrency import run_in_threadpool
from starlette.datastructures import QueryParams
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

import leadsmanager.entrypoints.http.ids  # noqa: F401  (registers the {name:id} path parameter)
from leadsmanager.application.intake import HANDLED_BY_THE_TEAM, Idempotency, Outcome
from leadsmanager.application.parsing import entity_tag, whole_number
from leadsmanager.application.queries import MAX_PAGE_SIZE
from leadsmanager.domain.api_key import Scope
from leadsmanager.domain.errors import ContactTaken, NotFound, ValidationError
from leadsmanager.domain.period import time_zone
from leadsmanager.entrypoints.api.auth import caller
from leadsmanager.entrypoints.api.openapi import document
from leadsmanager.entrypoints.api.problems import ApiProblem
from leadsmanager.entrypoints.api.schemas import (
    LeadsJSON,
    history_json,
    intake_form,
    json_body,
    lead_changes,
    lead_json,
)
from leadsmanager.entrypoints.api.stages import stages_json
from leadsmanager.entrypoints.api.stats import stats_json
from leadsmanager.entrypoints.http.context import container
from leadsmanager.entrypoints.http.lead_filters import Params, lead_query, one, params_from
from leadsmanager.entrypoints.http.report_params import REPORT_PARAMETERS, report_query

LIST_PARAMETERS = {
    "status",
    "assignee",
    "source",
    "site",
    "form",
    "service",
    "campaign",
    "from",
    "to",
    "q",
    "sort",
    "cursor",
    "limit",
}


def only(query: QueryParams, known: set[str]) -> Params:
    """A misspelt filter must not silently widen the answer."""
    params = params_from(query.multi_items())
    unknown = {name: "unknown parameter" for name in params if name not in known}
    unknown |= {name: "give it once" for name, values in params.items() if name != "status" and len(values) > 1}
    if unknown:
        raise ValidationError("query parameters not understood: " + ", ".join(sorted(unknown)), unknown)
    return params


def etag(version: int) -> str:
    return f'"{version}"'


# The async endpoints only read the body on the event loop; the rest, which waits on the database,
# runs in the thread pool like the plain `def` endpoints, so one slow commit does not hold up the process.


async def create_lead(request: Request) -> Response:
    return await run_in_threadpool(_create_lead, request, await request.body())


def _create_lead(request: Request, raw: bytes) -> Response:
    who = caller(request, Scope.LEADS_WRITE)
    body = json_body(request, raw)
    form = intake_form(body)
    key = request.headers.get("idempotency-key", "").strip()
    if len(key) > 191:
        raise ValidationError("the Idempotency-Key is longer than 191 characters", {"Idempotency-Key": "too long"})
    fingerprint = hashlib.sha256(json.dumps(body, sort_keys=True).encode()).hexdigest()
    once = Idempotency(who.owner, key, fingerprint) if key else None
    by = None if who.owner.startswith("key:") else who.actor
    built = container(request)
    result = built.submit_lead()(form, by=by, idempotency=once)
    status = 201 if result.outcome is Outcome.CREATED else 200
    try:
        lead = built.get_lead().submitted(result, by=who.actor)
    except NotFound:  # an employee's submission joined a colleague's lead: neither its id nor its record
        return LeadsJSON({"outcome": result.outcome.value, "detail": HANDLED_BY_THE_TEAM}, status)
    headers = {"Location": f"/api/v1/leads/{result.lead_id}"}
    if not who.reads:
        return LeadsJSON({"outcome": result.outcome.value, "lead": {"id": result.lead_id}}, status, headers)
    headers["ETag"] = etag(lead.version)
    return LeadsJSON({"outcome": result.outcome.value, "lead": lead_json(lead)}, status, headers)


def list_leads(request: Request) -> Response:
    who = caller(request, Scope.LEADS_READ)
    params = only(request.query_params, LIST_PARAMETERS)
    limit = whole_number(one(params, "limit", "50"), "limit", minimum=1, maximum=MAX_PAGE_SIZE)
    renamed = {("after" if k == "cursor" else k): v for k, v in params.items()}
    built = container(request)
    query = lead_query(renamed, zone=time_zone(built.settings().time_zone), limit=limit)
    page = built.list_leads()(query, by=who.actor)
    cursor = page.next_cursor.encode() if page.next_cursor else None
    return LeadsJSON({"items": [lead_json(x) for x in page.leads], "next_cursor": cursor})


def get_lead(request: Request) -> Response:
    who = caller(request, Scope.LEADS_READ)
    view = container(request).get_lead()(request.path_params["lead_id"], by=who.actor, with_names=False)
    body = {**lead_json(view.lead), "history": [history_json(e) for e in view.lead.history]}
    return LeadsJSON(body, headers={"ETag": etag(view.lead.version)})


async def patch_lead(request: Request) -> Response:
    return await run_in_threadpool(_patch_lead, request, await request.body())


def _patch_lead(request: Request, raw: bytes) -> Response:
    who = caller(request, Scope.LEADS_WRITE)
    changes, version = lead_changes(json_body(request, raw))
    tagged = _tagged_version(request.headers.get("if-match", ""))
    expected = version if tagged is None else tagged
    if expected is None:
        raise ApiProblem(428, "send If-Match with the lead's ETag, or its version, so no change is lost")
    try:
        lead = container(request).update_lead()(
            request.path_params["lead_id"], changes, by=who.actor, expected_version=expected
        )
    except ContactTaken as e:
        raise e if who.reads else e.without_names() from None
    body = lead_json(lead) if who.reads else {"id": lead.id, "version": lead.version}
    return LeadsJSON(body, headers={"ETag": etag(lead.version)})


def _tagged_version(if_match: str) -> int | None:
    if not if_match.strip():
        return None
    try:
        return entity_tag(if_match)
    except ValidationError as e:
        raise ApiProblem(412, str(e), fields=e.fields) from None


def stats(request: Request) -> Response:
    """The reports page's figures; all time unless from/to say otherwise."""
    who = caller(request, Scope.LEADS_READ)
    params = only(request.query_params, REPORT_PARAMETERS)
    built = container(request)
    zone, now = built.settings().time_zone, built.clock().now()
    report = built.reports()(report_query(params, zone=zone, now=now, recent_by_default=False), by=who.actor)
    return JSONResponse(stats_json(report))


def stages(request: Request) -> Response:
    """The configured pipeline: the keys `status` takes, in order, with their kinds and labels."""
    caller(request, Scope.LEADS_READ)
    return JSONResponse(stages_json(container(request).stages()()))


def openapi(request: Request) -> Response:
    return JSONResponse(document())


routes = [
    Route("/api/v1/leads", create_lead, methods=["POST"]),
    Route("/api/v1/leads", list_leads, methods=["GET"]),
    Route("/api/v1/leads/{lead_id:id}", get_lead, methods=["GET"]),
    Route("/api/v1/leads/{lead_id:id}", patch_lead, methods=["PATCH"]),
    Route("/api/v1/stats", stats, methods=["GET"]),
    Route("/api/v1/stages", stages, methods=["GET"]),
    Route("/api/v1/openapi.json", openapi, methods=["GET"]),
]
