"""Concurrent edits on MariaDB: REPEATABLE READ would silently lose one; the version column must not."""

from __future__ import annotations

import random
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

import pytest

from leadsmanager.application.intake import LeadForm, Outcome, SubmitLead
from leadsmanager.application.job_types import Claim, DeliveryChannel, Notice
from leadsmanager.application.leads import ChangeStatus
from leadsmanager.application.queries import LeadQuery
from leadsmanager.domain.actor import Actor
from leadsmanager.domain.errors import Conflict, LeadsManagerError
from leadsmanager.domain.lead import Channel
from leadsmanager.domain.status import LeadStatus
from tests.conftest import UowFactory, ViewsFactory
from tests.support import FakeClock, new_lead

pytestmark = pytest.mark.mariadb
SYSTEM = Actor.system()


def outcome(work: Callable[[], object]) -> str:
    try:
        work()
    except Conflict:
        return "conflict"
    return "ok"


def test_two_writers_read_the_same_version_and_exactly_one_wins(mysql_uow: UowFactory) -> None:
    with mysql_uow() as uow:
        lead = new_lead(1)
        uow.leads.add(lead)
        uow.commit()
    both_read = threading.Barrier(2)

    def change(target: LeadStatus) -> None:
        with mysql_uow() as uow:
            mine = uow.leads.get(lead.id or 0)
            assert mine is not None
            both_read.wait(timeout=10)
            mine.change_status(target, by=SYSTEM, at=mine.created_at)
            uow.leads.save(mine)
            uow.commit()

    targets = (LeadStatus.CONTACTED, LeadStatus.LOST)
    with ThreadPoolExecutor(2) as pool:
        results = list(pool.map(lambda t: outcome(lambda: change(t)), targets))
    assert sorted(results) == ["conflict", "ok"]
    winner = targets[results.index("ok")]
    with mysql_uow() as uow:
        final = uow.leads.get(lead.id or 0, with_history=True)
    assert final is not None and final.status == winner and final.version == 2
    assert [(e.old, e.new) for e in final.history] == [(None, "new"), ("new", winner.value)]


def test_many_stale_forms_at_once_change_the_lead_once(mysql_uow: UowFactory) -> None:
    with mysql_uow() as uow:
        lead = new_lead(1)
        uow.leads.add(lead)
        uow.commit()
    change = ChangeStatus(mysql_uow, FakeClock())
    targets = [LeadStatus.CONTACTED, LeadStatus.QUALIFIED, LeadStatus.LOST] * 4
    with ThreadPoolExecutor(6) as pool:
        results = list(
            pool.map(lambda t: outcome(lambda: change(lead.id or 0, t, by=SYSTEM, expected_version=1)), targets)
        )
    assert results.count("ok") == 1
    with mysql_uow() as uow:
        final = uow.leads.get(lead.id or 0, with_history=True)
    assert final is not None and len(final.history) == 2 and final.version == 2


def test_the_same_person_submitting_twice_at_once_makes_one_lead(
    mysql_uow: UowFactory, mysql_views: ViewsFactory
) -> None:
    submit = SubmitLead(mysql_uow, FakeClock(), phone_region="US")
    forms = [LeadForm(Channel.API, name=f"Dup {n}", email="dup@example.com", message=f"try {n}") for n in range(8)]
    with ThreadPoolExecutor(8) as pool:
        results = list(pool.map(submit, forms))
    assert sorted(r.outcome for r in results).count(Outcome.CREATED) == 1
    assert len({r.lead_id for r in results}) == 1
    with mysql_views() as views:
        [only] = views.list(LeadQuery()).leads
        full = views.lead(only.id or 0)
    assert full is not None
    assert sum(e.field == "resubmission" for e in full.history) == 7


def test_one_submission_delivered_many_times_at_once_joins_the_lead_once(mysql_uow: UowFactory) -> None:
    submit = SubmitLead(mysql_uow, FakeClock(), phone_region="US")
    first = submit(LeadForm(Channel.WEB_FORM, name="Wanda", email="wanda@example.com"))
    pushed = LeadForm(Channel.WORDPRESS, name="Wanda", email="wanda@example.com", external_id="shop/contact/7")
    with ThreadPoolExecutor(6) as pool:
        results = list(pool.map(lambda _: submit(pushed), range(6)))
    assert sorted(r.outcome.value for r in results) == ["duplicate"] * 5 + ["merged"]
    assert {r.lead_id for r in results} == {first.lead_id}
    with mysql_uow() as uow:
        lead = uow.leads.get(first.lead_id, with_history=True)
    assert lead is not None and lead.resubmissions == 1
    assert [e.field for e in lead.history] == ["status", "resubmission"]


def test_many_people_submitting_at_once_all_get_their_lead(mysql_uow: UowFactory) -> None:
    submit = SubmitLead(mysql_uow, FakeClock(), phone_region="US")
    forms = [
        LeadForm(Channel.API, name=f"Person {n}", email=f"p{n}@example.com", phone=f"+1 202 555 {n:04d}")
        for n in range(400)
    ]
    with ThreadPoolExecutor(8) as pool:
        results = list(pool.map(submit, forms))
    assert [r.outcome for r in results] == [Outcome.CREATED] * 400
    assert len({r.lead_id for r in results}) == 400


def test_workers_claiming_notices_at_once_never_deadlock_and_each_notice_is_granted_once(
    mysql_uow: UowFactory,
) -> None:
    keys = [(lead_id, notice, channel) for lead_id in range(1, 13) for notice in Notice for channel in DeliveryChannel]
    now, lease = FakeClock().now(), timedelta(minutes=5)
    start = threading.Barrier(8)

    def worker(seed: int) -> tuple[list[tuple[int, Notice, DeliveryChannel]], list[str]]:
        mine = random.Random(seed).sample(keys, len(keys))
        granted, errors = [], []
        start.wait(timeout=10)
        for key in mine:
            try:
                with mysql_uow() as uow:
                    if uow.deliveries.claim(*key, now=now, lease=lease) == Claim.GRANTED:
                        granted.append(key)
                    uow.commit()
            except LeadsManagerError as e:  # a deadlock or a duplicate key, reported as a conflict
                errors.append(f"{type(e).__name__}: {e}")
        return granted, errors

    with ThreadPoolExecutor(8) as pool:
        results = list(pool.map(worker, range(8)))
    assert [e for _, errors in results for e in errors] == []
    granted = [key for mine, _ in results for key in mine]
    assert sorted(granted) == sorted(keys)  # every notice claimed, by exactly one worker
