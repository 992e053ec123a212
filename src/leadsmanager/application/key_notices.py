"""Showing a new API key once, after the redirect that follows its creation (POST, redirect, GET):
reloading the page never sends the form again, and a second look shows the key no more."""

from __future__ import annotations

import base64
import binascii
import hashlib
import secrets
from datetime import timedelta

from attrs import frozen

from leadsmanager.application.ports import Clock, UnitOfWork, UnitOfWorkFactory
from leadsmanager.application.transactions import in_transaction
from leadsmanager.domain.actor import Actor
from leadsmanager.domain.key_notice import KeyNotice

# Long enough to follow a redirect; an unseen key is forgotten after that (it still works: revoke it).
NOTICE_LIFETIME = timedelta(minutes=10)


@frozen
class NewKey:
    name: str
    secret: str


class KeyNotices:
    def __init__(self, uow: UnitOfWorkFactory, clock: Clock) -> None:
        self._uow = uow
        self._clock = clock

    def keep(self, name: str, secret: str, *, by: Actor) -> str:
        """Keep the key to show to `by`; the token returned goes in the address they are sent to."""
        assert by.user_id is not None
        plain = secret.encode()
        pad = secrets.token_bytes(len(plain))
        token = base64.urlsafe_b64encode(pad).decode().rstrip("=")
        now = self._clock.now()
        notice = KeyNotice(_key(token), by.user_id, name, _xor(plain, pad).hex(), now + NOTICE_LIFETIME)

        def keep(uow: UnitOfWork) -> None:
            uow.key_notices.prune(now)
            uow.key_notices.add(notice)

        in_transaction(self._uow, keep)
        return token

    def take(self, token: str, *, by: Actor) -> NewKey | None:
        """The key kept under `token` for `by`, forgotten as it is read; None once shown or expired."""
        pad = _pad(token)
        if pad is None:
            return None
        key = _key(token)
        notice = in_transaction(self._uow, lambda uow: uow.key_notices.take(key))
        if notice is None or notice.user_id != by.user_id or notice.expires_at <= self._clock.now():
            return None
        masked = bytes.fromhex(notice.masked)
        if len(masked) != len(pad):
            return None
        return NewKey(notice.name, _xor(masked, pad).decode(errors="replace"))


def _key(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _pad(token: str) -> bytes | None:
    if not token.isascii() or len(token) > 200:
        return None
    try:
        return base64.urlsafe_b64decode(token + "=" * (-len(token) % 4))
    except (binascii.Error, ValueError):
        return None


def _xor(data: bytes, pad: bytes) -> bytes:
    return bytes(a ^ b for a, b in zip(data, pad, strict=True))
