"""A WordPress site: its address, credentials, the API its form plugin speaks (its kind) and its forms.

A site is synced (read through its kind's API: it has a URL, a user and a password), takes pushed
submissions (it has a push token, or our plugin's webhook secret), or both.
"""

from __future__ import annotations

import enum
import re
from collections.abc import Mapping, Sequence

import httpx
from attrs import Attribute, field, frozen

from leadsmanager.application.intake import LeadForm
from leadsmanager.application.intake.form_mapping import SyncedForm, check_site_name
from leadsmanager.application.intake.routing import StageRoute
from leadsmanager.application.push import PushTarget
from leadsmanager.application.sync_types import FormSourceError, RemoteSubmission
from leadsmanager.domain.errors import ValidationError

LOOPBACK = frozenset({"localhost", "127.0.0.1", "::1"})
# The form plugins' entry ids are WordPress row ids, unsigned 64-bit integers: at most 20 digits.
ROW_ID = re.compile(r"[0-9]{1,20}")
# A push token travels in a query string (Elementor) and as a Basic user name (Formidable): URL-safe,
# no ':', and long enough that guessing it is hopeless.
PUSH_TOKEN = re.compile(r"[A-Za-z0-9._~-]{24,200}")
# The id a plugin gives a submission (Gravity Forms' `id`, Formidable's `item_id`, Flamingo's serial number).
ID_KEY_LIMIT = 100


class SiteKind(enum.Enum):
    """Which API a site's submissions are read through (LEADSMANAGER_WORDPRESS_<SITE>_KIND)."""

    LEADSMANAGER = "leadsmanager"  # our own plugin's paged contract (docs/wordpress-plugin.md)
    INTRALOG_LEGACY = "intralog-legacy"  # the "Custom Form API" plugin over Formidable: every entry on each call
    GRAVITYFORMS = "gravityforms"  # Gravity Forms REST API v2
    FORMIDABLE = "formidable"  # Formidable's API add-on


def _trimmed(url: str) -> str:
    return url.strip().rstrip("/")


def _check_base_url(site: WordPressSite, attribute: Attribute[str], value: str) -> None:
    """https only: WordPress itself refuses application passwords over plain http, except on loopback.
    None for a site that only takes pushes."""
    if not value and site.takes_pushes:
        return
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
    if not value.strip() and site.syncs:
        raise ValidationError(f"WordPress site {site.name!r}: the {attribute.name} is empty", {attribute.name: "empty"})


def _check_push_token(site: WordPressSite, attribute: Attribute[str], value: str) -> None:
    if value and not PUSH_TOKEN.fullmatch(value):  # the token is never echoed
        message = f"WordPress site {site.name!r}: the push token must be 24-200 letters, digits, '-', '_', '.' or '~'"
        raise ValidationError(message, {"push_token": "invalid"})


def _check_id_key(site: WordPressSite, attribute: Attribute[str], value: str) -> None:
    if len(value) > ID_KEY_LIMIT or value != value.strip():
        message = f"WordPress site {site.name!r}: the id key must be a field name of at most {ID_KEY_LIMIT} characters"
        raise ValidationError(message, {"id_key": "invalid"})


@frozen
class WordPressSite:
    """A site: where it is, how to log in, how it pushes, and per form id how its fields map to a lead's."""

    name: str = field(validator=check_site_name)
    base_url: str = field(converter=_trimmed, validator=_check_base_url)
    username: str = field(repr=False, validator=_check_secret)
    app_password: str = field(repr=False, validator=_check_secret)
    forms: Mapping[str, Mapping[str, str]] = field(factory=dict)
    kind: SiteKind = SiteKind.LEADSMANAGER
    # Signs pushed submissions (POST /api/v1/intake/wordpress/<site>); empty: the site only syncs.
    webhook_secret: str = field(default="", repr=False)
    # The token form plugins' webhooks present (POST /api/v1/intake/webhook|elementor/<site>...).
    push_token: str = field(default="", repr=False, validator=_check_push_token)
    # The pushed field holding the plugin's own id of a submission; empty: pushes are told apart by content.
    id_key: str = field(default="", validator=_check_id_key)
    # Per form id, the answers that send a submission to a stage (`SyncedForm.routes`).
    routes: Mapping[str, Sequence[StageRoute]] = field(factory=dict)

    def __attrs_post_init__(self) -> None:
        if not (self.syncs or self.takes_pushes):
            message = f"WordPress site {self.name!r} needs a URL, user and password to be synced, or a push token"
            raise ValidationError(message, {"url": "required"})
        self.synced_forms()  # checks every form id and field mapping now, not at the first sync

    @property
    def syncs(self) -> bool:
        """Read through its kind's API; a site with no URL only takes pushes."""
        return bool(self.base_url)

    @property
    def takes_pushes(self) -> bool:
        return bool(self.push_token or self.webhook_secret)

    def synced_forms(self) -> tuple[SyncedForm, ...]:
        return tuple(self._form(form_id) for form_id in self.forms)

    def push_target(self, form_id: str) -> PushTarget:
        """Where a push to `form_id` goes; a form the site does not list has no mapping."""
        form = self._form(form_id) if form_id in self.forms else None
        return PushTarget(self.name, form_id, form, self.id_key)

    def lead_form(self, form_id: str, submission: RemoteSubmission) -> LeadForm:
        return self._form(form_id).lead_form(submission)

    def _form(self, form_id: str) -> SyncedForm:
        """The form's mapping and routes, as every way its submissions arrive reads them."""
        return SyncedForm(self.name, form_id, dict(self.forms.get(form_id, {})), self.routes.get(form_id, ()))

    def auth(self) -> httpx.BasicAuth:
        return httpx.BasicAuth(self.username, self.app_password)


def site_to_fetch(
    sites: Mapping[str, WordPressSite], site: str, form_id: str, *, after_id: str | None, limit: int
) -> WordPressSite:
    """The configured site a fetch asks for. A limit below one or a position no source gave is the
    caller's mistake (ValueError); a site not configured is a FormSourceError naming it."""
    if limit < 1 or (after_id is not None and not ROW_ID.fullmatch(after_id)):
        raise ValueError("limit must be at least 1 and after_id an id this source returned")
    config = sites.get(site)
    if config is None:
        raise FormSourceError("no WordPress site of that name is configured", site=site, form_id=form_id)
    return config
