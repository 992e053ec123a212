"""Settings from the environment (or a `.env` file beside the process): secrets never live in code."""

from __future__ import annotations

import os
import secrets
from collections.abc import Mapping
from pathlib import Path

from attrs import frozen
from dotenv import dotenv_values

from leadsmanager.adapters.wordpress import WordPressSite
from leadsmanager.adapters.wordpress_env import sites_from_env
from leadsmanager.domain.errors import ValidationError
from leadsmanager.domain.period import time_zone

PREFIX = "LEADSMANAGER_"


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
    form_frame_ancestors: str = "*"
    max_body_bytes: int = 1_000_000
    api_requests_per_minute: int = 600
    # LEADSMANAGER_WORDPRESS_*: the sites the sync pulls from; none unless configured.
    wordpress_sites: tuple[WordPressSite, ...] = ()
    # How long a lead may wait for its first response before it is overdue (reports, reminders).
    follow_up_hours: int = 24
    # Where report days start at midnight, unless a report asks for another zone (an IANA name).
    time_zone: str = "UTC"

    @property
    def is_embedded(self) -> bool:
        return self.database_url.startswith("sqlite")

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None, env_file: str | None = ".env") -> Settings:
        values: dict[str, str] = {}
        if env_file and Path(env_file).is_file():
            values.update({k: v for k, v in dotenv_values(env_file).items() if v is not None})
        values.update(os.environ if environ is None else environ)

        def get(name: str, default: str = "") -> str:
            return values.get(PREFIX + name, default).strip() or default

        data_dir = Path(get("DATA_DIR", "leadsmanager-data"))
        return cls(
            data_dir=data_dir,
            database_url=get("DATABASE_URL", f"sqlite:///{data_dir / 'leadsmanager.sqlite3'}"),
            redis_url=get("REDIS_URL") or None,
            phone_region=get("PHONE_REGION", "US").upper(),
            secret_key=get("SECRET_KEY"),
            allowed_hosts=_words(get("ALLOWED_HOSTS", "localhost,127.0.0.1")),
            secure_cookies=get("SECURE_COOKIES", "false").lower() in ("1", "true", "yes"),
            public_forms=_words(get("PUBLIC_FORMS", "contact")),
            form_frame_ancestors=get("FORM_FRAME_ANCESTORS", "*"),
            max_body_bytes=int(get("MAX_BODY_BYTES", "1000000")),
            api_requests_per_minute=int(get("API_REQUESTS_PER_MINUTE", "600")),
            wordpress_sites=sites_from_env(values),
            follow_up_hours=_positive(get("FOLLOW_UP_HOURS", "24"), "LEADSMANAGER_FOLLOW_UP_HOURS"),
            time_zone=_zone(get("TIME_ZONE", "UTC")),
        )

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


def _positive(value: str, name: str) -> int:
    if not (value.isascii() and value.isdigit()) or int(value) < 1:
        raise ValueError(f"{name} must be a whole number of hours, at least 1, not {value!r}")
    return int(value)


def _zone(value: str) -> str:
    try:
        time_zone(value)
    except ValidationError as e:
        raise ValueError(f"LEADSMANAGER_TIME_ZONE: {e}") from None
    return value


def _words(value: str) -> tuple[str, ...]:
    return tuple(w.strip() for w in value.split(",") if w.strip())
