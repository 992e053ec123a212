"""The legacy import's rules against the in-memory storage: resuming after a crash, batches meeting each
other's people, the history ending where the lead is, estados the table lacks."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from attrs import evolve

from leadsmanager.application.legacy import ImportLegacyLeads, LegacyRun
from leadsmanager.application.legacy import leads as legacy_leads
from leadsmanager.application.legacy.records import LegacyCampaign, LegacyStatusChange, LegacySubmission, LegacyUser
from leadsmanager.application.legacy.statuses import DEFAULT_STATUS_MAP
from leadsmanager.domain.errors import ExternalServiceError
from leadsmanager.domain.lead import Channel, HistoryField, Lead
from leadsmanager.domain.pipeline import INTRALOG, StageChange
from leadsmanager.domain.roles import Role
from leadsmanager.domain.user import User
from tests.conftest import UowFactory
from tests.support import FakeClock

DAY = datetime(2025, 1, 1, 9, 0, tzinfo=UTC)


def row(n: int, **changes: Any) -> LegacySubmission:
    base = LegacySubmission(
        id=n,
        submission_id=1000 + n,
        form_id=4,
        created_at=DAY + timedelta(days=n),
        company=f"Empresa {n}",
        name=f"Cliente {n}",
        email=f"cliente{n}@example.com",
        phone="",
        service="Almacenamiento",
        message="",
        origin="web",
        sub_origin="",
        progress="",
        status="esperandoDatos",
        assigned_user_id=None,
        management_message="",
        campaign_id=None,
        data="",
    )
    return evolve(base, **changes)


class FakeLegacy:
    """The original system's rows in memory; `fail_after` submissions, its connection drops."""

    def __init__(self, rows: Sequence[LegacySubmission], changes: Sequence[LegacyStatusChange] = ()) -> None:
        self.rows, self.changes = list(rows), list(changes)
        self.fail_after: int | None = None

    def users(self) -> Iterator[LegacyUser]:
        return iter(())

    def campaigns(self) -> Iterator[LegacyCampaign]:
        return iter(())

    def submissions(self, *, after_id: int = 0) -> Iterator[LegacySubmission]:
        for i, submission in enumerate(r for r in self.rows if r.id > after_id):
            if self.fail_after is not None and i >= self.fail_after:
                raise ExternalServiceError("reading the legacy database failed: Lost connection")
            yield submission

    def history(self, *, after_id: int = 0) -> Iterator[LegacyStatusChange]:
        return iter(sorted((c for c in self.changes if c.submission_id > after_id), key=lambda c: c.submission_id))


@pytest.fixture
def uow(memory_uow: UowFactory, monkeypatch: pytest.MonkeyPatch) -> UowFactory:
    monkeypatch.setattr(legacy_leads, "BATCH", 2)
    with memory_uow() as unit:
        unit.pipeline.replace(INTRALOG, StageChange(DAY, "test", "apply", "intralog"))
        unit.commit()
    return memory_uow


def run(uow: UowFactory, source: FakeLegacy, *, dry_run: bool = False) -> list[tuple[int, str, str]]:
    plans = ImportLegacyLeads(uow, FakeClock())(
        source, LegacyRun("intralog", "AR", DEFAULT_STATUS_MAP, {}), dry_run=dry_run
    )
    return [(p.row_id, p.outcome.value, p.reason) for p in plans]


def stored(uow: UowFactory) -> dict[str, Lead]:
    with uow() as unit:
        wanted = [f"intralog/4/{1000 + n}" for n in range(1, 10)]
        ids = unit.leads.find_by_external_ids(Channel.WORDPRESS, wanted)
        leads = {e: unit.leads.get(i, with_history=True) for e, i in ids.items()}
    return {e: lead for e, lead in leads.items() if lead is not None}


def test_a_run_that_stopped_is_run_again_and_imports_the_rest_exactly_once(uow: UowFactory) -> None:
    source = FakeLegacy([row(n) for n in range(1, 6)])
    source.fail_after = 3  # the connection drops while the second batch is read
    with pytest.raises(ExternalServiceError):
        run(uow, source)
    assert sorted(stored(uow)) == ["intralog/4/1001", "intralog/4/1002"]  # the first batch's transaction
    source.fail_after = None
    assert run(uow, source) == [
        (1, "skipped", "already imported"),
        (2, "skipped", "already imported"),
        (3, "created", ""),
        (4, "created", ""),
        (5, "created", ""),
    ]
    assert len({lead.id for lead in stored(uow).values()}) == 5


def test_a_person_met_again_in_a_later_batch_joins_their_open_lead_in_a_dry_run_as_in_a_real_one(
    uow: UowFactory,
) -> None:
    rows = [row(1), row(2), row(3, email="CLIENTE1@example.com"), row(4, email="", phone="011 4555 1234")]
    rows.append(row(5, email="", phone="+54 11 4555-1234", management_message="Volvió a escribir"))
    source = FakeLegacy(rows)
    planned = run(uow, source, dry_run=True)
    assert stored(uow) == {}
    assert planned == run(uow, source)
    assert [p[1:] for p in planned] == [
        ("created", ""),
        ("created", ""),
        ("merged", "same email as an open lead"),
        ("created", ""),
        ("merged", "same phone as an open lead"),
    ]
    leads = stored(uow)
    assert leads["intralog/4/1003"].id == leads["intralog/4/1001"].id
    fourth = leads["intralog/4/1004"]
    assert [e.new for e in fourth.history if e.field is HistoryField.NOTE] == ["Volvió a escribir"]
    assert (fourth.resubmissions, fourth.events) == (1, [])


def test_the_history_keeps_its_times_and_ends_where_the_lead_is(uow: UowFactory) -> None:
    moved = DAY + timedelta(days=3)
    change = LegacyStatusChange(1, 1, "pendiente", "contactado", None, moved)  # a deleted user's move
    run(uow, FakeLegacy([row(1, status="cotizado")], [change]))
    lead = stored(uow)["intralog/4/1001"]
    assert [(e.old, e.new, e.actor_id, e.at) for e in lead.history if e.field is HistoryField.STATUS] == [
        (None, "esperandoDatos", None, DAY + timedelta(days=1)),
        ("esperandoDatos", "faltaCotizar", None, moved),
        ("faltaCotizar", "cotizado", None, moved),  # the estado moved on with no history row
    ]
    # The deleted user's move ended the wait: the response time counts it, though the system's own does not.
    assert (lead.status, lead.stage_reached, lead.first_response_at) == ("cotizado", "cotizado", moved)


def test_a_lead_only_the_system_moved_is_still_waiting_for_its_first_response(uow: UowFactory) -> None:
    started = LegacyStatusChange(1, 1, "", "pendiente", None, DAY)  # the original system's own start row
    run(uow, FakeLegacy([row(1, status="cotizado")], [started]))
    lead = stored(uow)["intralog/4/1001"]
    assert [e.new for e in lead.history if e.field is HistoryField.STATUS] == ["esperandoDatos", "cotizado"]
    assert lead.first_response_at is None


def test_rows_that_cannot_be_leads_are_skipped_saying_why(uow: UowFactory) -> None:
    rows = [row(1, status="enEspera"), row(2, form_id=None), row(3, email="no es un mail", phone="12")]
    assert run(uow, FakeLegacy(rows)) == [
        (1, "skipped", "estado 'enEspera' has no stage: pass --status enEspera=STAGE"),
        (2, "skipped", "no form_id"),
        (3, "skipped", "no email and no phone that could be read"),
    ]
    assert stored(uow) == {}


def test_a_lead_imported_in_a_closed_stage_holds_its_kind_and_the_person_writing_again_is_a_new_lead(
    uow: UowFactory,
) -> None:
    outcomes = run(uow, FakeLegacy([row(1, status="negativo"), row(2, status="nuevoCliente", email="x@example.com")]))
    later = run(uow, FakeLegacy([row(3, email="cliente1@example.com"), row(4, email="x@example.com")]))
    leads = stored(uow)
    kinds = [(leads[f"intralog/4/{1000 + n}"].status_kind, leads[f"intralog/4/{1000 + n}"].is_open) for n in (1, 2)]
    assert kinds == [("excluded", False), ("won", False)]
    assert [o for _, o, _ in outcomes + later] == ["created", "created", "created", "created"]


def test_an_open_lead_whose_owner_left_comes_over_unassigned_and_a_closed_one_keeps_its_owner(
    uow: UowFactory,
) -> None:
    with uow() as unit:
        left = User("ex@intralog.example", "Ex Empleado", Role.EMPLOYEE, "pbkdf2_sha256$1$s$h", created_at=DAY)
        left.deactivate()
        unit.users.add(left)
        unit.commit()
    assert left.id is not None
    rows = [row(1, assigned_user_id=7), row(2, assigned_user_id=7, status="nuevoCliente")]
    clock = FakeClock(step=timedelta(0))
    ImportLegacyLeads(uow, clock)(FakeLegacy(rows), LegacyRun("intralog", "AR", DEFAULT_STATUS_MAP, {7: left.id}))
    open_lead, won = stored(uow)["intralog/4/1001"], stored(uow)["intralog/4/1002"]
    owners = [(e.old, e.new, e.actor_id) for e in open_lead.history if e.field is HistoryField.ASSIGNEE]
    assert (open_lead.assignee_id, owners) == (None, [(None, str(left.id), None), (str(left.id), None, None)])
    assert open_lead.history[-1].at == clock.now()  # released by the import, when it ran
    assert won.assignee_id == left.id


def test_a_change_by_a_user_the_import_skipped_is_a_deleted_users_not_the_systems(uow: UowFactory) -> None:
    change = LegacyStatusChange(1, 1, "esperandoDatos", "cotizado", 6, DAY + timedelta(days=2))  # user 6: no email
    run(uow, FakeLegacy([row(1, status="cotizado")], [change]))
    [first, moved] = stored(uow)["intralog/4/1001"].history[:2]
    assert (first.actor_deleted, moved.new, moved.actor_id, moved.actor_deleted) == (False, "cotizado", None, True)
