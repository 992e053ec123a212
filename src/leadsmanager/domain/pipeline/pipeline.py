"""A pipeline: stages in order and the moves between them, computed from the stages' kinds.

Any move between open stages, and from an open stage to a won, lost or excluded one, is the lead's
owner's (an employee) and above. Reopening a closed lead and any move into or out of spam is for
managers and admins. A closed lead goes to another closed stage only by being reopened first.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable

from attrs import frozen

from leadsmanager.domain.errors import NotFound, ValidationError
from leadsmanager.domain.pipeline.stage import Stage, StageKind
from leadsmanager.domain.roles import Role

EVERYONE = frozenset(Role)
LEADS = frozenset({Role.ADMIN, Role.MANAGER})
CLOSING = frozenset({StageKind.WON, StageKind.LOST, StageKind.EXCLUDED})


@frozen
class StatusTransition:
    """A legal move and the roles allowed to make it."""

    source: str
    target: str
    roles: frozenset[Role]


@frozen(hash=False)
class Pipeline:
    """Stages in their order; `start` is the stage new leads begin in."""

    stages: tuple[Stage, ...]
    start: str

    @classmethod
    def of(cls, stages: Iterable[Stage], start: str) -> Pipeline:
        """A checked pipeline: unique keys, a live open start, somewhere to win, and one spam stage."""
        ordered = tuple(sorted(stages, key=lambda s: (s.order, s.key)))
        keys = [s.key for s in ordered]
        doubled = sorted({k for k in keys if keys.count(k) > 1})
        if doubled:
            raise ValidationError(f"stage keys must differ: {', '.join(doubled)}", {"key": "already used"})
        pipeline = cls(ordered, start)
        first = pipeline.find(start)
        if first is None or not first.is_open or first.retired:
            message = f"the starting stage {start!r} must be an open stage in use"
            raise ValidationError(message, {"start": message})
        for kind in (StageKind.WON, StageKind.SPAM):
            if not [s for s in ordered if s.kind is kind and not s.retired]:
                raise ValidationError(f"a pipeline needs a {kind} stage in use", {"kind": f"add a {kind} stage"})
        return pipeline

    @property
    def version(self) -> str:
        """A digest of all the pipeline holds: a form that carried an older one was filled in before a change."""
        stages = [
            [s.key, sorted(s.labels.items()), s.order, s.kind.value, s.retired, s.requires_reason]
            + [[r.key, sorted(r.labels.items()), r.retired] for r in s.reasons]
            for s in self.stages
        ]
        return hashlib.sha256(json.dumps([self.start, stages]).encode()).hexdigest()[:16]

    @property
    def keys(self) -> list[str]:
        return [s.key for s in self.stages]

    def find(self, key: str) -> Stage | None:
        return next((s for s in self.stages if s.key == key), None)

    def stage(self, key: str) -> Stage:
        found = self.find(key)
        if found is None:
            raise NotFound(f"there is no stage {key!r}")
        return found

    @property
    def spam(self) -> str:
        """The stage the intake's spam checks put suspected spam in: the first spam stage in use."""
        return next((s.key for s in self.stages if s.kind is StageKind.SPAM and not s.retired), "spam")

    def of_kind(self, *kinds: StageKind) -> list[str]:
        return [s.key for s in self.stages if s.kind in kinds]

    def is_open(self, key: str) -> bool:
        """Whether a lead in `key` is still worked; a key the pipeline lacks counts as open, so it is seen."""
        found = self.find(key)
        return found is None or found.is_open

    def kind(self, key: str) -> StageKind:
        found = self.find(key)
        return StageKind.OPEN if found is None else found.kind

    def label(self, key: str, language: str = "en") -> str:
        found = self.find(key)
        return key if found is None else found.label(language)

    def reason_label(self, stage: str, reason: str, language: str = "en") -> str:
        """A reason's label, or its key when its stage or it is gone."""
        found = self.find(stage)
        kept = found.find_reason(reason) if found is not None else None
        return reason if kept is None else kept.label(language)

    def parse(self, value: str) -> str:
        """The stage a person or a program named, by key (case aside); unknown keys are refused."""
        wanted = value.strip()
        found = self.find(wanted) or next((s for s in self.stages if s.key.lower() == wanted.lower()), None)
        if found is None:
            message = f"unknown status {value!r}; use one of: {', '.join(self.keys)}"
            raise ValidationError(message, {"status": message})
        return found.key

    def transition(self, source: str, target: str) -> StatusTransition | None:
        roles = self._roles(source, target)
        return None if roles is None else StatusTransition(source, target, roles)

    def _roles(self, source: str, target: str) -> frozenset[Role] | None:
        to = self.find(target)
        if source == target or to is None or to.retired:
            return None
        origin = self.kind(source)
        if StageKind.SPAM in (origin, to.kind):
            return LEADS
        if origin.is_open:
            return EVERYONE if to.is_open or to.kind in CLOSING else None
        return LEADS if to.is_open else None  # reopening; closed to closed goes through an open stage

    def allowed_targets(self, source: str, role: Role) -> list[str]:
        """Stages `role` may move a lead to from `source`, in pipeline order."""
        return [s.key for s in self.stages if (roles := self._roles(source, s.key)) is not None and role in roles]

    @property
    def progression(self) -> list[str]:
        """The stages a lead passes on its way to a sale, in order: the open ones, then the won ones."""
        return self.of_kind(StageKind.OPEN) + self.of_kind(StageKind.WON)

    def furthest(self, reached: str, status: str) -> str:
        """The later progression stage of the two; an outcome off the progression reaches nothing new."""
        order = self.progression
        if status not in order:
            return reached
        if reached not in order:
            return status
        return max(reached, status, key=order.index)

    def reached_entering(self, reached: str, target: str) -> str:
        """The furthest stage of a lead moved into `target` from a stage this pipeline lacks: `reached`
        when this pipeline has it (else its start), or `target` when that is further."""
        return self.furthest(reached if self.find(reached) is not None else self.start, target)
