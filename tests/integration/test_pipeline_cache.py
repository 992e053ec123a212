"""A process keeps the configured pipeline for a few seconds instead of reading the stages for every lead,
and reads them again at once after changing them itself."""

from __future__ import annotations

from sqlalchemy import Engine, update

from leadsmanager.adapters.sql.engine import make_session_factory
from leadsmanager.adapters.sql.pipeline import PipelineCache
from leadsmanager.adapters.sql.tables import stages
from leadsmanager.adapters.sql.unit_of_work import SqlAlchemyUnitOfWork
from leadsmanager.domain.pipeline import DEFAULT, StageChange
from leadsmanager.domain.pipeline.presets import INTRALOG
from tests.support import START


def relabel_behind_its_back(engine: Engine, label: str) -> None:
    """Another process's change: straight into the table."""
    with engine.begin() as connection:
        connection.execute(update(stages).where(stages.c.key == "new").values(labels={"en": label, "es": label}))


def test_a_kept_pipeline_is_used_until_it_is_stale(sqlite_engine: Engine) -> None:
    factory = make_session_factory(sqlite_engine)
    cache = PipelineCache(seconds=3600)
    with SqlAlchemyUnitOfWork(factory, cache) as uow:
        assert uow.pipeline.get().label("new") == "new"
    relabel_behind_its_back(sqlite_engine, "fresh")
    with SqlAlchemyUnitOfWork(factory, cache) as uow:
        assert uow.pipeline.get().label("new") == "new"  # kept: no read of the table
    with SqlAlchemyUnitOfWork(factory, PipelineCache(seconds=0)) as uow:
        assert uow.pipeline.get().label("new") == "fresh"  # a process that keeps nothing sees it at once
    with SqlAlchemyUnitOfWork(factory) as uow:
        assert uow.pipeline.get().label("new") == "fresh"


def test_a_process_that_changes_the_pipeline_reads_it_again_at_once(sqlite_engine: Engine) -> None:
    factory = make_session_factory(sqlite_engine)
    cache = PipelineCache(seconds=3600)
    with SqlAlchemyUnitOfWork(factory, cache) as uow:
        assert uow.pipeline.get().keys == DEFAULT.keys
    with SqlAlchemyUnitOfWork(factory, cache) as uow:
        uow.pipeline.replace(INTRALOG, StageChange(START, "cli", "apply", "intralog"))
        uow.commit()
    with SqlAlchemyUnitOfWork(factory, cache) as uow:
        assert uow.pipeline.get().keys == INTRALOG.keys
        assert uow.pipeline.get().start == "esperandoDatos"
