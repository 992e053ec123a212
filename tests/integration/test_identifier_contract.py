"""Identifiers compare byte for byte on every database: what tells two people, forms or requests apart in
Python tells them apart in SQLite and MariaDB alike (MariaDB's default collation folds case and accents)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import Engine

from leadsmanager.adapters.sql.engine import make_session_factory
from leadsmanager.adapters.sql.rate_limits import SqlRateLimiter
from leadsmanager.adapters.sql.unit_of_work import SqlAlchemyUnitOfWork
from leadsmanager.application.intake import Idempotency, LeadForm, Outcome, SubmitLead, SubmitResult
from leadsmanager.application.users import Authenticate, NewUser, UserAdmin
from leadsmanager.domain.actor import Actor
from leadsmanager.domain.lead import Channel, Lead
from leadsmanager.domain.roles import Role
from leadsmanager.domain.sync_cursor import SyncCursor
from tests.conftest import UowFactory
from tests.support import START, FakeClock, PlainHasher

PASSWORD = "correct horse battery"
# Pairs that Python holds to be two different values, and MariaDB's utf8mb4_unicode_ci one.
EXTERNAL_IDS = [("shop-aB3x", "shop-Ab3X"), ("order-é1", "order-e1"), ("ref-ß", "ref-ss")]
EMAILS = [
    ("jose@example.com", "jos\u00e9@example.com"),
    ("strasse@example.com", "stra\u00dfe@example.com"),
    ("info@m\u00fcnchen.de", "info@munchen.de"),  # two internationalised domains
    ("sales@b\u00fccher.example", "sales@bucher.example"),
]


@pytest.fixture
def uow(sql_engine: Engine) -> UowFactory:
    factory = make_session_factory(sql_engine)
    return lambda: SqlAlchemyUnitOfWork(factory)


@pytest.fixture
def submit(uow: UowFactory) -> SubmitLead:
    return SubmitLead(uow, FakeClock(), phone_region="US")


def api_form(name: str, *, email: str, external_id: str = "") -> LeadForm:
    return LeadForm(Channel.API, name=name, email=email, message=f"{name} wrote this", external_id=external_id)


def stored(uow: UowFactory, result: SubmitResult) -> Lead:
    with uow() as work:
        lead = work.leads.get(result.lead_id)
    assert lead is not None
    return lead


@pytest.mark.parametrize(("first", "second"), EXTERNAL_IDS)
def test_external_ids_differing_in_case_or_accents_are_two_people(
    uow: UowFactory, submit: SubmitLead, first: str, second: str
) -> None:
    ana = submit(api_form("Ana", email="ana@example.com", external_id=first))
    bob = submit(api_form("Bob", email="bob@example.com", external_id=second))
    assert (ana.outcome, bob.outcome) == (Outcome.CREATED, Outcome.CREATED)
    assert ana.lead_id != bob.lead_id
    # Bob's answer is Bob's lead, not Ana's record; both are stored whole.
    assert bob.lead is not None and (bob.lead.contact_name, bob.lead.email) == ("Bob", "bob@example.com")
    assert [(x.contact_name, x.external_id) for x in (stored(uow, ana), stored(uow, bob))] == [
        ("Ana", first),
        ("Bob", second),
    ]
    # A re-delivery of each is still a duplicate of its own lead only.
    again = submit(api_form("Bob", email="bob@example.com", external_id=second))
    assert (again.outcome, again.lead_id) == (Outcome.DUPLICATE, bob.lead_id)


@pytest.mark.parametrize(("first", "second"), EXTERNAL_IDS)
def test_a_page_of_synced_submissions_keeps_case_and_accents_of_external_ids(
    uow: UowFactory, submit: SubmitLead, first: str, second: str
) -> None:
    def synced(name: str, external_id: str) -> LeadForm:
        email = f"{name.lower()}@example.com"
        return LeadForm(Channel.WORDPRESS, name=name, email=email, site="shop", form_id="1", external_id=external_id)

    [ana] = submit.page([synced("Ana", first)])
    [bob] = submit.page([synced("Bob", second)])
    assert isinstance(ana, SubmitResult) and isinstance(bob, SubmitResult)
    assert (ana.outcome, bob.outcome) == (Outcome.CREATED, Outcome.CREATED)
    assert stored(uow, bob).contact_name == "Bob"


@pytest.mark.parametrize(("first", "second"), EMAILS)
def test_distinct_email_addresses_are_distinct_leads(
    uow: UowFactory, submit: SubmitLead, first: str, second: str
) -> None:
    one = submit(api_form("First Person", email=first))
    other = submit(api_form("Second Person", email=second))
    assert (one.outcome, other.outcome) == (Outcome.CREATED, Outcome.CREATED)
    assert (stored(uow, one).email, stored(uow, other).email) == (first, second)
    assert stored(uow, one).resubmissions == 0  # nothing of the second person was added to the first's lead


def test_one_address_typed_two_ways_is_one_lead(submit: SubmitLead) -> None:
    one = submit(api_form("Ana", email="ana@example.com"))
    again = submit(api_form("Ana", email=" ANA@Example.com\u200b"))
    assert (again.outcome, again.lead_id) == (Outcome.MERGED, one.lead_id)


def test_form_ids_differing_in_case_keep_their_own_cursors(uow: UowFactory) -> None:
    with uow() as work:
        work.sync_cursors.save(SyncCursor("shop", "Contact", "40"))
        work.sync_cursors.save(SyncCursor("shop", "contact", "7"))
        work.sync_cursors.save(SyncCursor("Shop", "contact", "3"))
        work.commit()
    with uow() as work:
        found = [work.sync_cursors.get(site, form) for site, form in [("shop", "Contact"), ("shop", "contact")]]
        assert [c.after_id if c else None for c in found] == ["40", "7"]
        assert [(c.site, c.form_id) for c in work.sync_cursors.list()] == [
            ("Shop", "contact"),
            ("shop", "Contact"),
            ("shop", "contact"),
        ]


def test_idempotency_keys_differing_in_case_are_two_requests(submit: SubmitLead) -> None:
    first = submit(api_form("Ana", email="ana@example.com"), idempotency=Idempotency("key:1", "req-aB", "one"))
    second = submit(api_form("Bob", email="bob@example.com"), idempotency=Idempotency("key:1", "req-Ab", "two"))
    assert (first.outcome, second.outcome) == (Outcome.CREATED, Outcome.CREATED)
    assert first.lead_id != second.lead_id
    replay = submit(api_form("Bob", email="bob@example.com"), idempotency=Idempotency("key:1", "req-Ab", "two"))
    assert (replay.outcome, replay.lead_id) == (Outcome.DUPLICATE, second.lead_id)


@pytest.mark.parametrize(("first", "second"), EMAILS)
def test_users_with_distinct_addresses_are_distinct_accounts(uow: UowFactory, first: str, second: str) -> None:
    hasher = PlainHasher()
    admin = UserAdmin(uow, FakeClock(), hasher, phone_region="US")
    made = [admin.create(NewUser(e, "Some One", Role.EMPLOYEE, PASSWORD), by=Actor.system()) for e in (first, second)]
    sign_in = Authenticate(uow, hasher)
    assert [sign_in(e, PASSWORD).id for e in (first, second)] == [u.id for u in made]


def test_sign_in_attempts_are_counted_per_address_byte_for_byte(sql_engine: Engine) -> None:
    limiter = SqlRateLimiter(sql_engine)
    window = timedelta(minutes=10)
    assert limiter.hit("login:account:jose@example.com", limit=1, window=window, now=START)
    assert limiter.hit("login:account:jos\u00e9@example.com", limit=1, window=window, now=START)
    assert not limiter.hit("login:account:jose@example.com", limit=1, window=window, now=START)
