"""JSON in and out of the API: strict about what comes in, complete about what goes out."""

from __future__ import annotations

from typing import Any

import orjson
from starlette.requests import Request
from starlette.responses import JSONResponse

from leadsmanager.application.editing import DETAIL_NAMES
from leadsmanager.application.intake import LeadForm
from leadsmanager.application.leads import LeadChanges
from leadsmanager.application.parsing import json_document
from leadsmanager.domain.errors import ValidationError
from leadsmanager.domain.lead import Channel, HistoryEntry, Lead
from leadsmanager.entrypoints.api.problems import ApiProblem

INTAKE_TEXT = ("name", "email", "phone", "company", "service", "message", "site", "form_id", "external_id", "campaign")
INTAKE_MAPS = ("extras", "utm")


class LeadsJSON(JSONResponse):
    """Starlette's JSONResponse written by orjson: the same bytes (compact UTF-8), in a fraction of the time
    a page of 50 leads takes json.dumps. Only for lead bodies, which hold no floats (orjson writes NaN as null)."""

    def render(self, content: Any) -> bytes:
        return orjson.dumps(content)


def require_json(request: Request) -> None:
    """The body is declared JSON: application/json, or a media type with the +json suffix."""
    media = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if media != "application/json" and not media.endswith("+json"):
        raise ApiProblem(415, "send the body as application/json")


def json_body(request: Request, raw: bytes) -> dict[str, Any]:
    """The request's body, already read, as the JSON object it must be."""
    require_json(request)
    try:
        body = json_document(raw)
    except ValidationError as e:
        raise ApiProblem(400, str(e), fields=e.fields) from None
    if not isinstance(body, dict):
        raise ApiProblem(400, "the body must be a JSON object", fields={"body": "not a JSON object"})
    return body


def _unknown(body: dict[str, Any], known: tuple[str, ...]) -> dict[str, str]:
    return {k: "unknown field" for k in body if k not in known}


def intake_form(body: dict[str, Any]) -> LeadForm:
    errors = _unknown(body, (*INTAKE_TEXT, *INTAKE_MAPS))
    errors |= {k: "must be a string" for k in INTAKE_TEXT if k in body and not isinstance(body[k], str)}
    for key in INTAKE_MAPS:
        value = body.get(key, {})
        if not isinstance(value, dict) or not all(isinstance(v, str) for v in value.values()):
            errors[key] = "must be an object of strings"
    if errors:
        raise ValidationError("the lead was not accepted", errors)
    return LeadForm.from_fields(
        Channel.API,
        body,
        site=body.get("site", ""),
        form_id=body.get("form_id", ""),
        external_id=body.get("external_id", ""),
        campaign=body.get("campaign", ""),
        extras=body.get("extras", {}),
        utm=body.get("utm", {}),
    )


# Details that may be null, as the lead's record writes them when it has none: null clears them, as "" does.
NULLABLE_DETAILS = ("email", "phone", "campaign")


def lead_changes(body: dict[str, Any]) -> tuple[LeadChanges, int | None]:
    errors = _unknown(body, ("status", "reason", "assignee_id", "version", *DETAIL_NAMES))
    for name in ("status", "reason"):
        if name in body and not isinstance(body[name], str):
            errors[name] = "must be a string"
    if "reason" in body and "status" not in body:
        errors["reason"] = "give it with the status it explains"
    errors |= {name: _detail_error(name) for name in DETAIL_NAMES if name in body and not _detail(name, body[name])}
    assignee = body.get("assignee_id")
    if "assignee_id" in body and assignee is not None and (not isinstance(assignee, int) or isinstance(assignee, bool)):
        errors["assignee_id"] = "must be a user id or null"
    version = body.get("version")
    if "version" in body and (not isinstance(version, int) or isinstance(version, bool)):
        errors["version"] = "must be an integer"
    if not errors and not ({"status", "assignee_id", *DETAIL_NAMES} & body.keys()):
        errors["status"] = "change the status, the assignee_id or a detail (" + ", ".join(DETAIL_NAMES) + ")"
    if errors:
        raise ValidationError("the change was not accepted", errors)
    status = body.get("status")  # UpdateLead checks it against the configured pipeline
    details = {name: body[name] or "" for name in DETAIL_NAMES if name in body}
    changes = LeadChanges(
        status=status, reason=body.get("reason"), assign="assignee_id" in body, assignee_id=assignee, details=details
    )
    return changes, version


def _detail(name: str, value: Any) -> bool:
    return isinstance(value, str) or (value is None and name in NULLABLE_DETAILS)


def _detail_error(name: str) -> str:
    return "must be a string or null" if name in NULLABLE_DETAILS else "must be a string"


def lead_json(lead: Lead) -> dict[str, Any]:
    """For LeadsJSON: orjson writes the datetimes (ISO 8601, as isoformat() does) and the enums (their
    values) itself, faster than converting them here for every lead of a page (bench/README.md)."""
    return {
        "id": lead.id,
        "version": lead.version,
        "status": lead.status,
        "assignee_id": lead.assignee_id,
        "name": lead.contact_name,
        "email": lead.email,
        "phone": lead.phone,
        "company": lead.company,
        "service": lead.service,
        "message": lead.message,
        "campaign": lead.campaign,
        "source": lead.source,
        "site": lead.site,
        "form_id": lead.form_id,
        "external_id": lead.external_id,
        "extras": lead.extras,
        "utm": lead.utm,
        "created_at": lead.created_at,
        "updated_at": lead.updated_at,
        "first_response_at": lead.first_response_at,
        "stage_reached": lead.stage_reached,
        "score": lead.score,
    }


def history_json(entry: HistoryEntry) -> dict[str, Any]:
    """For LeadsJSON, as lead_json."""
    return {
        "at": entry.at,
        "field": entry.field,
        "old": entry.old,
        "new": entry.new,
        "actor_id": entry.actor_id,
        "reason": entry.reason,
        "actor_deleted": entry.actor_deleted,
    }
