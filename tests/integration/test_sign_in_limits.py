"""Sign-in limits on MariaDB with each shared limiter (the database's and Redis)."""

from __future__ import annotations

import pytest
import redis
from sqlalchemy import Engine

from leadsmanager.adapters.redis_rate import RedisRateLimiter
from leadsmanager.adapters.sql.rate_limits import SqlRateLimiter
from leadsmanager.adapters.system import SecretTokens
from leadsmanager.application.ports import RateLimiter
from leadsmanager.application.sessions import Sessions, SignedIn
from leadsmanager.application.users import Authenticate, NewUser, UserAdmin
from leadsmanager.domain.actor import Actor
from leadsmanager.domain.errors import AuthenticationFailed, RateLimited
from leadsmanager.domain.roles import Role
from tests.conftest import UowFactory
from tests.support import FakeClock, PlainHasher

pytestmark = pytest.mark.mariadb

PASSWORD = "correct horse battery"
ADMIN = "admin@example.com"
# Spellings MariaDB's default collation compares equal to the admin's email (case, accents, width,
# an invisible zero-width space): each once found the account under a budget of its own.
LOOK_ALIKES = [
    "Admin@Example.com",
    "admín@example.com",
    "ádmin@example.com",
    "àdmin@example.com",
    "ädmin@example.com",
    "admin@exámple.com",
    "\uff41dmin@example.com",
    "ad\u200bmin@example.com",
]
OFFICE, ATTACKER = "203.0.113.7", "192.0.2.66"


@pytest.fixture(params=["database", "redis"])
def limiter(request: pytest.FixtureRequest, mysql_engine: Engine) -> RateLimiter:
    if request.param == "database":
        return SqlRateLimiter(mysql_engine)
    client = redis.Redis.from_url(request.getfixturevalue("redis_url"), socket_timeout=2)
    client.flushdb()
    return RedisRateLimiter(client)


@pytest.fixture
def sessions(mysql_uow: UowFactory, clock: FakeClock, limiter: RateLimiter) -> Sessions:
    hasher = PlainHasher()
    admin = UserAdmin(mysql_uow, clock, hasher, phone_region="US")
    admin.create(NewUser(ADMIN, "Admin", Role.ADMIN, PASSWORD), by=Actor.system())
    for n in range(20):
        admin.create(NewUser(f"rep{n}@example.com", f"Rep {n}", Role.EMPLOYEE, PASSWORD), by=Actor.system())
    return Sessions(mysql_uow, clock, SecretTokens(), Authenticate(mysql_uow, hasher), limiter)


def attempt(sessions: Sessions, email: str, password: str, address: str) -> SignedIn | str:
    try:
        return sessions.sign_in(email, password, address=address)
    except AuthenticationFailed:
        return "wrong"
    except RateLimited:
        return "throttled"


def test_no_look_alike_spelling_gets_a_fresh_budget(sessions: Sessions) -> None:
    assert [attempt(sessions, ADMIN, f"guess {n}", ATTACKER) for n in range(5)] == ["wrong"] * 5
    outcomes = {email: attempt(sessions, email, PASSWORD, ATTACKER) for email in LOOK_ALIKES}
    assert {email: o for email, o in outcomes.items() if isinstance(o, SignedIn)} == {}


def test_look_alike_spellings_spend_one_budget(sessions: Sessions) -> None:
    outcomes = [attempt(sessions, email, "guess", ATTACKER) for email in LOOK_ALIKES * 2]
    assert "throttled" in outcomes
    assert attempt(sessions, ADMIN, PASSWORD, ATTACKER) == "throttled"


def test_the_owner_is_not_locked_out_by_someone_elses_guesses(sessions: Sessions) -> None:
    assert [attempt(sessions, ADMIN, f"guess {n}", ATTACKER) for n in range(7)] == ["wrong"] * 5 + ["throttled"] * 2
    signed = attempt(sessions, ADMIN, PASSWORD, OFFICE)
    assert isinstance(signed, SignedIn) and signed.user.role is Role.ADMIN


def test_an_office_behind_one_address_is_not_locked_out_by_signing_in(sessions: Sessions) -> None:
    """Twenty people behind one NAT sign in in the morning and again after lunch."""
    outcomes = [attempt(sessions, f"rep{n}@example.com", PASSWORD, OFFICE) for _ in range(2) for n in range(20)]
    assert [o for o in outcomes if not isinstance(o, SignedIn)] == []
