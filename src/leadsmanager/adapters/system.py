"""Clock and password hashing: the small real-world ports."""

from __future__ import annotations

import secrets
from datetime import UTC, datetime

import argon2

from leadsmanager.adapters.passwords.django import is_django_hash, verify_django
from leadsmanager.application.ports import Clock, PasswordHasher, TokenGenerator


class SystemClock(Clock):
    def now(self) -> datetime:
        return datetime.now(UTC)


class Argon2Hasher(PasswordHasher):
    """argon2 for every password set here; a Django hash of an imported user is checked and then replaced."""

    def __init__(self, hasher: argon2.PasswordHasher | None = None) -> None:
        self._hasher = hasher or argon2.PasswordHasher()

    def hash(self, password: str) -> str:
        return self._hasher.hash(password)

    def verify(self, password_hash: str, password: str) -> bool:
        if is_django_hash(password_hash):
            return verify_django(password_hash, password)
        try:
            return self._hasher.verify(password_hash, password)
        except (argon2.exceptions.VerificationError, argon2.exceptions.InvalidHashError):
            return False

    def needs_rehash(self, password_hash: str) -> bool:
        return is_django_hash(password_hash) or self._hasher.check_needs_rehash(password_hash)


class SecretTokens(TokenGenerator):
    def token(self) -> str:
        return secrets.token_urlsafe(32)
