"""The migration to binary identifiers on a MariaDB database with data: nothing lost, every identifier
column utf8mb4_bin, and values that differ only in case or accents can then be told apart."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest
from sqlalchemy import Engine, insert, select, text

from leadsmanager.adapters.sql.migrate import upgrade
from leadsmanager.adapters.sql.tables import idempotency_keys, leads, sync_cursors, users
from tests.conftest import reset

T = datetime(2026, 3, 1, 9, tzinfo=UTC)
BEFORE = "0009"  # the last revision whose identifiers folded case and accents
IDENTIFIER_COLUMNS = {
    ("users", "email"),
    *(("leads", c) for c in ("email", "source", "site", "form_id", "external_id", "open_email", "open_phone")),
    ("joined_external_ids", "source"),
    ("joined_external_ids", "external_id"),
    ("web_sessions", "key"),
    ("web_sessions", "csrf_token"),
    ("rate_limits", "key"),
    ("api_keys", "prefix"),
    ("api_keys", "key_hash"),
    ("idempotency_keys", "owner"),
    ("idempotency_keys", "key"),
    ("sync_cursors", "site"),
    ("sync_cursors", "form_id"),
    ("sync_cursors", "after_id"),
}


def lead(n: int, **fields: Any) -> dict[str, Any]:
    values: dict[str, Any] = {
        **{"contact_name": f"Person {n}", "email": None, "phone": None, "company": "", "service": "", "message": ""},
        **{"source": "api", "site": "", "form_id": "", "external_id": None, "extras": {}, "utm": {}},
        **{"status": "new", "assignee_id": None, "created_at": T, "updated_at": T, "version": 1},
        **{"open_email": None, "open_phone": None, "first_response_at": None, "stage_reached": "new"},
        **{"resubmissions": 0, "score": 0},
    }
    return {"id": n, **values, **fields}


def collations(engine: Engine) -> dict[tuple[str, str], str]:
    query = text(
        "SELECT table_name, column_name, collation_name FROM information_schema.columns"
        " WHERE table_schema = DATABASE() AND collation_name IS NOT NULL"
    )
    with engine.connect() as connection:
        return {(t, c): collation for t, c, collation in connection.execute(query)}


@pytest.mark.mariadb
def test_upgrading_mariadb_keeps_the_data_and_makes_identifiers_binary(mysql_engine: Engine) -> None:
    reset(mysql_engine, BEFORE)
    try:
        assert collations(mysql_engine)[("leads", "external_id")] == "utf8mb4_unicode_ci"
        with mysql_engine.begin() as connection:
            user = {"email": "jos\u00e9@example.com", "full_name": "Jos\u00e9", "role": "admin", "active": True}
            connection.execute(insert(users).values(id=1, password_hash="x", session_version=0, created_at=T, **user))
            connection.execute(
                insert(leads),
                [
                    lead(
                        1,
                        email="stra\u00dfe@example.com",
                        open_email="stra\u00dfe@example.com",
                        external_id="shop-aB3x",
                    ),
                    lead(2, source="wordpress", site="shop", form_id="Contact", external_id="7"),
                ],
            )
            connection.execute(
                insert(sync_cursors).values(site="shop", form_id="Contact", after_id="7", imported_total=1)
            )
            fingerprint = {"fingerprint": "f", "lead_id": 1, "created_at": T}
            connection.execute(insert(idempotency_keys).values(owner="key:1", key="req-aB", **fingerprint))
        upgrade(mysql_engine)

        found = collations(mysql_engine)
        assert {column: found[column] for column in IDENTIFIER_COLUMNS} == dict.fromkeys(
            IDENTIFIER_COLUMNS, "utf8mb4_bin"
        )
        assert found[("leads", "contact_name")] == "utf8mb4_unicode_ci"  # free text keeps its Unicode order
        with mysql_engine.begin() as connection:
            assert connection.execute(select(users.c.email)).scalars().all() == ["jos\u00e9@example.com"]
            stored = connection.execute(
                select(leads.c.id, leads.c.open_email, leads.c.external_id).order_by(leads.c.id)
            )
            assert [tuple(r) for r in stored] == [(1, "stra\u00dfe@example.com", "shop-aB3x"), (2, None, "7")]
            assert connection.execute(select(sync_cursors.c.form_id, sync_cursors.c.after_id)).all() == [
                ("Contact", "7")
            ]
            # What the folding collation refused as duplicates is now another person, form and request.
            connection.execute(insert(leads), [lead(3, email="strasse@example.com", open_email="strasse@example.com")])
            connection.execute(insert(leads), [lead(4, external_id="shop-Ab3X")])
            connection.execute(insert(sync_cursors).values(site="shop", form_id="contact", imported_total=0))
            connection.execute(insert(idempotency_keys).values(owner="key:1", key="req-Ab", **fingerprint))
            hits = connection.execute(select(leads.c.id).where(leads.c.external_id == "shop-ab3x")).all()
            assert hits == []
    finally:
        reset(mysql_engine)
