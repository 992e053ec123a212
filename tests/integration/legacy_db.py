"""The original Django system's database, built by the tests as Django's MySQL backend creates it, holding the
awkward rows two years of real use leave behind."""

from __future__ import annotations

import json
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
# And for the forms app: campaigns, the leads (one per WordPress entry) and their status history.
FORMSAPP = (
    """
CREATE TABLE `formsapp_campaign` (
    `id` integer AUTO_INCREMENT NOT NULL PRIMARY KEY,
    `name` varchar(200) NOT NULL
)""",
    """
CREATE TABLE `formsapp_formsubmission` (
    `id` integer AUTO_INCREMENT NOT NULL PRIMARY KEY,
    `empresa` varchar(255) NULL,
    `fecha_creacion` datetime(6) NOT NULL,
    `razon_social` varchar(255) NULL,
    `nombre_y_apellido` varchar(255) NULL,
    `servicio` varchar(255) NULL,
    `mail` varchar(254) NULL,
    `telefono` varchar(50) NULL,
    `origen` varchar(100) NULL,
    `sub_origen` varchar(100) NULL,
    `mensaje` longtext NULL,
    `avance` varchar(255) NULL,
    `estado` varchar(50) NOT NULL,
    `form_id` integer NULL,
    `submission_id` integer NOT NULL UNIQUE,
    `data` json NULL,
    `assigned_user_id` integer NULL,
    `management_message` longtext NULL,
    `campaign_id` integer NULL,
    CONSTRAINT `formsapp_formsubmission_assigned_user_fk` FOREIGN KEY (`assigned_user_id`)
        REFERENCES `usersapp_customuser` (`id`),
    CONSTRAINT `formsapp_formsubmission_campaign_fk` FOREIGN KEY (`campaign_id`) REFERENCES `formsapp_campaign` (`id`)
)""",
    """
CREATE TABLE `formsapp_leadhistory` (
    `id` integer AUTO_INCREMENT NOT NULL PRIMARY KEY,
    `previous_status` varchar(50) NULL,
    `new_status` varchar(50) NOT NULL,
    `timestamp` datetime(6) NOT NULL,
    `lead_id` integer NOT NULL,
    `updated_by_id` integer NULL,
    CONSTRAINT `formsapp_leadhistory_lead_fk` FOREIGN KEY (`lead_id`) REFERENCES `formsapp_formsubmission` (`id`),
    CONSTRAINT `formsapp_leadhistory_updated_by_fk` FOREIGN KEY (`updated_by_id`)
        REFERENCES `usersapp_customuser` (`id`)
)""",
)
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
        for statement in (CUSTOMUSER, *FORMSAPP):
            connection.execute(sa.text(statement))
    try:
        yield legacy_url, engine
    finally:
        engine.dispose()
        with admin.begin() as connection:
            connection.execute(sa.text(f"DROP DATABASE IF EXISTS `{name}`"))
        admin.dispose()


def submission_row(n: int, **changes: Any) -> dict[str, Any]:
    row: dict[str, Any] = {
        "id": n,
        "empresa": None,
        "fecha_creacion": f"2025-01-{n % 28 + 1:02d} 13:{n % 60:02d}:00",
        "razon_social": f"Empresa {n} SA",
        "nombre_y_apellido": f"Cliente {n}",
        "servicio": "Almacenamiento",
        "mail": f"cliente{n}@example.com",
        "telefono": f"11 4{n:03d}-{n:04d}",
        "origen": "web",
        "sub_origen": "formulario",
        "mensaje": f"Consulta {n}",
        "avance": None,
        "estado": "esperandoDatos",
        "form_id": 4,
        "submission_id": 1000 + n,
        "data": json.dumps({"Correo electrónico": f"cliente{n}@example.com"}),
        "assigned_user_id": None,
        "management_message": None,
        "campaign_id": None,
    }
    return row | changes


def history_row(n: int, lead: int, previous: str | None, new: str, by: int | None, at: str) -> dict[str, Any]:
    return {
        "id": n,
        "lead_id": lead,
        "previous_status": previous,
        "new_status": new,
        "updated_by_id": by,
        "timestamp": at,
    }


def insert(engine: sa.Engine, table: str, *rows: dict[str, Any]) -> None:
    """Rows into one of the legacy tables (our own table and column names, bound values)."""
    columns = ", ".join(f"`{c}`" for c in rows[0])
    values = ", ".join(f":{c}" for c in rows[0])
    with engine.begin() as connection:
        connection.execute(sa.text(f"INSERT INTO `{table}` ({columns}) VALUES ({values})"), list(rows))


def insert_users(engine: sa.Engine, *rows: dict[str, Any]) -> None:
    insert(engine, "usersapp_customuser", *rows)
