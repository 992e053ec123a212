"""Identifiers compare byte for byte on MySQL/MariaDB, as they do in Python and SQLite.

The tables' default collation, utf8mb4_unicode_ci, folds case and accents: 'shop-aB3x' matched
'shop-Ab3X', 'josé@' matched 'jose@', form 'Contact' shared 'contact''s cursor. Each identifier column
becomes utf8mb4_bin; MariaDB rebuilds the unique indexes and primary keys on them as part of the change.
SQLite compares bytes already: nothing to do there.

Values that collided before stay as they are (only one of them could be stored). The downgrade fails
if the binary columns now hold two values the folding collation holds to be one.

Revision ID: 0010
Revises: 0009
"""

from __future__ import annotations

from alembic import op

revision = "0010"
down_revision = "0009"

# table: (column, length, nullable), as the columns stand at revision 0009.
IDENTIFIERS: dict[str, list[tuple[str, int, bool]]] = {
    "users": [("email", 254, False)],
    "leads": [
        ("email", 254, True),
        ("source", 16, False),
        ("site", 200, False),
        ("form_id", 100, False),
        ("external_id", 191, True),
        ("open_email", 254, True),
        ("open_phone", 32, True),
    ],
    "joined_external_ids": [("source", 16, False), ("external_id", 191, False)],
    "web_sessions": [("key", 64, False), ("csrf_token", 64, False)],
    "rate_limits": [("key", 191, False)],
    "api_keys": [("prefix", 16, False), ("key_hash", 64, False)],
    "idempotency_keys": [("owner", 64, False), ("key", 191, False)],
    "sync_cursors": [("site", 40, False), ("form_id", 100, False), ("after_id", 40, True)],
}


def upgrade() -> None:
    _collate("utf8mb4_bin")


def downgrade() -> None:
    _collate("utf8mb4_unicode_ci")


def _collate(collation: str) -> None:
    bind = op.get_bind()
    if bind.dialect.name not in ("mysql", "mariadb"):
        return
    quote = bind.dialect.identifier_preparer.quote
    for table, columns in IDENTIFIERS.items():
        # One ALTER per table: the table and its indexes are rebuilt once, not once per column.
        changes = ", ".join(
            f"MODIFY {quote(name)} VARCHAR({length}) CHARACTER SET utf8mb4 COLLATE {collation}"
            + (" NULL" if nullable else " NOT NULL")
            for name, length, nullable in columns
        )
        op.execute(f"ALTER TABLE {quote(table)} {changes}")
