"""The push intakes that form plugins' webhooks call, with the ways they present a site's push token."""

from __future__ import annotations

from typing import Any

from leadsmanager.entrypoints.api.openapi.schemas import json_response, problems

SECURITY_SCHEMES = {
    "pushBearer": {"type": "http", "scheme": "bearer", "description": "the site's push token"},
    "pushHeader": {"type": "apiKey", "in": "header", "name": "X-LeadsManager-Token"},
    "pushBasic": {"type": "http", "scheme": "basic", "description": "the push token as user name, any password"},
    "pushQuery": {"type": "apiKey", "in": "query", "name": "token", "description": "Elementor's webhook URL"},
}
LEAD = {
    "type": "object",
    "required": ["outcome", "lead_id"],
    "properties": {"outcome": {"enum": ["created", "merged", "duplicate"]}, "lead_id": {"type": "integer"}},
}
PUSH_ANSWER = {
    "oneOf": [
        LEAD,
        {
            "type": "object",
            "description": "Formidable's Test Connection (X-Hook-Test: true): nothing is stored",
            "required": ["success", "message"],
            "properties": {"success": {"const": True}, "message": {"type": "string"}},
        },
    ]
}
KEPT = {
    "type": "object",
    "description": "not a lead: kept whole in the failed-submissions inbox with the reason, to be replayed",
    "required": ["outcome", "failed_submission_id", "detail"],
    "properties": {
        "outcome": {"const": "kept"},
        "failed_submission_id": {"type": ["integer", "null"], "description": "null: the inbox held it already"},
        "detail": {"type": "string"},
    },
}
SITE = {"name": "site", "in": "path", "required": True, "schema": {"type": "string"}}
ANY_FIELDS = {"type": "object", "description": "any fields; nested objects are read as dotted keys"}
REFUSED = (401, 404, 413)


def push_paths() -> dict[str, Any]:
    return {
        "/api/v1/intake/webhook/{site}/{form_id}": {
            "post": {
                "operationId": "pushFormSubmission",
                "description": "A form plugin's webhook (Gravity Forms Webhooks, CF7 to Webhook, Formidable's "
                "Send API Data): any JSON object, or a PHP-style form, mapped by the site's _FIELDS for the form. "
                "The same entry id (the site's _ID_KEY) or, without one, the same fields within 10 minutes "
                "answer the same lead. Always 200 on success. See docs/form-sources.md.",
                "security": [{"pushBearer": []}, {"pushHeader": []}, {"pushBasic": []}],
                "parameters": [
                    SITE,
                    {"name": "form_id", "in": "path", "required": True, "schema": {"type": "string"}},
                    {"name": "X-Hook-Test", "in": "header", "schema": {"enum": ["true"]}},
                ],
                "requestBody": {
                    "required": True,
                    "content": {"application/json": {"schema": ANY_FIELDS}},
                },
                "responses": {
                    "200": json_response(PUSH_ANSWER, "the lead (new, joined, or already made)"),
                    "202": json_response(KEPT, "not a lead: kept in the failed-submissions inbox"),
                    **problems(*REFUSED),
                },
            },
        },
        "/api/v1/intake/elementor/{site}": {
            "post": {
                "operationId": "pushElementorSubmission",
                "description": "Elementor Pro's Webhook action, in its simple or Advanced Data format; the form "
                "comes from the body (form_id, or form[id]). Always exactly 200 on success.",
                "security": [{"pushQuery": []}],
                "parameters": [SITE],
                "requestBody": {
                    "required": True,
                    "content": {"application/x-www-form-urlencoded": {"schema": ANY_FIELDS}},
                },
                "responses": {
                    "200": json_response(
                        {"oneOf": [LEAD, KEPT]}, "the lead, or the submission kept in the failed-submissions inbox"
                    ),
                    **problems(*REFUSED),
                },
            },
        },
    }
