"""Clock and password hashing: the small real-world ports."""

from __future__ import annotations

import secrets
from datetime import UTC, datetime

import argon2

from leadsmanager.application.ports import Clock, PasswordHasher, TokenGenerator


class SystemClock(Clock):
    def now(self) -> datetime:
        return datetime.now(UTC)


class Argon2Hasher(PasswordHasher):
    def __init__(self, hasher: argon2.PasswordHasher | None = None) -> None:
        self._hasher = hasher or argon2.PasswordHasher()

    def hash(self, password: str) -> str:
        return self._hasher.hash(password)

    def verify(self, password_hash: str, password: str) -> bool:
        try:
            return self._hasher.verify(password_hash, password)
        except (argon2.exceptions.VerificationError, argon2.exceptions.InvalidHashError):
            return False

    def needs_rehash(self, password_hash: str) -> bool:
        return self._hasher.check_needs_rehash(password_hash)


class SecretTokens(TokenGenerator):
    def token(self) -> str:
        return secrets.token_urlsafe(32)
