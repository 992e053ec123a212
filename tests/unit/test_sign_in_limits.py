"""Sign-in limits: guessing is throttled where it comes from, never the owner signing in from elsewhere."""

from __future__ import annotations

from datetime import timedelta

import pytest

from leadsmanager.adapters.memory.rate_limits import MemoryRateLimiter
from leadsmanager.adapters.system import SecretTokens
from leadsmanager.application.sessions import LoginThrottle, Sessions, SignedIn
from leadsmanager.application.users import Authenticate, NewUser, UserAdmin
from leadsmanager.domain.actor import Actor
from leadsmanager.domain.errors import AuthenticationFailed, RateLimited
from leadsmanager.domain.roles import Role
from tests.conftest import UowFactory
from tests.support import FakeClock, PlainHasher

PASSWORD = "correct horse battery"
THROTTLE = LoginThrottle()
OFFICE, HOME, ATTACKER = "203.0.113.7", "198.51.100.20", "192.0.2.66"


@pytest.fixture
def sessions(memory_uow: UowFactory, clock: FakeClock) -> Sessions:
    hasher = PlainHasher()
    admin = UserAdmin(memory_uow, clock, hasher, phone_region="US")
    for n, role in enumerate((Role.ADMIN, *[Role.EMPLOYEE] * 40)):
        admin.create(NewUser(f"user{n}@example.com", f"User {n}", role, PASSWORD), by=Actor.system())
    return Sessions(memory_uow, clock, SecretTokens(), Authenticate(memory_uow, hasher), MemoryRateLimiter())


def attempt(sessions: Sessions, email: str, password: str, address: str) -> SignedIn | str:
    """The session, or what refused it: 'wrong' (the password) or 'throttled'."""
    try:
        return sessions.sign_in(email, password, address=address)
    except AuthenticationFailed:
        return "wrong"
    except RateLimited:
        return "throttled"


def guess(sessions: Sessions, email: str, address: str, times: int) -> list[SignedIn | str]:
    return [attempt(sessions, email, f"guess {n}", address) for n in range(times)]


def test_every_spelling_that_finds_an_account_spends_that_accounts_budget(sessions: Sessions) -> None:
    spellings = ["user0@example.com", "USER0@example.com", " User0@Example.com ", "user0@EXAMPLE.COM"]
    spellings.append("uSeR0@example.com")
    assert [attempt(sessions, s, "wrong", ATTACKER) for s in spellings] == ["wrong"] * 5
    for spelling in ["user0@example.com", "USER0@EXAMPLE.COM", "\tuser0@example.com"]:
        assert attempt(sessions, spelling, PASSWORD, ATTACKER) == "throttled"


def test_wrong_passwords_from_one_address_do_not_lock_the_owner_out_elsewhere(sessions: Sessions) -> None:
    assert guess(sessions, "user0@example.com", ATTACKER, 8) == ["wrong"] * 5 + ["throttled"] * 3
    signed = attempt(sessions, "user0@example.com", PASSWORD, HOME)
    assert isinstance(signed, SignedIn) and signed.user.role is Role.ADMIN
    assert attempt(sessions, "user0@example.com", PASSWORD, ATTACKER) == "throttled", "the guesser stays refused"


def test_the_owners_own_typos_cost_only_their_own_address(sessions: Sessions) -> None:
    guess(sessions, "user1@example.com", OFFICE, 5)
    assert attempt(sessions, "user1@example.com", PASSWORD, OFFICE) == "throttled"
    assert isinstance(attempt(sessions, "user1@example.com", PASSWORD, HOME), SignedIn)


def test_guessing_from_many_addresses_is_stopped_but_the_owner_signs_in_from_a_known_place(
    sessions: Sessions, clock: FakeClock
) -> None:
    assert isinstance(attempt(sessions, "user0@example.com", PASSWORD, OFFICE), SignedIn)
    botnet = [f"10.0.{n // 250}.{n % 250}" for n in range(40)]
    outcomes = [attempt(sessions, "user0@example.com", "guess", address) for address in botnet]
    assert outcomes[: THROTTLE.per_account_everywhere] == ["wrong"] * THROTTLE.per_account_everywhere
    assert set(outcomes[THROTTLE.per_account_everywhere :]) == {"throttled"}
    assert attempt(sessions, "user0@example.com", PASSWORD, "10.9.9.9") == "throttled", "a new place waits"
    assert isinstance(attempt(sessions, "user0@example.com", PASSWORD, OFFICE), SignedIn)
    clock.current += THROTTLE.window
    assert isinstance(attempt(sessions, "user0@example.com", PASSWORD, "10.9.9.9"), SignedIn)


def test_a_place_not_used_for_longer_than_remembered_is_new_again(sessions: Sessions, clock: FakeClock) -> None:
    attempt(sessions, "user0@example.com", PASSWORD, OFFICE)
    clock.current += THROTTLE.known_for + timedelta(days=1)
    for n in range(THROTTLE.per_account_everywhere):
        attempt(sessions, "user0@example.com", "guess", f"10.0.0.{n}")
    assert attempt(sessions, "user0@example.com", PASSWORD, OFFICE) == "throttled"


def test_an_office_behind_one_address_signs_in_all_morning(sessions: Sessions) -> None:
    people = [f"user{n}@example.com" for n in range(41)]
    signed = [attempt(sessions, email, PASSWORD, OFFICE) for email in people for _ in range(2)]
    assert all(isinstance(s, SignedIn) for s in signed)


def test_failures_from_one_address_are_limited_whatever_the_account(sessions: Sessions) -> None:
    outcomes = [attempt(sessions, f"user{n}@example.com", "guess", ATTACKER) for n in range(35)]
    assert outcomes == ["wrong"] * THROTTLE.per_address + ["throttled"] * 5
    assert attempt(sessions, "user40@example.com", PASSWORD, ATTACKER) == "throttled"


def test_an_unknown_email_is_throttled_like_an_account(sessions: Sessions) -> None:
    for email in ("user3@example.com", "nobody@example.com", "not an email"):
        assert guess(sessions, email, ATTACKER, 7) == ["wrong"] * 5 + ["throttled"] * 2
