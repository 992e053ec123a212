"""The OpenAPI 3.1 description of API v1. A test checks it against the routes and responses."""

from __future__ import annotations

from typing import Any

from leadsmanager.entrypoints.api.openapi.push import SECURITY_SCHEMES, push_paths
from leadsmanager.entrypoints.api.openapi.schemas import (
    CHANGE,
    ETAG,
    FILTERS,
    INTAKE,
    LEAD,
    LEAD_ID,
    NULLABLE_STRING,
    PROBLEM,
    PUSH_RESULT,
    PUSHED,
    REPORT_FILTERS,
    STAGES,
    STATS,
    changed,
    json_response,
    outcome,
    problems,
    ref,
    with_history,
)


def document() -> dict[str, Any]:
    read, write = [{"apiKey": ["leads:read"]}], [{"apiKey": ["leads:write"]}]
    return {
        "openapi": "3.1.0",
        "info": {"title": "LeadsManager API", "version": "1.0.0"},
        "components": {
            "securitySchemes": {"apiKey": {"type": "http", "scheme": "bearer"}, **SECURITY_SCHEMES},
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
                    "requestBody": {"required": True, "content": {"application/json": {"schema": ref("LeadIntake")}}},
                    "responses": {
                        "201": json_response(outcome(), "created"),
                        "200": json_response(outcome(), "joined an open lead of the same person, or a replay"),
                        **problems(400, 401, 403, 409, 413, 415, 422, 429),
                    },
                },
                "get": {
                    "operationId": "listLeads",
                    "parameters": FILTERS,
                    "responses": {
                        "200": json_response(
                            {
                                "type": "object",
                                "required": ["items", "next_cursor"],
                                "properties": {
                                    "items": {"type": "array", "items": ref("Lead")},
                                    "next_cursor": NULLABLE_STRING,
                                },
                            },
                            "one page, newest first unless sort=oldest",
                        ),
                        **problems(400, 401, 403, 422, 429),
                    },
                },
            },
            "/api/v1/leads/{lead_id}": {
                "get": {
                    "operationId": "getLead",
                    "parameters": LEAD_ID,
                    "responses": {
                        "200": json_response(with_history(), "the lead and its history", ETAG),
                        **problems(401, 403, 404, 429),
                    },
                },
                "patch": {
                    "operationId": "changeLead",
                    "security": write,
                    "parameters": [*LEAD_ID, {"name": "If-Match", "in": "header", "schema": {"type": "string"}}],
                    "requestBody": {"required": True, "content": {"application/json": {"schema": ref("LeadChange")}}},
                    "responses": {
                        "200": json_response(changed(), "changed", ETAG),
                        **problems(400, 401, 403, 404, 409, 412, 415, 422, 428, 429),
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
                        "201": json_response(PUSH_RESULT, "created"),
                        "200": json_response(PUSH_RESULT, "already imported, or joined the person's open lead"),
                        **problems(400, 401, 404, 413, 415, 422),
                    },
                },
            },
            **push_paths(),
            "/api/v1/stages": {
                "get": {
                    "operationId": "listStages",
                    "description": "The configured pipeline's stages in order: the keys a lead's status takes.",
                    "responses": {
                        "200": json_response(STAGES, "the stages, and the one new leads begin in"),
                        **problems(401, 403, 429),
                    },
                },
            },
            "/api/v1/stats": {
                "get": {
                    "operationId": "leadStats",
                    "description": "The reports page's figures over a period (all time unless from/to say otherwise).",
                    "parameters": REPORT_FILTERS,
                    "responses": {
                        "200": json_response(
                            STATS, "counts, funnel, conversion and first-response times over the period"
                        ),
                        **problems(400, 401, 403, 422, 429),
                    },
                },
            },
        },
    }
