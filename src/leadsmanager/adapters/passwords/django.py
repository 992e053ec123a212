"""Django's default password hash, `pbkdf2_sha256$<iterations>$<salt>$<base64 hash>`, checked so that users
brought over from the original system sign in with the passwords they have; argon2 replaces it then."""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac

PREFIX = "pbkdf2_sha256$"
# Far above any Django default (1,000,000 in 5.1): a forged hash must not make one sign-in cost minutes.
MAX_ITERATIONS = 10_000_000


def is_django_hash(password_hash: str) -> bool:
    return password_hash.startswith(PREFIX)


def verify_django(password_hash: str, password: str) -> bool:
    """Whether `password` is the one `password_hash` was made from; False for any malformed hash."""
    parts = password_hash.split("$")
    if len(parts) != 4 or not parts[1].isdigit() or not parts[2]:
        return False
    iterations = int(parts[1])
    if not 0 < iterations <= MAX_ITERATIONS:
        return False
    try:
        expected = base64.b64decode(parts[3], validate=True)
    except (binascii.Error, ValueError):
        return False
    derived = hashlib.pbkdf2_hmac("sha256", password.encode(), parts[2].encode(), iterations, len(expected) or 32)
    return hmac.compare_digest(derived, expected)
