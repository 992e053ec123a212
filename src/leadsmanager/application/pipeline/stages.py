"""Use cases on the configured pipeline. Applying a preset never moves a lead by guessing: leads in
stages the preset lacks make it refuse, naming those stages and how many leads hold each."""

from __future__ import annotations

from leadsmanager.application.ports import Clock, UnitOfWork, UnitOfWorkFactory
from leadsmanager.application.transactions import in_transaction
from leadsmanager.domain.errors import Conflict
from leadsmanager.domain.pipeline import DEFAULT, Pipeline, StageChange, preset


class Stages:
    """The configured pipeline, as every use case that moves leads loads it."""

    def __init__(self, uow: UnitOfWorkFactory) -> None:
        self._uow = uow

    def __call__(self) -> Pipeline:
        with self._uow() as uow:
            return uow.pipeline.get()


class StageLog:
    """Every change made to the stages, oldest first."""

    def __init__(self, uow: UnitOfWorkFactory) -> None:
        self._uow = uow

    def __call__(self) -> list[StageChange]:
        with self._uow() as uow:
            return uow.pipeline.changes()


class ApplyPreset:
    def __init__(self, uow: UnitOfWorkFactory, clock: Clock) -> None:
        self._uow = uow
        self._clock = clock

    def __call__(self, name: str, *, actor: str) -> Pipeline:
        """Makes preset `name` the pipeline, logged as `actor`'s change; refuses while leads hold stages
        it lacks."""
        chosen = preset(name)

        def apply(uow: UnitOfWork) -> Pipeline:
            _check_leads_fit(uow, name, chosen)
            detail = f"applied preset {name}: " + ", ".join(f"{s.key} ({s.kind})" for s in chosen.stages)
            uow.pipeline.replace(chosen, StageChange(self._clock.now(), actor, "apply", detail))
            return chosen

        return in_transaction(self._uow, apply)


def _check_leads_fit(uow: UnitOfWork, name: str, chosen: Pipeline) -> None:
    held = uow.pipeline.leads_by_status()
    lacking = {key: n for key, n in sorted(held.items()) if chosen.find(key) is None}
    if lacking:
        listed = ", ".join(f"{key} ({n} lead{'s' if n != 1 else ''})" for key, n in lacking.items())
        raise Conflict(f"leads are in stages the {name} pipeline lacks: {listed}; nothing was changed")
    # Report counts keep one column per default stage (adapters/sql/tables.py): until they count any key,
    # a pipeline whose keys differ would leave its leads uncounted, so it is refused rather than half-working.
    foreign = [s.key for s in chosen.stages if DEFAULT.find(s.key) is None]
    if foreign:
        raise Conflict(
            f"the {name} pipeline has stages this version cannot count in reports yet "
            f"({', '.join(foreign)}); nothing was changed"
        )
