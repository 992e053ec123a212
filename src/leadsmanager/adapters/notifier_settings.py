"""Choosing the notification adapters from environment variables.

Email goes through SMTP when it is configured. Perfit's transactional API is discontinued by Perfit
(shut down on 1 March 2026), so it is used only when explicitly asked for, and then instead of SMTP:

| variable | default | meaning |
|---|---|---|
| `LEADSMANAGER_SMTP_HOST` | (unset) | SMTP server: email goes through it |
| `LEADSMANAGER_SMTP_PORT` | 587; 465 with `tls`, 25 with `none` | SMTP port |
| `LEADSMANAGER_SMTP_SECURITY` | `starttls` | `starttls`, `tls` (TLS from the start) or `none` (local relays) |
| `LEADSMANAGER_SMTP_USERNAME` | (unset) | SMTP login, if the server needs one |
| `LEADSMANAGER_SMTP_PASSWORD` | (unset) | SMTP password |
| `LEADSMANAGER_PERFIT_TRANSACTIONAL` | `false` | `true`: email goes through Perfit's (discontinued) transactional API |
| `LEADSMANAGER_PERFIT_API_KEY` | (unset) | Perfit transactional API key, required with the above |
| `LEADSMANAGER_PERFIT_URL` | `https://transactional.myperfit.com/v1` | Perfit API base URL |
| `LEADSMANAGER_MAIL_FROM` | (required for SMTP and Perfit) | sender address of every email |
| `LEADSMANAGER_MAIL_FROM_NAME` | `LeadsManager` | sender display name |
| `LEADSMANAGER_SLACK_WEBHOOK_URL` | (unset) | Slack incoming webhook: chat messages go to its channel |

With neither, emails are written to `<LEADSMANAGER_DATA_DIR>/outbox/` as `.eml`
files; without Slack, chat messages are written there as `.json`. Nothing leaves the machine.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

import httpx
from attrs import field, frozen

from leadsmanager.adapters.http_retry import RetryPolicy
from leadsmanager.adapters.mime import Sender
from leadsmanager.adapters.outbox import Outbox
from leadsmanager.adapters.perfit import PERFIT_URL, PerfitConfig, PerfitEmailSender
from leadsmanager.adapters.slack import SlackWebhookNotifier
from leadsmanager.adapters.smtp import LOOPBACK_HOSTS, SmtpConfig, SmtpEmailSender, SmtpSecurity
from leadsmanager.application.parsing import whole_number
from leadsmanager.application.ports import ChatNotifier, Clock, EmailSender
from leadsmanager.domain.errors import ValidationError

PREFIX = "LEADSMANAGER_"
DEFAULT_PORTS = {SmtpSecurity.STARTTLS: 587, SmtpSecurity.TLS: 465, SmtpSecurity.NONE: 25}


@frozen
class NotifierSettings:
    """The notifiers as configured, each part already checked: read once, with the other settings."""

    email: SmtpConfig | PerfitConfig | None = None  # None: emails go to the outbox
    slack_webhook: str = field(default="", repr=False)  # empty: chat messages go to the outbox
    # A Perfit key set without PERFIT_TRANSACTIONAL: ignored, and `check` says so.
    ignored_perfit_key: bool = False


@frozen
class Notifiers:
    email: EmailSender
    chat: ChatNotifier
    # Which adapter was picked ("perfit", "smtp", "slack" or "outbox"), for a startup line or an admin page.
    email_via: str
    chat_via: str


def notifier_settings_from_env(environ: Mapping[str, str]) -> NotifierSettings:
    env = _Env(environ)
    email = _email_config(env)
    webhook = env.get("SLACK_WEBHOOK_URL")
    ignored_key = not isinstance(email, PerfitConfig) and bool(env.get("PERFIT_API_KEY"))
    return NotifierSettings(email, _checked_webhook(webhook) if webhook else "", ignored_perfit_key=ignored_key)


def notifiers_for(
    settings: NotifierSettings, *, outbox: Outbox, clock: Clock | None = None, retry: RetryPolicy | None = None
) -> Notifiers:
    email, email_via = _email_sender(settings.email, outbox, clock, retry)
    chat: ChatNotifier = outbox
    chat_via = "outbox"
    if settings.slack_webhook:
        chat, chat_via = SlackWebhookNotifier(settings.slack_webhook, retry=retry), "slack"
    return Notifiers(email=email, chat=chat, email_via=email_via, chat_via=chat_via)


def notifiers_from_env(
    environ: Mapping[str, str], *, data_dir: Path, clock: Clock | None = None, retry: RetryPolicy | None = None
) -> Notifiers:
    outbox = Outbox(data_dir / "outbox", clock=clock)
    return notifiers_for(notifier_settings_from_env(environ), outbox=outbox, clock=clock, retry=retry)


class _Env:
    def __init__(self, environ: Mapping[str, str]) -> None:
        self.environ = environ

    def get(self, name: str, default: str = "") -> str:
        return self.environ.get(PREFIX + name, default).strip() or default

    def raw(self, name: str) -> str:
        """Untrimmed: a password may begin or end with a space."""
        return self.environ.get(PREFIX + name, "")

    def required(self, name: str, why: str) -> str:
        value = self.get(name)
        if not value:
            raise ValidationError(f"{PREFIX}{name} must be set {why}", {PREFIX + name: "required"})
        return value


def perfit_transactional(environ: Mapping[str, str]) -> bool:
    """Whether Perfit's discontinued transactional API was explicitly chosen for email."""
    value = _Env(environ).get("PERFIT_TRANSACTIONAL", "false").lower()
    if value not in ("true", "false"):
        name = PREFIX + "PERFIT_TRANSACTIONAL"
        raise ValidationError(f"{name} must be true or false", {name: "not true or false"})
    return value == "true"


def _email_config(env: _Env) -> SmtpConfig | PerfitConfig | None:
    if perfit_transactional(env.environ):
        api_key = env.required("PERFIT_API_KEY", f"when {PREFIX}PERFIT_TRANSACTIONAL is true")
        sender = _sender(env, "to send through Perfit")
        return PerfitConfig(api_key, sender, base_url=env.get("PERFIT_URL", PERFIT_URL))
    if host := env.get("SMTP_HOST"):
        return _smtp_config(env, host)
    return None


def _email_sender(
    config: SmtpConfig | PerfitConfig | None, outbox: Outbox, clock: Clock | None, retry: RetryPolicy | None
) -> tuple[EmailSender, str]:
    if isinstance(config, PerfitConfig):
        return PerfitEmailSender(config, retry=retry), "perfit"
    if config is not None:
        return SmtpEmailSender(config, clock=clock), "smtp"
    return outbox, "outbox"


def _smtp_config(env: _Env, host: str) -> SmtpConfig:
    try:
        security = SmtpSecurity(env.get("SMTP_SECURITY", "starttls").lower())
    except ValueError:
        raise ValidationError(
            f"{PREFIX}SMTP_SECURITY must be starttls, tls or none", {PREFIX + "SMTP_SECURITY": "unknown"}
        ) from None
    port = env.get("SMTP_PORT", str(DEFAULT_PORTS[security]))
    return SmtpConfig(
        host=host,
        sender=_sender(env, "to send through SMTP"),
        port=whole_number(port, PREFIX + "SMTP_PORT", minimum=1, maximum=65535),
        security=security,
        username=env.get("SMTP_USERNAME") or None,
        password=env.raw("SMTP_PASSWORD") or None,
    )


def _sender(env: _Env, why: str) -> Sender:
    address = env.required("MAIL_FROM", why)
    try:
        return Sender(address, env.get("MAIL_FROM_NAME", "LeadsManager"))
    except ValidationError as e:
        raise ValidationError(f"{PREFIX}MAIL_FROM: {e}", {PREFIX + "MAIL_FROM": "not a valid address"}) from None


def _checked_webhook(url: str) -> str:
    """https only (the URL is the credential), except a loopback test server; the URL is never echoed."""
    try:
        parsed = httpx.URL(url)
    except httpx.InvalidURL:
        parsed = None
    secure = parsed is not None and (
        parsed.scheme == "https" or (parsed.scheme == "http" and parsed.host in LOOPBACK_HOSTS)
    )
    if not secure:
        name = PREFIX + "SLACK_WEBHOOK_URL"
        raise ValidationError(f"{name} must be an https:// URL", {name: "not an https URL"})
    return url
