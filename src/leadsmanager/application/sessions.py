"""Signing in and out of the web app: throttled, server-side sessions that really end."""

from __future__ import annotations

import hashlib
from datetime import datetime, timedelta

from attrs import frozen

from leadsmanager.application.intake.normalisation import email_key
from leadsmanager.application.ports import Clock, RateLimiter, TokenGenerator, UnitOfWork, UnitOfWorkFactory
from leadsmanager.application.transactions import in_transaction
from leadsmanager.application.users import Authenticate
from leadsmanager.domain.errors import RateLimited
from leadsmanager.domain.session import SessionPolicy, WebSession
from leadsmanager.domain.user import User

TOO_MANY = "too many sign-in attempts; try again in {minutes} minutes"
UNDER_ATTACK = (
    "this account is refusing sign-ins from new places for a while after many failed attempts;"
    " try again later or from where you usually sign in"
)


@frozen
class LoginThrottle:
    """Failed sign-ins allowed per window; a successful one counts against nothing.

    One address may fail `per_account` times at one account (the owner elsewhere is not locked out)
    and `per_address` times in all. After `per_account_everywhere` failures at one account from
    anywhere, which is guessing spread over many addresses, only the addresses its owner signed in
    from in the last `known_for` may try it until the window has passed.
    """

    per_account: int = 5
    per_address: int = 30
    per_account_everywhere: int = 20
    window: timedelta = timedelta(minutes=15)
    known_for: timedelta = timedelta(days=90)


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
        now, address = self._clock.now(), address[:64]
        attempt = _Attempt(self._limiter, self._throttle.window, now)
        from_address = "login:address:" + address
        attempt.count(from_address, self._throttle.per_address, TOO_MANY)
        user = self._authenticate.find(email)
        # Counted under the account found, whichever spelling of its email found it; a typed email
        # that names no account gets a budget of its own, so both look the same from outside.
        account = f"login:account:{user.id}" if user else "login:email:" + _digest(email)
        here = f"{account}:{address}"
        attempt.count(here, self._throttle.per_account, TOO_MANY)
        if not attempt.within(account, self._throttle.per_account_everywhere) and not self._known(user, address, now):
            raise RateLimited(UNDER_ATTACK, attempt.seconds)
        user = self._authenticate.check(user, password)
        attempt.forgive(from_address, account)
        attempt.clear(here)
        return self._open(user, address, now)

    def _known(self, user: User | None, address: str, now: datetime) -> bool:
        if user is None or user.id is None:
            return False
        with self._uow() as uow:
            return uow.sessions.knows_address(user.id, address, since=now - self._throttle.known_for)

    def _open(self, user: User, address: str, now: datetime) -> SignedIn:
        assert user.id is not None
        token = self._tokens.token()
        session = WebSession(session_key(token), user.id, user.session_version, self._tokens.token(), now, now)
        forget_before = now - self._throttle.known_for

        def open_session(uow: UnitOfWork) -> None:
            uow.sessions.add(session)
            uow.sessions.remember_address(session.user_id, address, at=now, forget_before=forget_before)

        in_transaction(self._uow, open_session)
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
        key = session_key(token)
        in_transaction(self._uow, lambda uow: uow.sessions.remove(key))


class _Attempt:
    """One sign-in attempt's counts, all in the window of the moment it began."""

    def __init__(self, limiter: RateLimiter, window: timedelta, now: datetime) -> None:
        self._limiter, self._window, self._now = limiter, window, now
        self.seconds = int(window.total_seconds())

    def within(self, key: str, limit: int) -> bool:
        return self._limiter.hit(key, limit=limit, window=self._window, now=self._now)

    def count(self, key: str, limit: int, message: str) -> None:
        if not self.within(key, limit):
            raise RateLimited(message.format(minutes=self.seconds // 60), self.seconds)

    def forgive(self, *keys: str) -> None:
        for key in keys:
            self._limiter.forgive(key, window=self._window, now=self._now)

    def clear(self, key: str) -> None:
        self._limiter.clear(key, window=self._window, now=self._now)


def _digest(email: str) -> str:
    """A typed email that names no account, as a key: the same for every spelling of one address, and
    nothing people typed (now and then a password) kept in the limiter's store."""
    return hashlib.sha256(email_key(email).encode(errors="replace")).hexdigest()[:32]
