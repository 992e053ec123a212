"""A new API key kept to be shown once: the same on every storage the product ships."""

from __future__ import annotations

from datetime import timedelta

from leadsmanager.application.key_notices import NOTICE_LIFETIME, KeyNotices, NewKey
from leadsmanager.domain.roles import Role
from tests.conftest import UowFactory
from tests.support import FakeClock, make_user

SECRET = "lm_abc123_" + "s" * 43


def test_a_kept_key_is_shown_once_to_its_admin_only(uow_factory: UowFactory) -> None:
    clock = FakeClock()
    admin, other = (make_user(uow_factory, Role.ADMIN).as_actor() for _ in range(2))
    notices = KeyNotices(uow_factory, clock)

    token = notices.keep("Shop", SECRET, by=admin)

    assert SECRET not in token
    assert notices.take(token, by=admin) == NewKey("Shop", SECRET)
    assert notices.take(token, by=admin) is None
    stolen = notices.keep("Shop", SECRET, by=admin)
    assert notices.take(stolen, by=other) is None
    assert notices.take(stolen, by=admin) is None  # the look by someone else used it up


def test_an_unseen_key_is_forgotten_after_a_while_and_odd_tokens_find_nothing(uow_factory: UowFactory) -> None:
    clock = FakeClock(step=timedelta(0))
    admin = make_user(uow_factory, Role.ADMIN).as_actor()
    notices = KeyNotices(uow_factory, clock)
    late = notices.keep("Shop", SECRET, by=admin)
    clock.current += NOTICE_LIFETIME

    assert notices.take(late, by=admin) is None
    notices.keep("Blog", SECRET, by=admin)  # prunes what expired
    for odd in ("", "!!", "é" * 10, "A" * 500, late[:-4]):
        assert notices.take(odd, by=admin) is None
