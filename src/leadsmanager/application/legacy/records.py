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


@frozen
class LegacyCampaign:
    """A row of `formsapp_campaign`."""

    id: int
    name: str


@frozen
class LegacySubmission:
    """A row of `formsapp_formsubmission`: one lead of the original system, in its own words."""

    id: int
    submission_id: int  # the WordPress entry id: the intralog-legacy sync's external id is {site}/{form}/{this}
    form_id: int | None  # NULL in some rows of the original schema
    created_at: datetime | None
    company: str  # `razon_social`, else `empresa`
    name: str  # `nombre_y_apellido`
    email: str  # `mail`
    phone: str  # `telefono`
    service: str  # `servicio`
    message: str  # `mensaje`
    origin: str  # `origen`
    sub_origin: str  # `sub_origen`
    progress: str  # `avance`
    status: str  # `estado`
    assigned_user_id: int | None
    management_message: str
    campaign_id: int | None
    data: str  # the `data` JSON column as stored: every field of the WordPress entry


@frozen
class LegacyStatusChange:
    """A row of `formsapp_leadhistory`; `updated_by_id` is None when that user was deleted."""

    id: int
    submission_id: int  # `formsapp_formsubmission.id`, not the WordPress entry id
    previous_status: str
    new_status: str
    updated_by_id: int | None
    at: datetime | None
