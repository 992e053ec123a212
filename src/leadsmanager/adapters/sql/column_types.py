"""The column types every table and migration shares: times in UTC, identifiers compared exactly, ids."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import BigInteger, DateTime, Dialect, Integer, String, Text, TypeDecorator
from sqlalchemy.dialects.mysql import MEDIUMTEXT
from sqlalchemy.types import TypeEngine

from leadsmanager.application.parsing import MAX_ID


class UtcDateTime(TypeDecorator[datetime]):
    """Stored as naive UTC with microseconds on every backend; read back timezone-aware."""

    impl = DateTime
    cache_ok = True

    def load_dialect_impl(self, dialect: Dialect) -> TypeEngine[Any]:
        if dialect.name in ("mysql", "mariadb"):
            from sqlalchemy.dialects.mysql import DATETIME

            return dialect.type_descriptor(DATETIME(fsp=6))
        return dialect.type_descriptor(DateTime())

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime reached the database; pass timezone-aware UTC")
        return value.astimezone(UTC).replace(tzinfo=None)

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        return None if value is None else value.replace(tzinfo=UTC)


# MySQL/MariaDB: full Unicode. Free text (names, messages) sorts and compares by the Unicode rules of the
# table's collation; every identifier (ids, addresses, keys, sites, forms) is an exact_string instead.
MYSQL_OPTIONS: dict[str, Any] = {
    "mysql_engine": "InnoDB",
    "mysql_charset": "utf8mb4",
    "mysql_collate": "utf8mb4_unicode_ci",
}
BINARY = "utf8mb4_bin"
Term = String(64).with_variant(String(64, collation=BINARY), "mysql", "mariadb")


def exact_string(length: int) -> String:
    """Compared byte for byte on MariaDB too, as in Python and SQLite: 'Solar' and 'solar' stay apart.
    utf8mb4_unicode_ci would hold 'shop-aB3x' and 'shop-Ab3X', 'jose@' and 'josé@', 'strasse@' and
    'straße@' to be equal, and answer one person's look-up with another's row. What two spellings of
    one thing must match is made one spelling in Python (normalise_email) before it is stored or looked up."""
    return String(length).with_variant(String(length, collation=BINARY), "mysql", "mariadb")


# A whole request body: MariaDB's TEXT stops at 64 KB, MEDIUMTEXT at 16 MB (SQLite's TEXT has no small limit).
BigText = Text().with_variant(MEDIUMTEXT(), "mysql", "mariadb")

# SQLite only auto-increments an INTEGER PRIMARY KEY, not a BIGINT one.
Id = BigInteger().with_variant(Integer(), "sqlite")


def storable(ident: int) -> bool:
    """An id no column can hold names nothing; asking the driver would overflow."""
    return 0 < ident <= MAX_ID
