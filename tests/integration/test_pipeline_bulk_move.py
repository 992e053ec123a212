"""`pipeline apply --map` moves leads set by set in SQL; what it leaves is what reading, moving and
saving each lead left (the path it replaced): the leads' stages, kinds, furthest stages, versions and
open contacts, their history, the report counts, and a consistency check with nothing to say."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import Engine, select

from leadsmanager.adapters.sql.engine import make_session_factory
from leadsmanager.adapters.sql.tables import lead_history, leads
from leadsmanager.adapters.sql.unit_of_work import SqlAlchemyUnitOfWork
from leadsmanager.adapters.sql.views.report_counts import fold_pending
from leadsmanager.adapters.sql.views.report_rebuild import rebuild
from leadsmanager.application.consistency import CheckConsistency
from leadsmanager.application.intake import LeadForm, SubmitLead
from leadsmanager.application.leads import ChangeStatus
from leadsmanager.application.pipeline.stages import ApplyPreset, Stages
from leadsmanager.application.reports import Report, ReportQuery, Reports
from leadsmanager.domain.actor import Actor
from leadsmanager.domain.lead import Channel
from leadsmanager.domain.period import Period
from leadsmanager.domain.pipeline import DEFAULT, StageChange, preset
from leadsmanager.domain.roles import Role
from tests.conftest import empty, views_of
from tests.integration.test_report_any_pipeline import stored
from tests.support import FakeClock, new_lead, store

START = datetime(2026, 3, 2, 9, tzinfo=UTC)
MOVED_AT = START + timedelta(days=2)
BOSS = Actor(None, Role.MANAGER, "boss")
# Every default stage intralog lacks, to an open, won, lost and excluded stage of it; `lost` reopens.
MOVES = {
    "new": "esperandoDatos",
    "contacted": "faltaCotizar",
    "qualified": "negativo",
    "proposal": "avanzando",
    "won": "nuevoCliente",
    "lost": "faltaCotizar",
}
# Each lead's moves under the default pipeline: furthest stages that move and that do not.
JOURNEYS = [
    [],
    ["contacted"],
    ["contacted", "qualified"],
    ["contacted", "qualified", "proposal"],
    ["contacted", "qualified", "proposal", "won"],
    ["contacted", "lost"],
    ["contacted", "qualified", "proposal", "lost"],
    ["spam"],
    [],
    ["contacted", "qualified"],
    ["lost"],
]
Uow = Callable[[], SqlAlchemyUnitOfWork]
Rows = list[tuple[object, ...]]


def seeded(engine: Engine) -> Uow:
    factory = make_session_factory(engine)

    def uow() -> SqlAlchemyUnitOfWork:
        return SqlAlchemyUnitOfWork(factory)

    clock = FakeClock(START, step=timedelta(minutes=1))
    submit, move = SubmitLead(uow, clock, phone_region="AR"), ChangeStatus(uow, clock)
    for n, journey in enumerate(JOURNEYS):
        form = LeadForm(Channel.WEB_FORM, name=f"P {n}", email=f"p{n}@example.com", phone=f"11 4{n:03} 5555")
        lead_id = submit(form).lead_id
        for stage in journey:
            move(lead_id, stage, by=BOSS)
    return uow


def one_at_a_time(uow: Uow) -> None:
    """The path the set-based moves replaced: each lead read, moved and saved through the repository."""
    chosen = preset("intralog")
    with uow() as work:
        for lead_id in work.pipeline.lead_ids_in(sorted(MOVES), after_id=0, limit=1000):
            lead = work.leads.get(lead_id)
            assert lead is not None
            reached = MOVES.get(lead.stage_reached, lead.stage_reached)
            lead.restage(MOVES[lead.status], pipeline=chosen, reached=reached, at=MOVED_AT)
            work.leads.save(lead)
        work.pipeline.replace(chosen, StageChange(MOVED_AT, "cli", "apply", "applied preset intralog"))
        work.commit()


def outcome(engine: Engine, uow: Uow) -> tuple[Rows, Rows, Report, tuple[Rows, Rows]]:
    """What a person sees afterwards, lead ids replaced by their order (the two runs number them apart)."""
    c, h = leads.c, lead_history.c
    with engine.connect() as connection:
        rows = connection.execute(
            select(
                c.id, c.status, c.status_kind, c.stage_reached, c.version, c.updated_at, c.open_email, c.open_phone
            ).order_by(c.id)
        ).all()
        order = {row.id: n for n, row in enumerate(rows)}
        history = connection.execute(
            select(h.lead_id, h.field, h.old, h.new, h.actor_id, h.at, h.reason, h.actor_deleted).order_by(
                h.lead_id, h.at, h.id
            )
        ).all()
    reports = Reports(views_of(engine), FakeClock(MOVED_AT), follow_up=timedelta(days=1), stages=Stages(uow))
    report = reports(ReportQuery(Period(None, None, ZoneInfo("UTC"))), by=BOSS)
    checked = CheckConsistency(uow, FakeClock(MOVED_AT))()
    assert checked.findings == () and checked.leads_scanned == len(JOURNEYS)
    fold_pending(make_session_factory(engine))
    return (
        [(order[r.id], *r[1:]) for r in rows],
        [(order[r.lead_id], *r[1:]) for r in history],
        report,
        stored(engine),
    )


def test_moving_leads_set_by_set_leaves_what_moving_each_one_left(sql_engine: Engine) -> None:
    uow = seeded(sql_engine)
    one_at_a_time(uow)
    expected = outcome(sql_engine, uow)
    empty(sql_engine)
    uow = seeded(sql_engine)
    ApplyPreset(uow, FakeClock(MOVED_AT, step=timedelta(0)), batch=3)("intralog", actor="cli", moves=MOVES)
    moved = outcome(sql_engine, uow)
    assert moved[0] == expected[0]
    assert moved[1] == expected[1]
    assert moved[2] == expected[2]
    assert moved[3] == expected[3]
    # The comparison is not of two empty moves: every stage moved, each lead with a status entry more.
    statuses = {row[1] for row in moved[0]}
    assert statuses == {"esperandoDatos", "faltaCotizar", "negativo", "avanzando", "nuevoCliente", "spam"}
    assert [row[1:4] for row in moved[1] if row[5] == MOVED_AT][:2] == [
        ("status", "new", "esperandoDatos"),
        ("status", "contacted", "faltaCotizar"),
    ]
    assert moved[2].by_status["faltaCotizar"] == 4 and moved[2].won == 1


def test_leads_moved_where_no_stage_changes_kind_are_counted_again(sql_engine: Engine) -> None:
    """The stages keep their kinds (so storing them counts nothing again): the moves themselves do."""
    factory = make_session_factory(sql_engine)
    imported = [new_lead(n) for n in range(3)]
    for lead in imported:
        lead.place("pendiente", DEFAULT)  # brought in with a stage no pipeline has, as an import might

    def uow() -> SqlAlchemyUnitOfWork:
        return SqlAlchemyUnitOfWork(factory)

    store(uow, *imported)
    fold_pending(factory)
    ApplyPreset(uow, FakeClock(MOVED_AT), batch=2)("default", actor="cli", moves={"pendiente": "contacted"})
    fold_pending(factory)
    reports = Reports(views_of(sql_engine), FakeClock(MOVED_AT), follow_up=timedelta(days=1), stages=Stages(uow))
    report = reports(ReportQuery(Period(None, None, ZoneInfo("UTC"))), by=BOSS)
    assert "pendiente" not in report.by_status and report.by_status["contacted"] == 3
    kept = stored(sql_engine)
    with sql_engine.begin() as connection:
        rebuild(connection)  # what `leadsmanager db recount-reports` runs
    assert stored(sql_engine) == kept
    assert CheckConsistency(uow, FakeClock(MOVED_AT))().findings == ()
