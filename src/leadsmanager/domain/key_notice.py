"""A new API key waiting to be shown, once, on the page the browser is sent to after creating it."""

from __future__ import annotations

from datetime import datetime

from attrs import frozen


@frozen
class KeyNotice:
    key: str  # a hash of the token in the address the browser is sent to
    user_id: int  # only the admin who created the key sees it
    name: str
    # The secret masked with a one-time pad; the pad is the token itself, so the row alone reveals nothing.
    masked: str
    expires_at: datetime
