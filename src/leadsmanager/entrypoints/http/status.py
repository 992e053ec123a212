"""The one map from the product's errors to HTTP statuses, shared by the pages and the API."""

from __future__ import annotations

from leadsmanager.domain import errors

STATUS_BY_ERROR: dict[type[errors.LeadsManagerError], int] = {
    errors.ValidationError: 400,
    errors.NotFound: 404,
    errors.PermissionDenied: 403,
    errors.AuthenticationFailed: 401,
    errors.Conflict: 409,
    errors.InvalidStatusTransition: 409,
    errors.RateLimited: 429,
    errors.StorageError: 503,
    errors.ExternalServiceError: 502,
}


def status_for(error: errors.LeadsManagerError) -> int:
    return next((code for cls, code in STATUS_BY_ERROR.items() if isinstance(error, cls)), 500)
