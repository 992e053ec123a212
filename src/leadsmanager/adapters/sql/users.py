"""Staff accounts over SQLAlchemy Core. The repository never commits: the unit of work does."""

from __future__ import annotations

from typing import Any, cast

from sqlalchemy import CursorResult, Insert, Row, insert, select, update
from sqlalchemy.orm import Session

from leadsmanager.adapters.sql.column_types import storable
from leadsmanager.adapters.sql.errors import run
from leadsmanager.adapters.sql.tables import users
from leadsmanager.application.ports import UserRepository
from leadsmanager.domain.roles import Role
from leadsmanager.domain.user import User


def _insert(session: Session, statement: Insert, values: Any = None, *, on_duplicate: str = "") -> int:
    key = cast(CursorResult[Any], run(session, statement, values, on_duplicate=on_duplicate)).inserted_primary_key
    assert key is not None
    return int(key[0])


class SqlUserRepository(UserRepository):
    def __init__(self, session: Session) -> None:
        self._session = session

    def add(self, user: User) -> None:
        duplicate = f"a user with email {user.email} already exists"
        user.id = _insert(self._session, insert(users).values(**_user_values(user)), on_duplicate=duplicate)

    def get(self, user_id: int) -> User | None:
        return self._one(users.c.id == user_id) if storable(user_id) else None

    def get_by_email(self, email: str) -> User | None:
        return self._one(users.c.email == email)

    def list(self) -> list[User]:
        return [_to_user(r) for r in run(self._session, select(users).order_by(users.c.id))]

    def names(self, user_ids: set[int]) -> dict[int, str]:
        if not user_ids:
            return {}
        rows = run(self._session, select(users.c.id, users.c.full_name).where(users.c.id.in_(user_ids)))
        return {r.id: r.full_name for r in rows}

    def save(self, user: User) -> None:
        run(self._session, update(users).where(users.c.id == user.id).values(**_user_values(user)))

    def _one(self, condition: Any) -> User | None:
        row = run(self._session, select(users).where(condition)).first()
        return None if row is None else _to_user(row)


def _user_values(user: User) -> dict[str, Any]:
    return {
        "email": user.email,
        "full_name": user.full_name,
        "phone": user.phone,
        "role": user.role.value,
        "active": user.active,
        "password_hash": user.password_hash,
        "session_version": user.session_version,
        "created_at": user.created_at,
        "language": user.language,
    }


def _to_user(row: Row[Any]) -> User:
    m = row._mapping
    return User(
        id=m["id"],
        email=m["email"],
        full_name=m["full_name"],
        phone=m["phone"],
        role=Role(m["role"]),
        active=bool(m["active"]),
        password_hash=m["password_hash"],
        session_version=m["session_version"],
        created_at=m["created_at"],
        language=m["language"],
    )
