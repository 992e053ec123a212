"""Admins edit the configured pipeline one change at a time, each checked against the stages as they
are stored (a form filled in before another admin's change changes nothing), saved with its audit-log
entry in one transaction."""

from __future__ import annotations

from attrs import frozen

from leadsmanager.application.ports import Clock, UnitOfWork, UnitOfWorkFactory
from leadsmanager.application.transactions import in_transaction
from leadsmanager.domain.actor import Actor
from leadsmanager.domain.errors import Conflict, LeadsManagerError, PermissionDenied
from leadsmanager.domain.pipeline import Pipeline, StageChange
from leadsmanager.domain.pipeline.edits import Delete, Retire, StageEdit
from leadsmanager.domain.roles import Permission


class StagesChanged(Conflict):
    """The form was filled in on stages that have changed since: nothing was changed."""

    def __init__(self) -> None:
        super().__init__("the stages were changed meanwhile (by another admin, or in another tab); nothing was changed")


@frozen
class StageSheet:
    """What the stage editor shows: the stages as stored, the leads in each, and the log newest first."""

    pipeline: Pipeline
    held: dict[str, int]
    log: list[StageChange]
    deletable: frozenset[str]  # the stages the domain would let go: no lead holds them, the pipeline stays whole
    retirable: frozenset[str]

    @classmethod
    def of(cls, pipeline: Pipeline, held: dict[str, int], log: list[StageChange]) -> StageSheet:
        def allowed(edit: StageEdit) -> bool:
            try:
                edit.apply(pipeline, held)
            except LeadsManagerError:
                return False
            return True

        keys = [s.key for s in pipeline.stages]
        deletable = frozenset(k for k in keys if allowed(Delete(k)))
        return cls(pipeline, held, log, deletable, frozenset(k for k in keys if allowed(Retire(k, True))))


def _check(by: Actor) -> None:
    if not by.can(Permission.EDIT_STAGES):
        raise PermissionDenied("only admins edit the stages")


class StageEditor:
    """The stages as stored now (never the process's kept copy, whose version a form would then carry)."""

    def __init__(self, uow: UnitOfWorkFactory) -> None:
        self._uow = uow

    def __call__(self, *, by: Actor) -> StageSheet:
        _check(by)
        with self._uow() as uow:
            return StageSheet.of(uow.pipeline.current(), uow.pipeline.leads_by_status(), uow.pipeline.changes()[::-1])


class EditStages:
    def __init__(self, uow: UnitOfWorkFactory, clock: Clock) -> None:
        self._uow = uow
        self._clock = clock

    def __call__(self, edit: StageEdit, *, by: Actor, version: str) -> StageChange | None:
        """Applies `edit` to the stored pipeline if it is still the one of `version`; returns the log
        entry, or None when the edit changes nothing (renaming to the same labels): nothing is logged."""
        _check(by)

        def change(uow: UnitOfWork) -> StageChange | None:
            current = uow.pipeline.current(lock=True)
            if current.version != version:
                raise StagesChanged
            edited = edit.apply(current, uow.pipeline.leads_by_status())
            if edited.pipeline.version == current.version:
                return None
            user = uow.users.get(by.user_id) if by.user_id is not None else None
            actor = user.email if user else by.name
            logged = StageChange(self._clock.now(), actor, edited.action, edited.detail, edited.params)
            uow.pipeline.replace(edited.pipeline, logged)
            return logged

        return in_transaction(self._uow, change)
