"""Use cases on the configured pipeline. Applying a preset never moves a lead by guessing: leads in
stages the preset lacks make it refuse, naming those stages and how many leads hold each, unless the
caller says where each such stage's leads go (`moves`, old key to new key)."""

from __future__ import annotations

from collections.abc import Mapping

from leadsmanager.application.ports import Clock, UnitOfWork, UnitOfWorkFactory
from leadsmanager.application.transactions import in_transaction
from leadsmanager.domain.errors import Conflict, ValidationError
from leadsmanager.domain.pipeline import Pipeline, StageChange, preset
from leadsmanager.domain.pipeline.change import Params


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
    """Makes a preset the pipeline, in one transaction: the leads it moves, the stages, the audit log."""

    def __init__(self, uow: UnitOfWorkFactory, clock: Clock, *, batch: int = 5000) -> None:
        self._uow = uow
        self._clock = clock
        self._batch = batch

    def __call__(self, name: str, *, actor: str, moves: Mapping[str, str] | None = None) -> Pipeline:
        """Makes preset `name` the pipeline, logged as `actor`'s change. `moves` maps a stage the preset
        lacks to one of its stages: the leads in it move there, each move in the lead's history (as the
        system's) and counted in the audit log. Refuses while leads hold stages it lacks and no move
        says where they go."""
        chosen = preset(name)
        wanted = _checked_moves(chosen, name, moves or {})

        def apply(uow: UnitOfWork) -> Pipeline:
            moved = _check_leads_fit(uow, name, chosen, wanted)
            now = self._clock.now()
            uow.pipeline.move_leads(wanted, chosen, at=now, batch=self._batch)
            detail = f"applied preset {name}: " + ", ".join(f"{s.key} ({s.kind})" for s in chosen.stages)
            detail += "".join(f"; moved {n} lead{'s' if n != 1 else ''} from {k} to {wanted[k]}" for k, n in moved)
            params: Params = {
                "preset": name,
                "stages": [[s.key, s.kind.value] for s in chosen.stages],
                "moved": [[k, wanted[k], n] for k, n in moved],
            }
            uow.pipeline.replace(chosen, StageChange(now, actor, "apply", detail, params))
            return chosen

        return in_transaction(self._uow, apply)


def _checked_moves(chosen: Pipeline, name: str, moves: Mapping[str, str]) -> dict[str, str]:
    """Each move from a stage the preset lacks to a stage of it in use, keys as the preset spells them."""
    checked: dict[str, str] = {}
    for old, new in moves.items():
        if chosen.find(old) is not None:
            message = f"{old} is a stage of the {name} pipeline: its leads keep it"
            raise ValidationError(message, {"map": message})
        target = chosen.parse(new)
        if chosen.stage(target).retired:
            raise ValidationError(f"{target} is retired: it takes no leads", {"map": f"{target} is retired"})
        checked[old] = target
    return checked


def _check_leads_fit(uow: UnitOfWork, name: str, chosen: Pipeline, moves: Mapping[str, str]) -> list[tuple[str, int]]:
    """The (stage, leads) that `moves` moves; refuses while other leads hold stages the preset lacks."""
    held = uow.pipeline.leads_by_status()
    lacking = {key: n for key, n in sorted(held.items()) if chosen.find(key) is None and key not in moves}
    if lacking:
        listed = ", ".join(f"{key} ({n} lead{'s' if n != 1 else ''})" for key, n in lacking.items())
        raise Conflict(
            f"leads are in stages the {name} pipeline lacks: {listed}; say where they go with "
            f"--map OLD=NEW; nothing was changed"
        )
    return [(key, held[key]) for key in sorted(moves) if held.get(key)]
