"""The original Django system's database, built by the tests as Django's MySQL backend creates it, holding the
awkward rows two years of real use leave behind."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import make_url

# What `manage.py sqlmigrate usersapp 0001` prints for the custom user model, on MySQL.
CUSTOMUSER = """
CREATE TABLE `usersapp_customuser` (
    `id` integer AUTO_INCREMENT NOT NULL PRIMARY KEY,
    `password` varchar(128) NOT NULL,
    `last_login` datetime(6) NULL,
    `is_superuser` bool NOT NULL,
    `username` varchar(150) NOT NULL UNIQUE,
    `first_name` varchar(150) NOT NULL,
    `last_name` varchar(150) NOT NULL,
    `email` varchar(254) NOT NULL,
    `is_staff` bool NOT NULL,
    `is_active` bool NOT NULL,
    `date_joined` datetime(6) NOT NULL,
    `role` varchar(20) NOT NULL,
    `mail` varchar(254) NULL,
    `telefono` varchar(30) NULL
)
"""
# Django's own test vector: make_password("lètmein", "seasalt", "pbkdf2_sha256"), 1,000,000 iterations.
LETMEIN = "pbkdf2_sha256$1000000$seasalt$r1uLUxoxpP2Ued/qxvmje7UH9PUJBkRrvf9gGPL7Cps="


def user_row(n: int, **changes: Any) -> dict[str, Any]:
    row: dict[str, Any] = {
        "id": n,
        "password": LETMEIN,
        "last_login": None,
        "is_superuser": False,
        "username": f"user{n}",
        "first_name": f"Nombre{n}",
        "last_name": f"Apellido{n}",
        "email": f"user{n}@intralog.example",
        "is_staff": False,
        "is_active": True,
        "date_joined": "2024-03-01 12:00:00",
        "role": "employee",
        "mail": None,
        "telefono": None,
    }
    return row | changes


@contextmanager
def legacy_database(server_url: str) -> Iterator[tuple[str, sa.Engine]]:
    """A fresh database beside the tests' own on the same server; its URL and an engine to fill it."""
    url = make_url(server_url)
    name = f"{url.database}_legacy"
    admin = sa.create_engine(url)
    with admin.begin() as connection:
        connection.execute(sa.text(f"DROP DATABASE IF EXISTS `{name}`"))
        connection.execute(sa.text(f"CREATE DATABASE `{name}` CHARACTER SET utf8mb4"))
    legacy_url = url.set(database=name).render_as_string(hide_password=False)
    engine = sa.create_engine(legacy_url)
    with engine.begin() as connection:
        connection.execute(sa.text(CUSTOMUSER))
    try:
        yield legacy_url, engine
    finally:
        engine.dispose()
        with admin.begin() as connection:
            connection.execute(sa.text(f"DROP DATABASE IF EXISTS `{name}`"))
        admin.dispose()


def insert_users(engine: sa.Engine, *rows: dict[str, Any]) -> None:
    columns = ", ".join(f"`{c}`" for c in rows[0])
    values = ", ".join(f":{c}" for c in rows[0])
    with engine.begin() as connection:
        connection.execute(sa.text(f"INSERT INTO `usersapp_customuser` ({columns}) VALUES ({values})"), list(rows))
