"""Users brought over from the original Django system sign in with the passwords they had there."""

from __future__ import annotations

import base64
import hashlib

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from leadsmanager.adapters.system import Argon2Hasher
from leadsmanager.application.users import Authenticate
from leadsmanager.domain.errors import AuthenticationFailed
from leadsmanager.domain.roles import Role
from leadsmanager.domain.user import User
from tests.conftest import UowFactory
from tests.support import START

# Django's own test vector: make_password("lètmein", "seasalt", "pbkdf2_sha256") with 1,000,000 iterations.
DJANGO_HASH = "pbkdf2_sha256$1000000$seasalt$r1uLUxoxpP2Ued/qxvmje7UH9PUJBkRrvf9gGPL7Cps="


def test_a_django_hash_accepts_its_password_only() -> None:
    hasher = Argon2Hasher()
    assert hasher.verify(DJANGO_HASH, "lètmein")
    assert not hasher.verify(DJANGO_HASH, "letmein")
    assert not hasher.verify(DJANGO_HASH, "")
    assert hasher.needs_rehash(DJANGO_HASH)
    assert not hasher.needs_rehash(hasher.hash("lètmein"))


@pytest.mark.parametrize(
    "broken",
    [
        "pbkdf2_sha256$",
        "pbkdf2_sha256$1000000$seasalt",
        "pbkdf2_sha256$lots$seasalt$r1uLUxoxpP2Ued/qxvmje7UH9PUJBkRrvf9gGPL7Cps=",
        "pbkdf2_sha256$0$seasalt$r1uLUxoxpP2Ued/qxvmje7UH9PUJBkRrvf9gGPL7Cps=",
        "pbkdf2_sha256$99999999999$seasalt$r1uLUxoxpP2Ued/qxvmje7UH9PUJBkRrvf9gGPL7Cps=",
        "pbkdf2_sha256$1000000$$r1uLUxoxpP2Ued/qxvmje7UH9PUJBkRrvf9gGPL7Cps=",
        "pbkdf2_sha256$1000000$seasalt$not base64!",
        "pbkdf2_sha1$1000000$seasalt$r1uLUxoxpP2Ued/qxvmje7UH9PUJBkRrvf9gGPL7Cps=",
    ],
)
def test_a_malformed_or_unknown_hash_lets_nobody_in(broken: str) -> None:
    assert not Argon2Hasher().verify(broken, "lètmein")


@settings(max_examples=25, deadline=None)
@given(st.text(max_size=40))
def test_no_other_password_opens_a_django_hash(password: str) -> None:
    hasher = Argon2Hasher()
    made = _django_hash(password, iterations=1000)
    assert hasher.verify(made, password)
    assert not hasher.verify(made, password + "x")


def test_the_first_sign_in_replaces_the_django_hash_with_argon2(memory_uow: UowFactory) -> None:
    hasher = Argon2Hasher()
    user = User(
        email="rita@example.com", full_name="Rita", role=Role.EMPLOYEE, password_hash=DJANGO_HASH, created_at=START
    )
    with memory_uow() as uow:
        uow.users.add(user)
        uow.commit()
    sign_in = Authenticate(memory_uow, hasher)
    with pytest.raises(AuthenticationFailed):
        sign_in("rita@example.com", "letmein")
    with memory_uow() as uow:
        assert uow.users.get_by_email("rita@example.com").password_hash == DJANGO_HASH  # type: ignore[union-attr]

    sign_in("rita@example.com", "lètmein")
    with memory_uow() as uow:
        stored = uow.users.get_by_email("rita@example.com")
    assert stored is not None and stored.password_hash.startswith("$argon2")
    assert sign_in("rita@example.com", "lètmein").id == stored.id  # and the same password goes on working


def _django_hash(password: str, *, iterations: int) -> str:
    """What Django's PBKDF2PasswordHasher.encode makes, written out from its documented format."""
    digest = hashlib.pbkdf2_hmac("sha256", password.encode(), b"pepper", iterations)
    return f"pbkdf2_sha256${iterations}$pepper${base64.b64encode(digest).decode()}"
