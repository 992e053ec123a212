"""Settings from the environment (or a `.env` file beside the process): secrets never live in code."""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path

from attrs import frozen
from dotenv import dotenv_values

PREFIX = "LEADSMANAGER_"


@frozen
class Settings:
    data_dir: Path
    database_url: str
    redis_url: str | None
    phone_region: str

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
        )
