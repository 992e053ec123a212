"""The schemas, parameters and responses that the API v1 description is made of."""

from __future__ import annotations

from typing import Any

from leadsmanager.application.queries import MAX_PAGE_SIZE
from leadsmanager.domain.lead import UTM_FIELDS, Channel

STRING_MAP = {"type": "object", "additionalProperties": {"type": "string"}}
NULLABLE_STRING = {"type": ["string", "null"]}
TIME = {"type": "string", "format": "date-time"}
STATUS = {
    "type": "string",
    "maxLength": 16,
    "description": "a stage key of the configured pipeline: GET /api/v1/stages",
}
STAGES = {
    "type": "object",
    "required": ["start", "items"],
    "properties": {
        "start": {"type": "string", "description": "the stage new leads begin in"},
        "items": {
            "type": "array",
            "items": {
                "type": "object",
                "required": ["key", "order", "kind", "labels", "retired", "requires_reason", "reasons"],
                "properties": {
                    "key": {"type": "string"},
                    "order": {"type": "integer"},
                    "kind": {"enum": ["open", "won", "lost", "spam", "excluded"]},
                    "labels": {**STRING_MAP, "description": "by language code: en, es"},
                    "retired": {"type": "boolean"},
                    "requires_reason": {
                        "type": "boolean",
                        "description": "a move here must give one of its reasons in use (PATCH's reason)",
                    },
                    "reasons": {
                        "type": "array",
                        "description": "the reasons a lost or excluded stage keeps; a retired one is not taken",
                        "items": {
                            "type": "object",
                            "required": ["key", "labels", "retired"],
                            "properties": {
                                "key": {"type": "string"},
                                "labels": {**STRING_MAP, "description": "by language code: en, es"},
                                "retired": {"type": "boolean"},
                            },
                        },
                    },
                },
            },
        },
    },
}


def ref(name: str) -> dict[str, str]:
    return {"$ref": f"#/components/schemas/{name}"}


def json_response(schema: dict[str, Any], description: str, headers: dict[str, Any] | None = None) -> dict[str, Any]:
    response: dict[str, Any] = {"description": description, "content": {"application/json": {"schema": schema}}}
    if headers:
        response["headers"] = headers
    return response


def problems(*statuses: int) -> dict[str, Any]:
    problem = {"application/problem+json": {"schema": ref("Problem")}}
    return {str(s): {"description": "A problem (RFC 9457)", "content": problem} for s in statuses}


CAMPAIGN = {
    "type": "string",
    "maxLength": 200,
    "description": "the team's name for the campaign the lead came from (trimmed); not the visitor's utm_campaign",
}
LEAD = {
    "type": "object",
    "required": ["id", "version", "status", "name", "source", "created_at", "updated_at"],
    "properties": {
        "id": {"type": "integer"},
        "version": {"type": "integer"},
        "status": STATUS,
        "reason": {
            "type": "string",
            "description": "with status: the key of one of its stage's reasons, when that stage requires one "
            "(422 without it)",
        },
        "assignee_id": {"type": ["integer", "null"]},
        "name": {"type": "string"},
        "email": NULLABLE_STRING,
        "phone": {**NULLABLE_STRING, "description": "E.164"},
        "company": {"type": "string"},
        "service": {"type": "string"},
        "message": {"type": "string"},
        "campaign": {**NULLABLE_STRING, "description": "the team's campaign the lead came from; not utm_campaign"},
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
        "campaign": CAMPAIGN,
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
    "description": "Only the fields given change. Details are normalised as at intake; a corrected email or "
    "phone that another open lead has is refused (409, naming it in conflicting_leads). Each changed field is "
    "recorded in the history with its old and new value.",
    "properties": {
        "status": STATUS,
        "assignee_id": {"type": ["integer", "null"]},
        "name": {"type": "string", "maxLength": 200, "minLength": 1},
        "email": {"type": ["string", "null"], "maxLength": 254, "description": "null or empty clears it"},
        "phone": {"type": ["string", "null"], "maxLength": 40, "description": "null or empty clears it"},
        "company": {"type": "string", "maxLength": 200},
        "service": {"type": "string", "maxLength": 120},
        "message": {"type": "string", "maxLength": 10000},
        "campaign": {**CAMPAIGN, "type": ["string", "null"], "description": "null or empty clears it"},
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
        "conflicting_leads": {
            "description": "a refused correction: the open leads that already have the email or phone",
            "type": "array",
            "items": {
                "type": "object",
                "required": ["field", "id"],
                "properties": {"field": {"type": "string"}, "id": {"type": "integer"}, "name": {"type": "string"}},
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
    {"name": "status", "in": "query", "schema": STATUS},
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
    {"name": "campaign", "in": "query", "schema": {"type": "string"}, "description": "the lead's campaign, exactly"},
    {
        "name": "from",
        "in": "query",
        "schema": {"anyOf": [{"type": "string", "format": "date"}, {"const": ""}]},
        "description": "first day, inclusive, in the deployment's time zone (LEADSMANAGER_TIME_ZONE); empty: no limit",
    },
    {
        "name": "to",
        "in": "query",
        "schema": {"anyOf": [{"type": "string", "format": "date"}, {"const": ""}]},
        "description": "last day, inclusive, in the deployment's time zone (LEADSMANAGER_TIME_ZONE); empty: no limit",
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


def rows(**properties: Any) -> dict[str, Any]:
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
        "by_site": rows(site={"type": "string"}, form_id={"type": "string"}, leads=COUNT),
        "by_service": rows(service={"type": "string"}, leads=COUNT),
        "funnel": {
            **rows(stage={"enum": ["new", "contacted", "qualified", "proposal", "won"]}, leads=COUNT),
            "description": "leads that reached each stage or went further (won: won now); spam left out",
        },
        "lost": COUNT,
        "conversion_by_source": rows(
            source={"enum": [c.value for c in Channel]},
            leads=COUNT,
            spam=COUNT,
            won=COUNT,
            rate={"type": ["number", "null"], "description": "won / (leads - spam)"},
        ),
        "by_campaign": {
            **rows(
                campaign={"type": ["string", "null"], "description": "null: the leads of no campaign"},
                leads=COUNT,
                won=COUNT,
                rate={"type": ["number", "null"], "description": "won / (leads - spam - excluded)"},
            ),
            "description": "the period's leads by the campaign the team set (not utm_campaign); no campaign last",
        },
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
        "reps": rows(
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


def outcome() -> dict[str, Any]:
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
                    ref("Lead"),
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


def changed() -> dict[str, Any]:
    """The lead, or for a key without leads:read only its id and new version."""
    only_id = {
        "type": "object",
        "required": ["id", "version"],
        "properties": {"id": {"type": "integer"}, "version": {"type": "integer"}},
        "additionalProperties": False,
    }
    return {"oneOf": [ref("Lead"), only_id]}


def with_history() -> dict[str, Any]:
    entry = {
        "type": "object",
        "properties": {
            "at": TIME,
            "field": {"type": "string"},
            "old": NULLABLE_STRING,
            "new": NULLABLE_STRING,
            "actor_id": {"type": ["integer", "null"], "description": "null: the system's change, or a deleted user's"},
            "reason": {**NULLABLE_STRING, "description": "a status change's reason, by its key"},
            "actor_deleted": {"type": "boolean", "description": "made by a user since deleted (actor_id is null)"},
        },
    }
    return {"allOf": [ref("Lead"), {"type": "object", "properties": {"history": {"type": "array", "items": entry}}}]}
