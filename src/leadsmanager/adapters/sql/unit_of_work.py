"""One business transaction per use case: a fresh session, committed only on request."""

from __future__ import annotations

from types import TracebackType

from sqlalchemy import exc
from sqlalchemy.orm import Session, sessionmaker

from leadsmanager.adapters.sql.api_keys import SqlApiKeyRepository, SqlIdempotencyRepository, SqlKeyNoticeRepository
from leadsmanager.adapters.sql.engine import release
from leadsmanager.adapters.sql.errors import translate
from leadsmanager.adapters.sql.failed_submissions import SqlFailedSubmissionRepository
from leadsmanager.adapters.sql.file_imports import SqlFileImportRepository
from leadsmanager.adapters.sql.jobs import SqlDeliveryLog, SqlFailedTaskRepository, SqlOutboxRepository
from leadsmanager.adapters.sql.leads import SqlLeadRepository
from leadsmanager.adapters.sql.pipeline import PipelineCache, SqlPipelineRepository
from leadsmanager.adapters.sql.sessions import SqlSessionRepository
from leadsmanager.adapters.sql.sync_cursors import SqlSyncCursorRepository
from leadsmanager.adapters.sql.users import SqlUserRepository
from leadsmanager.adapters.sql.views.consistency import SqlConsistencyQueries
from leadsmanager.adapters.sql.views.report_projection import ReportProjection
from leadsmanager.application.ports import UnitOfWork


class SqlAlchemyUnitOfWork(UnitOfWork):
    def __init__(self, session_factory: sessionmaker[Session], pipelines: PipelineCache | None = None) -> None:
        """`pipelines`: the process's cache of the configured pipeline; without one, every read asks the table."""
        self._session_factory = session_factory
        self._pipelines = pipelines

    def __enter__(self) -> SqlAlchemyUnitOfWork:
        self._session = self._session_factory()
        self.leads = SqlLeadRepository(self._session, ReportProjection(self._session))
        self.users = SqlUserRepository(self._session)
        self.sessions = SqlSessionRepository(self._session)
        self.api_keys = SqlApiKeyRepository(self._session)
        self.idempotency = SqlIdempotencyRepository(self._session)
        self.key_notices = SqlKeyNoticeRepository(self._session)
        self.sync_cursors = SqlSyncCursorRepository(self._session)
        self.failed_submissions = SqlFailedSubmissionRepository(self._session)
        self.imports = SqlFileImportRepository(self._session)
        self.outbox = SqlOutboxRepository(self._session)
        self.deliveries = SqlDeliveryLog(self._session)
        self.failed_tasks = SqlFailedTaskRepository(self._session)
        self.checks = SqlConsistencyQueries(self._session)
        self.pipeline = SqlPipelineRepository(self._session, self._pipelines)
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, error: BaseException | None, tb: TracebackType | None
    ) -> None:
        release(self._session, error)

    def commit(self) -> None:
        try:
            self._session.commit()
        except exc.DBAPIError as e:
            raise translate(e) from e
        self.pipeline.committed()

    def rollback(self) -> None:
        self._session.rollback()
