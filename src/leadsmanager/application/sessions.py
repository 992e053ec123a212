"""Signing in and out of the web app: throttled, server-side sessions that really end."""

from __future__ import annotations

import hashlib
from datetime import timedelta

from attrs import frozen

from leadsmanager.application.ports import Clock, RateLimiter, TokenGenerator, UnitOfWorkFactory
from leadsmanager.application.users import Authenticate
from leadsmanager.domain.errors import RateLimited
from leadsmanager.domain.session import SessionPolicy, WebSession
from leadsmanager.domain.user import User


@frozen
class LoginThrottle:
    per_account: int = 5
    per_address: int = 30
    window: timedelta = timedelta(minutes=15)


@frozen
class SignedIn:
    token: str
    session: WebSession
    user: User


def session_key(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


class Sessions:
    def __init__(
        self,
        uow: UnitOfWorkFactory,
        clock: Clock,
        tokens: TokenGenerator,
        authenticate: Authenticate,
        limiter: RateLimiter,
        *,
        policy: SessionPolicy | None = None,
        throttle: LoginThrottle | None = None,
    ) -> None:
        self._uow = uow
        self._clock = clock
        self._tokens = tokens
        self._authenticate = authenticate
        self._limiter = limiter
        self.policy = policy or SessionPolicy()
        self._throttle = throttle or LoginThrottle()

    def sign_in(self, email: str, password: str, *, address: str) -> SignedIn:
        """A fresh session every time: an id planted before login is never promoted."""
        account = "login:account:" + email.strip().lower()[:150]
        self._count(account, self._throttle.per_account)
        self._count("login:address:" + address[:150], self._throttle.per_address)
        user = self._authenticate(email, password)
        self._limiter.clear(account)
        assert user.id is not None
        token, now = self._tokens.token(), self._clock.now()
        session = WebSession(session_key(token), user.id, user.session_version, self._tokens.token(), now, now)
        with self._uow() as uow:
            uow.sessions.add(session)
            uow.commit()
        return SignedIn(token, session, user)

    def resolve(self, token: str) -> SignedIn | None:
        """The session and its user, or None when it ended, expired or its user may no longer sign in."""
        key, now = session_key(token), self._clock.now()
        with self._uow() as uow:
            session = uow.sessions.get(key)
            if session is None:
                return None
            user = uow.users.get(session.user_id)
            if not session.is_valid_for(user, now=now, policy=self.policy):
                uow.sessions.remove(key)
                uow.commit()
                return None
            assert user is not None
            if session.needs_touch(now=now, policy=self.policy):
                uow.sessions.touch(key, now)
                uow.commit()
            return SignedIn(token, session, user)

    def sign_out(self, token: str) -> None:
        with self._uow() as uow:
            uow.sessions.remove(session_key(token))
            uow.commit()

    def _count(self, key: str, limit: int) -> None:
        window = self._throttle.window
        if not self._limiter.hit(key, limit=limit, window=window, now=self._clock.now()):
            minutes = int(window.total_seconds() // 60)
            raise RateLimited(f"too many sign-in attempts; try again in {minutes} minutes", int(window.total_seconds()))
