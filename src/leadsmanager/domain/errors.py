"""One error hierarchy; entrypoints map each class to an HTTP status or exit code."""

from __future__ import annotations

from collections.abc import Mapping


class LeadsManagerError(Exception):
    """Base of every error the product raises on purpose."""


class ValidationError(LeadsManagerError):
    """Input that cannot be accepted; `fields` maps a field name to its message."""

    def __init__(self, message: str, fields: Mapping[str, str] | None = None) -> None:
        super().__init__(message)
        self.fields: dict[str, str] = dict(fields or {})


class NotFound(LeadsManagerError):
    pass


class PermissionDenied(LeadsManagerError):
    pass


class AuthenticationFailed(LeadsManagerError):
    pass


class Conflict(LeadsManagerError):
    """Someone else changed the record first; nothing was overwritten."""


class ContactTaken(Conflict):
    """A change would give a lead the email or phone of another open lead. `fields` maps each such field
    to its message; `others` names the other lead, by field, as (id, name), when the actor may know it."""

    def __init__(
        self, message: str, fields: Mapping[str, str], others: Mapping[str, tuple[int, str]] | None = None
    ) -> None:
        super().__init__(message)
        self.fields: dict[str, str] = dict(fields)
        self.others: dict[str, tuple[int, str]] = dict(others or {})

    def without_names(self) -> ContactTaken:
        """The same refusal for a caller who may learn a lead's id but not its record."""
        if not self.others:
            return self
        fields = {field: f"lead {lead_id} is open with this {field}" for field, (lead_id, _) in self.others.items()}
        others = {field: (lead_id, "") for field, (lead_id, _) in self.others.items()}
        return ContactTaken("another open lead has this contact: " + "; ".join(fields.values()), fields, others)


class TransientConflict(Conflict):
    """Two transactions collided on locks or a unique key; running the use case again is safe."""


class InvalidStatusTransition(LeadsManagerError):
    pass


class StorageError(LeadsManagerError):
    pass


class ExternalServiceError(LeadsManagerError):
    pass


class RateLimited(LeadsManagerError):
    """Too many attempts in a short time; `retry_after` says how many seconds to wait."""

    def __init__(self, message: str, retry_after: int) -> None:
        super().__init__(message)
        self.retry_after = retry_after
