"""Settings from the environment (or a `.env` file beside the process): secrets never live in code."""

from __future__ import annotations

import ipaddress
import os
import re
import secrets
from collections.abc import Callable, Mapping
from pathlib import Path

import phonenumbers
from attrs import evolve, field, frozen
from babel.core import get_global
from dotenv import dotenv_values

from leadsmanager.adapters.form_sources.env import sites_from_env
from leadsmanager.adapters.form_sources.site import WordPressSite
from leadsmanager.adapters.notifier_settings import NotifierSettings, notifier_settings_from_env
from leadsmanager.application.parsing import whole_number
from leadsmanager.domain.errors import ValidationError
from leadsmanager.domain.language import DEFAULT_LANGUAGE, LANGUAGES
from leadsmanager.domain.period import time_zone

PREFIX = "LEADSMANAGER_"
_SECONDS = re.compile(r"[0-9]{1,4}(?:\.[0-9]{1,3})?", re.ASCII)
Network = ipaddress.IPv4Network | ipaddress.IPv6Network


@frozen
class Settings:
    data_dir: Path
    database_url: str
    redis_url: str | None
    phone_region: str
    secret_key: str = ""
    allowed_hosts: tuple[str, ...] = ("localhost", "127.0.0.1")
    secure_cookies: bool = False
    public_forms: tuple[str, ...] = ("contact",)
    # (slug, language) of the public forms given one (`contacto:es`): they speak it unless `?lang=` asks.
    public_form_languages: tuple[tuple[str, str], ...] = ()
    form_frame_ancestors: str = "*"
    max_body_bytes: int = 1_000_000
    # A CSV file uploaded on the import page (/imports/csv) may be this large instead.
    import_max_bytes: int = 50_000_000
    # A request head (request line and headers): larger is answered 431, slower to arrive 408.
    max_header_bytes: int = 32 * 1024
    header_timeout_seconds: float = 10.0
    api_requests_per_minute: int = 600
    # The proxies whose X-Forwarded-For is believed; none by default, so a visitor cannot pick an address.
    trusted_proxies: tuple[Network, ...] = ()
    # LEADSMANAGER_WORDPRESS_*: the sites the sync pulls from; none unless configured.
    wordpress_sites: tuple[WordPressSite, ...] = ()
    # Background jobs and notices (see README, "Background jobs").
    base_url: str = "http://localhost:8000"
    sales_team: tuple[str, ...] = ()
    send_confirmation: bool = False
    follow_up_hours: int = 24
    escalate_after_hours: int = 72
    remind_within_days: int = 14
    sync_interval_minutes: int = 15
    # Forms synced side by side on MariaDB/MySQL; SQLite has one writer, so the embedded default syncs one.
    sync_concurrency: int = 2
    # Ids behind its cursor each form's sync reads again: rows can become visible out of id order.
    sync_reread_ids: int = 100
    task_max_retries: int = 8
    worker_heartbeat_seconds: float = 15.0
    delivery_lease_seconds: float = 300.0
    # LEADSMANAGER_SMTP_*, _PERFIT_*, _SLACK_*, _MAIL_FROM*: a mistake there is raised when notices are
    # first needed (and shown by `check`), not by every command as it starts.
    notifier_settings: NotifierSettings | ValidationError = field(factory=NotifierSettings)
    base_url_given: bool = False  # `serve` links emails to where it serves unless LEADSMANAGER_BASE_URL is set
    # Operations (docs/deploy.md): `production` makes `serve` refuse an insecure configuration.
    environment: str = "development"
    debug: bool = False
    log_format: str = "auto"  # json, text, or auto: JSON unless stdout is a terminal
    metrics_token: str = ""  # Bearer token for /metrics; without one only loopback clients may scrape
    # The demo (`serve --demo`, LEADSMANAGER_DEMO=1): the whole product in memory, nothing kept.
    demo: bool = False
    # Where report days start at midnight, unless a report asks for another zone (an IANA name).
    time_zone: str = "UTC"
    # The pages' language unless a user chose theirs (the public form: unless the visitor asks for another).
    language: str = DEFAULT_LANGUAGE

    @property
    def is_embedded(self) -> bool:
        return self.database_url.startswith("sqlite")

    @property
    def is_production(self) -> bool:
        return self.environment == "production"

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None, env_file: str | None = ".env") -> Settings:
        values = environment(environ, env_file)

        def get(name: str, default: str = "") -> str:
            return values.get(PREFIX + name, default).strip() or default

        data_dir = Path(get("DATA_DIR", "leadsmanager-data"))
        forms = _public_forms(get("PUBLIC_FORMS", "contact"))
        settings = cls(
            data_dir=data_dir,
            database_url=get("DATABASE_URL", f"sqlite:///{data_dir / 'leadsmanager.sqlite3'}"),
            redis_url=get("REDIS_URL") or None,
            phone_region=_phone_region(get("PHONE_REGION"), get("TIME_ZONE", "UTC")),
            secret_key=get("SECRET_KEY"),
            allowed_hosts=_words(get("ALLOWED_HOSTS", "localhost,127.0.0.1")),
            secure_cookies=_flag(get("SECURE_COOKIES", "false")),
            public_forms=tuple(slug for slug, _ in forms),
            public_form_languages=tuple((slug, language) for slug, language in forms if language),
            form_frame_ancestors=get("FORM_FRAME_ANCESTORS", "*"),
            max_body_bytes=_number(get, "MAX_BODY_BYTES", "1000000"),
            import_max_bytes=_number(get, "IMPORT_MAX_BYTES", "50000000"),
            max_header_bytes=_at_least_one(_number(get, "MAX_HEADER_BYTES", "32768"), "MAX_HEADER_BYTES"),
            header_timeout_seconds=_seconds(get("HEADER_TIMEOUT_SECONDS", "10"), "HEADER_TIMEOUT_SECONDS"),
            api_requests_per_minute=_number(get, "API_REQUESTS_PER_MINUTE", "600"),
            trusted_proxies=_networks(get("TRUSTED_PROXIES")),
            wordpress_sites=sites_from_env(values),
            base_url=get("BASE_URL", "http://localhost:8000"),
            sales_team=_words(get("SALES_TEAM_EMAILS")),
            send_confirmation=_flag(get("SEND_CONFIRMATION", "false")),
            follow_up_hours=_number(get, "FOLLOW_UP_HOURS", "24"),
            escalate_after_hours=_number(get, "ESCALATE_AFTER_HOURS", "72"),
            remind_within_days=_number(get, "REMIND_WITHIN_DAYS", "14"),
            sync_interval_minutes=_number(get, "SYNC_INTERVAL_MINUTES", "15"),
            sync_concurrency=_at_least_one(_number(get, "SYNC_CONCURRENCY", "2"), "SYNC_CONCURRENCY"),
            sync_reread_ids=_number(get, "SYNC_REREAD_IDS", "100"),
            task_max_retries=_number(get, "TASK_MAX_RETRIES", "8"),
            worker_heartbeat_seconds=float(_number(get, "WORKER_HEARTBEAT_SECONDS", "15")),
            delivery_lease_seconds=float(_number(get, "DELIVERY_LEASE_SECONDS", "300")),
            notifier_settings=_notifier_settings(values),
            base_url_given=bool(get("BASE_URL")),
            environment=_choice("ENV", get("ENV", "development").lower(), ("development", "production")),
            debug=_flag(get("DEBUG", "false")),
            log_format=_choice("LOG_FORMAT", get("LOG_FORMAT", "auto").lower(), ("auto", "json", "text")),
            metrics_token=get("METRICS_TOKEN"),
            time_zone=_zone(get("TIME_ZONE", "UTC")),
            language=_choice("LANGUAGE", get("LANGUAGE", DEFAULT_LANGUAGE).lower(), tuple(LANGUAGES)),
        )
        return settings.for_demo() if _flag(get("DEMO", "false")) else settings

    def form_language(self, slug: str) -> str | None:
        """The language a public form was given in `LEADSMANAGER_PUBLIC_FORMS`, if any."""
        return dict(self.public_form_languages).get(slug)

    def for_demo(self) -> Settings:
        """The same settings in memory: no Redis, and a secret key made for this run, not kept in a file."""
        return evolve(self, demo=True, redis_url=None, secret_key=self.secret_key or secrets.token_urlsafe(48))

    def notifiers(self) -> NotifierSettings:
        """The notifier settings; a mistake in them is raised here, when notices are first needed."""
        if isinstance(self.notifier_settings, ValidationError):
            raise ValidationError(str(self.notifier_settings), self.notifier_settings.fields)
        return self.notifier_settings

    def web_secret(self) -> str:
        """The configured secret, or on the embedded default one made once and kept in the data dir."""
        if self.secret_key:
            return self.secret_key
        path = self.data_dir / "secret_key"
        if not path.exists():
            self.data_dir.mkdir(parents=True, exist_ok=True)
            path.touch(mode=0o600)
            path.write_text(secrets.token_urlsafe(48))
        return path.read_text().strip()


def environment(environ: Mapping[str, str] | None = None, env_file: str | None = ".env") -> dict[str, str]:
    """The process environment over the `.env` file's values: what every setting is read from."""
    values: dict[str, str] = {}
    if env_file and Path(env_file).is_file():
        values.update({k: v for k, v in dotenv_values(env_file).items() if v is not None})
    values.update(os.environ if environ is None else environ)
    return values


def _notifier_settings(values: Mapping[str, str]) -> NotifierSettings | ValidationError:
    try:
        return notifier_settings_from_env(values)
    except ValidationError as e:
        return e


def _choice(name: str, value: str, allowed: tuple[str, ...]) -> str:
    if value not in allowed:
        message = f"{PREFIX}{name} must be one of {', '.join(allowed)}, not {value!r}"
        raise ValidationError(message, {PREFIX + name: "unknown"})
    return value


def _flag(value: str) -> bool:
    return value.lower() in ("1", "true", "yes", "on")


def _number(get: Callable[[str, str], str], name: str, default: str) -> int:
    return whole_number(get(name, default), PREFIX + name)


def _at_least_one(value: int, name: str) -> int:
    if value < 1:
        raise ValidationError(f"{PREFIX}{name} must be at least 1, not {value}", {PREFIX + name: "less than 1"})
    return value


def _seconds(value: str, name: str) -> float:
    """A number of seconds above 0 and up to an hour, such as 10 or 2.5."""
    if not _SECONDS.fullmatch(value) or not 0 < float(value) <= 3600:
        message = f"{PREFIX}{name} must be a number of seconds above 0 and up to 3600, not {value[:20]!r}"
        raise ValidationError(message, {PREFIX + name: "not a number of seconds"})
    return float(value)


def _zone(value: str) -> str:
    try:
        time_zone(value)
    except ValidationError as e:
        raise ValueError(f"LEADSMANAGER_TIME_ZONE: {e}") from None
    return value


def _phone_region(value: str, zone: str) -> str:
    """The region whose numbers are written without a country code: the one given, else the country of the
    time zone (America/Argentina/Buenos_Aires: AR), else US. An unknown region is refused: every phone
    written without its country code would otherwise be refused as invalid."""
    if not value:
        country = str(get_global("zone_territories").get(zone, ""))
        return country if country in phonenumbers.SUPPORTED_REGIONS else "US"
    if value.upper() not in phonenumbers.SUPPORTED_REGIONS:
        message = f"{PREFIX}PHONE_REGION: {value!r} is not a region such as AR, US or GB"
        raise ValidationError(message, {PREFIX + "PHONE_REGION": "not a region"})
    return value.upper()


def _networks(value: str) -> tuple[Network, ...]:
    """Addresses and CIDR ranges, comma-separated; a typo is refused, never read as 'trust nobody'."""
    networks = []
    for word in _words(value):
        try:
            networks.append(ipaddress.ip_network(word, strict=False))
        except ValueError:
            message = f"{PREFIX}TRUSTED_PROXIES: {word!r} is not an IP address or a CIDR range such as 10.0.0.0/8"
            raise ValidationError(message, {PREFIX + "TRUSTED_PROXIES": "not an address"}) from None
    return tuple(networks)


def _public_forms(value: str) -> list[tuple[str, str]]:
    """`contact,contacto:es`: each form's slug, and its language or ''."""
    forms = []
    for word in _words(value):
        slug, _, language = (part.strip() for part in word.partition(":"))
        if language:
            _choice(f"PUBLIC_FORMS language of {slug}", language.lower(), tuple(LANGUAGES))
        forms.append((slug, language.lower()))
    return forms


def _words(value: str) -> tuple[str, ...]:
    return tuple(w.strip() for w in value.split(",") if w.strip())
