"""Errors as application/problem+json (RFC 9457), with a field list for validation errors."""

from __future__ import annotations

import json
from typing import Any

from starlette.responses import Response

from leadsmanager.domain import errors
from leadsmanager.entrypoints.http.status import status_for

PROBLEM_TYPE = "application/problem+json"
TITLES = {
    400: "Invalid request",
    401: "Not authenticated",
    403: "Not allowed",
    404: "Not found",
    405: "Method not allowed",
    409: "Conflict",
    412: "Precondition failed",
    413: "Request body too large",
    415: "Unsupported media type",
    422: "Invalid lead",
    428: "Precondition required",
    429: "Too many requests",
    500: "Internal error",
    502: "Upstream service failed",
    503: "Service unavailable",
}


def problem(
    status: int,
    detail: str,
    *,
    field_errors: dict[str, str] | None = None,
    headers: dict[str, str] | None = None,
    extensions: dict[str, Any] | None = None,
) -> Response:
    body: dict[str, Any] = {
        "type": "about:blank",
        "title": TITLES.get(status, "Error"),
        "status": status,
        "detail": detail,
    }
    if field_errors:
        body["errors"] = [{"field": k, "message": v} for k, v in field_errors.items()]
    body |= extensions or {}
    response = Response(json.dumps(body), status_code=status, media_type=PROBLEM_TYPE)
    response.headers.update(headers or {})
    return response


def from_error(error: errors.LeadsManagerError) -> Response:
    status = status_for(error)
    if isinstance(error, errors.ValidationError):
        return problem(422, str(error), field_errors=error.fields)
    if isinstance(error, errors.RateLimited):
        return problem(429, str(error), headers={"Retry-After": str(error.retry_after)})
    if isinstance(error, errors.ContactTaken):
        # RFC 9457's extension member: the open leads that already have the contact, when the caller may know them.
        others = [{"field": f, "id": i} | ({"name": n} if n else {}) for f, (i, n) in error.others.items()]
        return problem(409, str(error), field_errors=error.fields, extensions={"conflicting_leads": others})
    if isinstance(error, errors.AuthenticationFailed):
        return problem(401, str(error), headers={"WWW-Authenticate": 'Bearer realm="leadsmanager"'})
    return problem(status, str(error))


class ApiProblem(Exception):
    """An HTTP-level refusal with no domain meaning: wrong media type, missing precondition."""

    def __init__(self, status: int, detail: str, *, fields: dict[str, str] | None = None) -> None:
        super().__init__(detail)
        self.status = status
        self.detail = detail
        self.fields = fields or {}
