"""Reports follow the configured pipeline: intralog's stages are counted, folded and recounted like
the default's, the funnel follows its progression, and excluded leads are counted apart."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from attrs import evolve
from sqlalchemy import Engine, func, select

from leadsmanager.adapters.sql.engine import make_session_factory
from leadsmanager.adapters.sql.tables import report_counts, report_keys, report_pending
from leadsmanager.adapters.sql.unit_of_work import SqlAlchemyUnitOfWork
from leadsmanager.adapters.sql.views.report_counts import fold_pending
from leadsmanager.adapters.sql.views.report_rebuild import rebuild
from leadsmanager.application.intake import LeadForm, SubmitLead
from leadsmanager.application.leads import ChangeStatus
from leadsmanager.application.pipeline.stages import ApplyPreset, Stages
from leadsmanager.application.reports import Report, ReportQuery, Reports
from leadsmanager.domain.actor import Actor
from leadsmanager.domain.lead import Channel
from leadsmanager.domain.period import Period
from leadsmanager.domain.pipeline import INTRALOG, Pipeline, StageChange, StageKind
from leadsmanager.domain.roles import Role
from leadsmanager.entrypoints.formats.report_tables import table_named
from tests.conftest import views_of
from tests.support import FakeClock

START = datetime(2026, 3, 2, 9, tzinfo=UTC)
ALL_TIME = Period(None, None, ZoneInfo("UTC"))
BOSS = Actor(None, Role.MANAGER, "boss")


def stored(engine: Engine) -> tuple[list[tuple[object, ...]], list[tuple[object, ...]]]:
    with engine.connect() as connection:
        counts = connection.execute(select(report_counts).order_by(*report_counts.primary_key.columns))
        keys = connection.execute(select(report_keys).order_by(*report_keys.primary_key.columns))
        return [tuple(r) for r in counts], [tuple(r) for r in keys]


def test_an_intralog_pipelines_leads_are_reported_by_its_stages(sql_engine: Engine) -> None:
    factory = make_session_factory(sql_engine)

    def uow() -> SqlAlchemyUnitOfWork:
        return SqlAlchemyUnitOfWork(factory)

    clock = FakeClock(START, step=timedelta(minutes=1))
    submit, move = SubmitLead(uow, clock, phone_region="AR"), ChangeStatus(uow, clock)

    def intake(n: int) -> int:
        return submit(LeadForm(Channel.WEB_FORM, name=f"P {n}", email=f"p{n}@example.com", service="Flete")).lead_id

    before = intake(0)  # arrived under the default pipeline, in `new`
    ApplyPreset(uow, clock)("intralog", actor="cli", moves={"new": "esperandoDatos"})
    ids = [before, *(intake(n) for n in range(1, 6))]
    with uow() as work:
        assert {work.leads.get(i).status for i in ids} == {"esperandoDatos"}  # type: ignore[union-attr]
    for lead_id, stages in zip(
        ids[1:],
        [["faltaCotizar"], ["faltaCotizar", "cotizado", "nuevoCliente"], ["noAvanzo"], ["negativo"], []],
        strict=True,
    ):
        for stage in stages:
            move(lead_id, stage, by=BOSS)

    reports = Reports(
        views_of(sql_engine), FakeClock(START + timedelta(days=3)), follow_up=timedelta(days=1), stages=Stages(uow)
    )
    pending = reports(ReportQuery(ALL_TIME), by=BOSS)
    assert fold_pending(factory) > 0
    folded = reports(ReportQuery(ALL_TIME), by=BOSS)
    kept = stored(sql_engine)
    by_key = {(row[3], row[4], row[5]) for row in kept[1] if row[1] == "D"}
    assert ("source_status", "web_form", "negativo") in by_key and ("reached", "faltaCotizar", "") in by_key
    with sql_engine.begin() as connection:
        rebuild(connection)  # what `leadsmanager db recount-reports` runs
    assert stored(sql_engine) == kept
    assert reports(ReportQuery(ALL_TIME), by=BOSS) == folded == pending
    check(folded)
    # A stage that changes kind takes its leads with it: faltaCotizar's lead stops waiting for an answer.
    edited = [evolve(s, kind=StageKind.EXCLUDED) if s.key == "faltaCotizar" else s for s in INTRALOG.stages]
    with uow() as work:
        work.pipeline.replace(Pipeline.of(edited, INTRALOG.start), StageChange(START, "cli", "edit", "excluded"))
        work.commit()
    assert fold_pending(factory) == 0  # the counts were made again in the change's own transaction
    changed = reports(ReportQuery(ALL_TIME), by=BOSS)
    assert (changed.waiting, changed.excluded, [x.waiting for x in changed.reps]) == (2, 2, [2])
    kept = stored(sql_engine)
    with sql_engine.begin() as connection:
        rebuild(connection)
    assert stored(sql_engine) == kept


def check(r: Report) -> None:
    assert r.by_status == {"esperandoDatos": 2, "faltaCotizar": 1, "nuevoCliente": 1, "noAvanzo": 1, "negativo": 1}
    assert (r.total, r.won, r.lost, r.excluded) == (6, 1, 1, 1)
    # The excluded lead is outside the funnel and the conversion: 5 leads entered, 1 won.
    assert [(f.stage, f.leads) for f in r.funnel] == [
        ("esperandoDatos", 5),
        ("faltaCotizar", 2),
        ("cotizado", 1),
        ("avanzando", 1),
        ("nuevoCliente", 1),
    ]
    assert [(s.source, s.leads, s.spam, s.won, s.excluded, s.conversion) for s in r.sources] == [
        ("web_form", 6, 0, 1, 1, 0.2)
    ]
    assert [(x.leads, x.open, x.won, x.lost) for x in r.reps] == [(6, 3, 1, 1)]
    # Nobody answered any of them (a manager's moves without an account), so every open one is waiting
    # past the follow-up; the won, lost and excluded ones are closed, by their stages' kinds.
    assert (r.waiting, [x.waiting for x in r.reps]) == (3, [3])
    statuses = table_named(r, "statuses")
    assert statuses is not None and statuses.rows == [
        ("esperandoDatos", 2),
        ("faltaCotizar", 1),
        ("cotizado", 0),
        ("avanzando", 0),
        ("noAvanzo", 1),
        ("noViable", 0),
        ("nuevoCliente", 1),
        ("negativo", 1),
        ("spam", 0),
    ]


def test_a_change_of_a_stages_kind_counts_the_reports_again(sql_engine: Engine) -> None:
    """As `db recount-reports` does: the counts are made again from the leads as they stand, in the
    change's transaction, the changes waiting to be folded included."""
    factory = make_session_factory(sql_engine)

    def uow() -> SqlAlchemyUnitOfWork:
        return SqlAlchemyUnitOfWork(factory)

    clock = FakeClock(START, step=timedelta(minutes=1))
    submit = SubmitLead(uow, clock, phone_region="AR")
    ids = [submit(LeadForm(Channel.WEB_FORM, name=f"P {n}", email=f"p{n}@example.com")).lead_id for n in range(3)]
    ChangeStatus(uow, clock)(ids[0], "contacted", by=BOSS)
    with sql_engine.connect() as connection:
        assert connection.execute(select(func.count()).select_from(report_pending)).scalar_one() > 0  # not folded yet
    ApplyPreset(uow, clock)("intralog", actor="cli", moves={"new": "esperandoDatos", "contacted": "negativo"})
    after = stored(sql_engine)
    with sql_engine.connect() as connection:
        assert connection.execute(select(func.count()).select_from(report_pending)).scalar_one() == 0
    with sql_engine.begin() as connection:
        rebuild(connection)
    assert stored(sql_engine) == after and after[1]  # what `db recount-reports` would count, already counted
