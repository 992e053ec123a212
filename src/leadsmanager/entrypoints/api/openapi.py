"""The OpenAPI 3.1 description of API v1. A test checks it against the routes and responses."""

from __future__ import annotations

from typing import Any

from leadsmanager.application.queries import MAX_PAGE_SIZE
from leadsmanager.domain.lead import UTM_FIELDS, Channel
from leadsmanager.domain.status import LeadStatus

STRING_MAP = {"type": "object", "additionalProperties": {"type": "string"}}
NULLABLE_STRING = {"type": ["string", "null"]}
TIME = {"type": "string", "format": "date-time"}


def _ref(name: str) -> dict[str, str]:
    return {"$ref": f"#/components/schemas/{name}"}


def _json(schema: dict[str, Any], description: str, headers: dict[str, Any] | None = None) -> dict[str, Any]:
    response: dict[str, Any] = {"description": description, "content": {"application/json": {"schema": schema}}}
    if headers:
        response["headers"] = headers
    return response


def _problems(*statuses: int) -> dict[str, Any]:
    problem = {"application/problem+json": {"schema": _ref("Problem")}}
    return {str(s): {"description": "A problem (RFC 9457)", "content": problem} for s in statuses}


LEAD = {
    "type": "object",
    "required": ["id", "version", "status", "name", "source", "created_at", "updated_at"],
    "properties": {
        "id": {"type": "integer"},
        "version": {"type": "integer"},
        "status": {"enum": [s.value for s in LeadStatus]},
        "assignee_id": {"type": ["integer", "null"]},
        "name": {"type": "string"},
        "email": NULLABLE_STRING,
        "phone": {**NULLABLE_STRING, "description": "E.164"},
        "company": {"type": "string"},
        "service": {"type": "string"},
        "message": {"type": "string"},
        "source": {"enum": [c.value for c in Channel]},
        "site": {"type": "string"},
        "form_id": {"type": "string"},
        "external_id": NULLABLE_STRING,
        "extras": STRING_MAP,
        "utm": STRING_MAP,
        "created_at": TIME,
        "updated_at": TIME,
        "first_response_at": {
            "type": ["string", "null"],
            "format": "date-time",
            "description": "when a person first changed the status or wrote a note",
        },
        "stage_reached": {"enum": ["new", "contacted", "qualified", "proposal", "won"]},
        "score": {"type": "integer", "minimum": 0, "maximum": 100},
    },
}
INTAKE = {
    "type": "object",
    "additionalProperties": False,
    "description": "A name and an email or phone are required.",
    "properties": {
        "name": {"type": "string", "maxLength": 200},
        "email": {"type": "string", "maxLength": 254},
        "phone": {"type": "string", "maxLength": 40},
        "company": {"type": "string", "maxLength": 200},
        "service": {"type": "string", "maxLength": 120},
        "message": {"type": "string", "maxLength": 10000},
        "site": {"type": "string", "maxLength": 200},
        "form_id": {"type": "string", "maxLength": 100},
        "external_id": {"type": "string", "maxLength": 191},
        "extras": {**STRING_MAP, "maxProperties": 50},
        "utm": {
            "type": "object",
            "properties": {k: {"type": "string"} for k in UTM_FIELDS},
            "additionalProperties": {"type": "string"},
        },
    },
}
CHANGE = {
    "type": "object",
    "additionalProperties": False,
    "minProperties": 1,
    "properties": {
        "status": {"enum": [s.value for s in LeadStatus]},
        "assignee_id": {"type": ["integer", "null"]},
        "version": {"type": "integer", "description": "the version you read; or send If-Match"},
    },
}
PROBLEM = {
    "type": "object",
    "required": ["title", "status", "detail"],
    "properties": {
        "type": {"type": "string"},
        "title": {"type": "string"},
        "status": {"type": "integer"},
        "detail": {"type": "string"},
        "errors": {
            "type": "array",
            "items": {
                "type": "object",
                "required": ["field", "message"],
                "properties": {"field": {"type": "string"}, "message": {"type": "string"}},
            },
        },
    },
}
PUSHED = {
    "type": "object",
    "required": ["form_id", "submission"],
    "properties": {
        "form_id": {"type": "string"},
        "submission": {
            "type": "object",
            "required": ["id", "created_at", "fields"],
            "properties": {"id": {"type": "string"}, "created_at": TIME, "fields": STRING_MAP},
        },
    },
}
PUSH_RESULT = {
    "type": "object",
    "required": ["outcome", "lead_id"],
    "properties": {"outcome": {"enum": ["created", "merged", "duplicate"]}, "lead_id": {"type": "integer"}},
}
COUNTS = {"type": "object", "additionalProperties": {"type": "integer"}}
# Every filter also takes an empty value, meaning "no filter", as an HTML form sends it.
FILTERS = [
    {"name": "status", "in": "query", "schema": {"enum": ["", *(s.value for s in LeadStatus)]}},
    {
        "name": "assignee",
        "in": "query",
        "description": "a user id, or none for unassigned",
        "schema": {"anyOf": [{"type": "string", "pattern": "^[0-9]+$"}, {"enum": ["", "none"]}]},
    },
    {"name": "source", "in": "query", "schema": {"enum": ["", *(c.value for c in Channel)]}},
    {"name": "site", "in": "query", "schema": {"type": "string"}},
    {"name": "form", "in": "query", "schema": {"type": "string"}},
    {"name": "service", "in": "query", "schema": {"type": "string"}},
    {
        "name": "from",
        "in": "query",
        "schema": {"anyOf": [{"type": "string", "format": "date"}, {"const": ""}]},
        "description": "first day, inclusive; empty means no limit",
    },
    {
        "name": "to",
        "in": "query",
        "schema": {"anyOf": [{"type": "string", "format": "date"}, {"const": ""}]},
        "description": "last day, inclusive; empty means no limit",
    },
    {"name": "q", "in": "query", "schema": {"type": "string"}, "description": "name, email, phone, company"},
    {
        "name": "sort",
        "in": "query",
        "schema": {"enum": ["", "newest", "oldest", "score"]},
        "description": "score: best first, ties newest first",
    },
    {"name": "cursor", "in": "query", "schema": {"type": "string"}},
    {"name": "limit", "in": "query", "schema": {"type": "integer", "minimum": 1, "maximum": MAX_PAGE_SIZE}},
]
LEAD_ID = [{"name": "lead_id", "in": "path", "required": True, "schema": {"type": "integer"}}]
REPORT_DAY = {"anyOf": [{"type": "string", "format": "date"}, {"const": ""}]}
REPORT_FILTERS = [
    {
        "name": "assignee",
        "in": "query",
        "description": "one rep's leads (a user id); an employee only ever sees their own",
        "schema": {"anyOf": [{"type": "string", "pattern": "^[0-9]+$"}, {"const": ""}]},
    },
    {"name": "from", "in": "query", "schema": REPORT_DAY, "description": "first local day, inclusive; empty: no limit"},
    {"name": "to", "in": "query", "schema": REPORT_DAY, "description": "last local day, inclusive; empty: no limit"},
    {
        "name": "tz",
        "in": "query",
        "schema": {"type": "string"},
        "description": "IANA time zone whose midnights start the days (default LEADSMANAGER_TIME_ZONE)",
    },
]
COUNT = {"type": "integer", "minimum": 0}
WITHIN = {
    "description": "the bucket bound a percentile falls within, or past the last bound; null: nothing answered",
    "oneOf": [
        {"type": "null"},
        {"type": "object", "required": ["within_seconds"], "properties": {"within_seconds": COUNT}},
        {"type": "object", "required": ["over_seconds"], "properties": {"over_seconds": COUNT}},
    ],
}
RESPONSE_TIMES = {
    "type": "object",
    "required": ["answered", "median", "p90"],
    "properties": {"answered": COUNT, "median": WITHIN, "p90": WITHIN},
}


def _rows(**properties: Any) -> dict[str, Any]:
    return {
        "type": "array",
        "items": {"type": "object", "required": list(properties), "properties": properties},
    }


STATS = {
    "type": "object",
    "required": ["total", "by_status", "by_source", "by_assignee", "period", "funnel", "first_response", "reps"],
    "properties": {
        "total": {"type": "integer"},
        "by_status": COUNTS,
        "by_source": COUNTS,
        "by_assignee": COUNTS,
        "period": {
            "type": "object",
            "required": ["from", "to", "time_zone"],
            "properties": {"from": NULLABLE_STRING, "to": NULLABLE_STRING, "time_zone": {"type": "string"}},
        },
        "by_site": _rows(site={"type": "string"}, form_id={"type": "string"}, leads=COUNT),
        "by_service": _rows(service={"type": "string"}, leads=COUNT),
        "funnel": {
            **_rows(stage={"enum": ["new", "contacted", "qualified", "proposal", "won"]}, leads=COUNT),
            "description": "leads that reached each stage or went further (won: won now); spam left out",
        },
        "lost": COUNT,
        "conversion_by_source": _rows(
            source={"enum": [c.value for c in Channel]},
            leads=COUNT,
            spam=COUNT,
            won=COUNT,
            rate={"type": ["number", "null"], "description": "won / (leads - spam)"},
        ),
        "first_response": {
            "allOf": [
                RESPONSE_TIMES,
                {
                    "type": "object",
                    "required": ["follow_up_hours", "waiting_past_follow_up"],
                    "properties": {"follow_up_hours": COUNT, "waiting_past_follow_up": COUNT},
                },
            ]
        },
        "reps": _rows(
            assignee_id={"type": ["integer", "null"]},
            name={"type": "string"},
            leads=COUNT,
            open=COUNT,
            won=COUNT,
            lost=COUNT,
            waiting_past_follow_up=COUNT,
            first_response=RESPONSE_TIMES,
        ),
    },
}
ETAG = {"ETag": {"schema": {"type": "string"}, "description": "the lead's version, for If-Match"}}


def document() -> dict[str, Any]:
    read, write = [{"apiKey": ["leads:read"]}], [{"apiKey": ["leads:write"]}]
    return {
        "openapi": "3.1.0",
        "info": {"title": "LeadsManager API", "version": "1.0.0"},
        "components": {
            "securitySchemes": {"apiKey": {"type": "http", "scheme": "bearer"}},
            "schemas": {"Lead": LEAD, "LeadIntake": INTAKE, "LeadChange": CHANGE, "Problem": PROBLEM},
        },
        "security": read,
        "paths": {
            "/api/v1/leads": {
                "post": {
                    "operationId": "createLead",
                    "security": write,
                    "parameters": [
                        {"name": "Idempotency-Key", "in": "header", "schema": {"type": "string", "maxLength": 191}}
                    ],
                    "requestBody": {"required": True, "content": {"application/json": {"schema": _ref("LeadIntake")}}},
                    "responses": {
                        "201": _json(_outcome(), "created"),
                        "200": _json(_outcome(), "joined an open lead of the same person, or a replay"),
                        **_problems(400, 401, 403, 409, 413, 415, 422, 429),
                    },
                },
                "get": {
                    "operationId": "listLeads",
                    "parameters": FILTERS,
                    "responses": {
                        "200": _json(
                            {
                                "type": "object",
                                "required": ["items", "next_cursor"],
                                "properties": {
                                    "items": {"type": "array", "items": _ref("Lead")},
                                    "next_cursor": NULLABLE_STRING,
                                },
                            },
                            "one page, newest first unless sort=oldest",
                        ),
                        **_problems(400, 401, 403, 422, 429),
                    },
                },
            },
            "/api/v1/leads/{lead_id}": {
                "get": {
                    "operationId": "getLead",
                    "parameters": LEAD_ID,
                    "responses": {
                        "200": _json(_with_history(), "the lead and its history", ETAG),
                        **_problems(401, 403, 404, 429),
                    },
                },
                "patch": {
                    "operationId": "changeLead",
                    "security": write,
                    "parameters": [*LEAD_ID, {"name": "If-Match", "in": "header", "schema": {"type": "string"}}],
                    "requestBody": {"required": True, "content": {"application/json": {"schema": _ref("LeadChange")}}},
                    "responses": {
                        "200": _json(_changed(), "changed", ETAG),
                        **_problems(400, 401, 403, 404, 409, 412, 415, 422, 428, 429),
                    },
                },
            },
            "/api/v1/intake/wordpress/{site}": {
                "post": {
                    "operationId": "pushWordPressSubmission",
                    "description": "Signed by the site's webhook secret: X-LeadsManager-Timestamp (unix seconds) and "
                    "X-LeadsManager-Signature: sha256=hex(HMAC-SHA256(secret, timestamp + '.' + body)); "
                    "5-minute window. See docs/wordpress-plugin.md.",
                    "security": [],
                    "parameters": [
                        {"name": "site", "in": "path", "required": True, "schema": {"type": "string"}},
                        {"name": "X-LeadsManager-Timestamp", "in": "header", "schema": {"type": "string"}},
                        {"name": "X-LeadsManager-Signature", "in": "header", "schema": {"type": "string"}},
                    ],
                    "requestBody": {"required": True, "content": {"application/json": {"schema": PUSHED}}},
                    "responses": {
                        "201": _json(PUSH_RESULT, "created"),
                        "200": _json(PUSH_RESULT, "already imported, or joined the person's open lead"),
                        **_problems(400, 401, 404, 413, 415, 422),
                    },
                },
            },
            "/api/v1/stats": {
                "get": {
                    "operationId": "leadStats",
                    "description": "The reports page's figures over a period (all time unless from/to say otherwise).",
                    "parameters": REPORT_FILTERS,
                    "responses": {
                        "200": _json(STATS, "counts, funnel, conversion and first-response times over the period"),
                        **_problems(400, 401, 403, 422, 429),
                    },
                },
            },
        },
    }


def _outcome() -> dict[str, Any]:
    return {
        "type": "object",
        "description": "The lead's record only for a caller that may read it; a key without leads:read gets "
        "its id. An employee whose submission matches a colleague's lead gets only `detail`.",
        "required": ["outcome"],
        "properties": {
            "outcome": {"enum": ["created", "merged", "duplicate"]},
            "detail": {"type": "string"},
            "lead": {
                "oneOf": [
                    _ref("Lead"),
                    {
                        "type": "object",
                        "required": ["id"],
                        "properties": {"id": {"type": "integer"}},
                        "additionalProperties": False,
                    },
                ]
            },
        },
    }


def _changed() -> dict[str, Any]:
    """The lead, or for a key without leads:read only its id and new version."""
    only_id = {
        "type": "object",
        "required": ["id", "version"],
        "properties": {"id": {"type": "integer"}, "version": {"type": "integer"}},
        "additionalProperties": False,
    }
    return {"oneOf": [_ref("Lead"), only_id]}


def _with_history() -> dict[str, Any]:
    entry = {
        "type": "object",
        "properties": {
            "at": TIME,
            "field": {"type": "string"},
            "old": NULLABLE_STRING,
            "new": NULLABLE_STRING,
            "actor_id": {"type": ["integer", "null"]},
        },
    }
    return {"allOf": [_ref("Lead"), {"type": "object", "properties": {"history": {"type": "array", "items": entry}}}]}
