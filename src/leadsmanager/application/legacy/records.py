"""Rows of the original system's tables, as read: nothing here is cleaned yet."""

from __future__ import annotations

from datetime import datetime

from attrs import frozen


@frozen
class LegacyUser:
    """A row of `usersapp_customuser`: Django's user with the original system's `role` and `mail`."""

    id: int
    username: str
    first_name: str
    last_name: str
    email: str
    mail: str
    role: str
    is_active: bool
    password: str  # Django's `pbkdf2_sha256$iterations$salt$hash`, or an unusable one starting with "!"
    date_joined: datetime | None = None

    @property
    def full_name(self) -> str:
        return " ".join(p for p in (self.first_name.strip(), self.last_name.strip()) if p) or self.username.strip()

    @property
    def address(self) -> str:
        """The email the user signs in with: `email`, else the original system's own `mail` column."""
        return self.email.strip() or self.mail.strip()
