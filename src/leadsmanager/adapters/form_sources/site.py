"""A WordPress site to sync: its address, credentials, the API its form plugin speaks (its kind) and its forms."""

from __future__ import annotations

import enum
from collections.abc import Mapping

import httpx
from attrs import Attribute, field, frozen

from leadsmanager.application.intake import LeadForm
from leadsmanager.application.intake.form_mapping import SyncedForm, check_site_name
from leadsmanager.application.sync_types import RemoteSubmission
from leadsmanager.domain.errors import ValidationError

LOOPBACK = frozenset({"localhost", "127.0.0.1", "::1"})


class SiteKind(enum.Enum):
    """Which API a site's submissions are read through (LEADSMANAGER_WORDPRESS_<SITE>_KIND)."""

    LEADSMANAGER = "leadsmanager"  # our own plugin's paged contract (docs/wordpress-plugin.md)
    INTRALOG_LEGACY = "intralog-legacy"  # the "Custom Form API" plugin over Formidable: every entry on each call
    GRAVITYFORMS = "gravityforms"  # Gravity Forms REST API v2
    FORMIDABLE = "formidable"  # Formidable's API add-on


def _trimmed(url: str) -> str:
    return url.strip().rstrip("/")


def _check_base_url(site: WordPressSite, attribute: Attribute[str], value: str) -> None:
    """https only: WordPress itself refuses application passwords over plain http, except on loopback."""
    try:
        url = httpx.URL(value)
    except httpx.InvalidURL:
        url = httpx.URL()
    problem = ""
    if url.userinfo:  # the URL is not echoed: these would be the credentials
        problem = "must not contain a user or password; they have their own settings"
    elif url.scheme not in ("http", "https") or not url.host or url.query or url.fragment:
        problem = f"{value!r} is not an http(s) address of a WordPress site"
    elif url.scheme == "http" and url.host not in LOOPBACK:
        problem = f"{value!r} must use https: application passwords would travel in clear"
    if problem:
        raise ValidationError(f"WordPress site {site.name!r}: the URL {problem}", {"url": "invalid"})


def _check_secret(site: WordPressSite, attribute: Attribute[str], value: str) -> None:
    if not value.strip():
        raise ValidationError(f"WordPress site {site.name!r}: the {attribute.name} is empty", {attribute.name: "empty"})


@frozen
class WordPressSite:
    """A site to sync: where it is, how to log in, and per form id how its fields map to a lead's."""

    name: str = field(validator=check_site_name)
    base_url: str = field(converter=_trimmed, validator=_check_base_url)
    username: str = field(repr=False, validator=_check_secret)
    app_password: str = field(repr=False, validator=_check_secret)
    forms: Mapping[str, Mapping[str, str]] = field(factory=dict)
    kind: SiteKind = SiteKind.LEADSMANAGER
    # Signs pushed submissions (POST /api/v1/intake/wordpress/<site>); empty: the site only syncs.
    webhook_secret: str = field(default="", repr=False)

    def __attrs_post_init__(self) -> None:
        self.synced_forms()  # checks every form id and field mapping now, not at the first sync

    def synced_forms(self) -> tuple[SyncedForm, ...]:
        return tuple(SyncedForm(self.name, form_id, dict(fields)) for form_id, fields in self.forms.items())

    def lead_form(self, form_id: str, submission: RemoteSubmission) -> LeadForm:
        return SyncedForm(self.name, form_id, dict(self.forms.get(form_id, {}))).lead_form(submission)

    def auth(self) -> httpx.BasicAuth:
        return httpx.BasicAuth(self.username, self.app_password)
