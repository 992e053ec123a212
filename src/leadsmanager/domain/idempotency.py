"""A request an API client may send twice: the second answer repeats the first."""

from __future__ import annotations

from datetime import datetime

from attrs import frozen


@frozen
class IdempotencyRecord:
    owner: str  # the API key or user the key belongs to: two clients may pick the same key
    key: str
    fingerprint: str  # a hash of the request, so a key reused for a different body is caught
    lead_id: int
    created_at: datetime
