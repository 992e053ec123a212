"""The changes an admin makes to the pipeline, one at a time. Each gives the new pipeline (checked by
`Pipeline.of`) and says what it did in words for the audit log. `held` counts the leads in each stage:
a stage some lead holds keeps its key and kind, and is retired rather than deleted."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Mapping
from typing import Protocol

from attrs import evolve, field, frozen

from leadsmanager.domain.errors import Conflict, ValidationError
from leadsmanager.domain.pipeline.change import Params
from leadsmanager.domain.pipeline.pipeline import Pipeline
from leadsmanager.domain.pipeline.stage import LANGUAGES, Reason, Stage, StageKind


@frozen
class Edited:
    pipeline: Pipeline
    action: str  # add, rename, reorder, ...: what kind of change, as the audit log files it
    detail: str  # what changed, in English words an admin reads
    params: Params = field(factory=dict)  # what `detail` says, as data a page says in its reader's language


class StageEdit(Protocol):
    def apply(self, pipeline: Pipeline, held: Mapping[str, int]) -> Edited: ...


def _labels(labels: Mapping[str, str]) -> dict[str, str]:
    return {lang: labels[lang] for lang in LANGUAGES if labels.get(lang, "").strip()}


def _said(labels: Mapping[str, str]) -> str:
    return " / ".join(f"{lang} {text.strip()!r}" for lang, text in labels.items() if text.strip())


def _held(n: int, key: str) -> str:
    return f"{n} lead holds {key}" if n == 1 else f"{n} leads hold {key}"


def _replaced(pipeline: Pipeline, key: str, change: Callable[[Stage], Stage]) -> Pipeline:
    pipeline.stage(key)  # NotFound for a key it lacks
    return Pipeline.of([change(s) if s.key == key else s for s in pipeline.stages], pipeline.start)


@frozen
class AddStage:
    key: str
    labels: Mapping[str, str]
    kind: StageKind

    def apply(self, pipeline: Pipeline, held: Mapping[str, int]) -> Edited:
        key = self.key.strip()
        if pipeline.find(key) is not None:  # leads holding a key no stage has join the new stage, which is fine
            message = f"there is already a stage {key!r}"
            raise ValidationError(message, {"key": message})
        last = max((s.order for s in pipeline.stages), default=0)
        stage = Stage(key, _labels(self.labels), last + 1, self.kind)
        added = Pipeline.of([*pipeline.stages, stage], pipeline.start)
        said = f"added stage {key} ({self.kind}): {_said(stage.labels)}"
        return Edited(added, "add", said, {"key": key, "kind": self.kind.value, "labels": dict(stage.labels)})


@frozen
class Rename:
    key: str
    labels: Mapping[str, str]

    def apply(self, pipeline: Pipeline, held: Mapping[str, int]) -> Edited:
        before = pipeline.stage(self.key).labels
        renamed = _replaced(pipeline, self.key, lambda s: evolve(s, labels=_labels(self.labels)))
        after = renamed.stage(self.key).labels
        said = f"renamed stage {self.key}: {_said(before)} to {_said(after)}"
        return Edited(renamed, "rename", said, {"key": self.key, "before": dict(before), "after": dict(after)})


@frozen
class Move:
    """One place up (`steps` -1) or down (+1); the stages are numbered 1, 2, ... again."""

    key: str
    steps: int

    def apply(self, pipeline: Pipeline, held: Mapping[str, int]) -> Edited:
        keys = pipeline.keys
        at = keys.index(pipeline.stage(self.key).key)
        to = min(max(at + self.steps, 0), len(keys) - 1)
        if to == at:
            raise ValidationError(f"{self.key} cannot move further that way", {"order": "already at the end"})
        keys.insert(to, keys.pop(at))
        moved = Pipeline.of([evolve(pipeline.stage(k), order=n) for n, k in enumerate(keys, 1)], pipeline.start)
        way = "up" if to < at else "down"
        said = f"moved stage {self.key} {way} to place {to + 1}"
        return Edited(moved, "reorder", said, {"key": self.key, "way": way, "place": to + 1})


@frozen
class RequireReason:
    key: str
    required: bool

    def apply(self, pipeline: Pipeline, held: Mapping[str, int]) -> Edited:
        changed = _replaced(pipeline, self.key, lambda s: evolve(s, requires_reason=self.required))
        said = "now requires a reason" if self.required else "no longer requires a reason"
        return Edited(changed, "reason", f"stage {self.key} {said}", {"key": self.key, "required": self.required})


@frozen
class Retire:
    key: str
    retired: bool

    def apply(self, pipeline: Pipeline, held: Mapping[str, int]) -> Edited:
        if self.retired and self.key == pipeline.start:
            message = f"{self.key} is where new leads start: choose another starting stage first"
            raise ValidationError(message, {"start": message})
        changed = _replaced(pipeline, self.key, lambda s: evolve(s, retired=self.retired))
        n = held.get(self.key, 0)
        kept = f"; its {n} lead{'s keep' if n != 1 else ' keeps'} it" if self.retired and n else ""
        return Edited(
            changed,
            "retire" if self.retired else "unretire",
            f"{'retired' if self.retired else 'put back'} stage {self.key}{kept}",
            {"key": self.key, "leads": n if self.retired else 0},
        )


@frozen
class Delete:
    key: str

    def apply(self, pipeline: Pipeline, held: Mapping[str, int]) -> Edited:
        pipeline.stage(self.key)
        if n := held.get(self.key, 0):
            raise Conflict(f"{_held(n, self.key)}: a stage in use can only be retired")
        if self.key == pipeline.start:
            message = f"{self.key} is where new leads start: choose another starting stage first"
            raise ValidationError(message, {"start": message})
        left = Pipeline.of([s for s in pipeline.stages if s.key != self.key], pipeline.start)
        return Edited(left, "delete", f"deleted stage {self.key}", {"key": self.key})


@frozen
class SetStart:
    key: str

    def apply(self, pipeline: Pipeline, held: Mapping[str, int]) -> Edited:
        started = Pipeline.of(pipeline.stages, pipeline.stage(self.key).key)
        key, was = self.key, pipeline.start
        return Edited(started, "start", f"new leads start in {key} (was {was})", {"key": key, "was": was})


@frozen
class ChangeKind:
    """Only while no lead holds the stage: the leads' kinds, their openness and the reports stay as they are."""

    key: str
    kind: StageKind

    def apply(self, pipeline: Pipeline, held: Mapping[str, int]) -> Edited:
        stage = pipeline.stage(self.key)
        if n := held.get(self.key, 0):
            raise Conflict(f"{_held(n, self.key)}: its kind stays {stage.kind}")
        keeps = self.kind in (StageKind.LOST, StageKind.EXCLUDED)
        changed = _replaced(
            pipeline, self.key, lambda s: evolve(s, kind=self.kind, requires_reason=s.requires_reason and keeps)
        )
        said = f"stage {self.key} is now {self.kind} (was {stage.kind})"
        return Edited(changed, "kind", said, {"key": self.key, "kind": self.kind.value, "was": stage.kind.value})


def reason_key(label: str, taken: list[str]) -> str:
    """A key for a new reason, from its label: "Too expensive" is tooExpensive, "Precio alto" precioAlto."""
    plain = unicodedata.normalize("NFKD", label).encode("ascii", "ignore").decode()
    words = re.findall(r"[A-Za-z0-9]+", plain)
    key = (words[0].lower() + "".join(w.title() for w in words[1:]) if words else "reason")[:14]
    key = key if key[:1].isalpha() else f"r{key}"[:14]
    n, found = 1, key
    while found in taken:
        n += 1
        found = f"{key}{n}"
    return found


@frozen
class AddReason:
    stage: str
    labels: Mapping[str, str]

    def apply(self, pipeline: Pipeline, held: Mapping[str, int]) -> Edited:
        stage = pipeline.stage(self.stage)
        if stage.kind not in (StageKind.LOST, StageKind.EXCLUDED):
            message = f"only a lost or excluded stage keeps reasons ({stage.key} is {stage.kind})"
            raise ValidationError(message, {"reason": message})
        labels = _labels(self.labels)
        named = labels.get("en") or next(iter(labels.values()), "")
        reason = Reason(reason_key(named, [r.key for r in stage.reasons]), labels)
        changed = _replaced(pipeline, stage.key, lambda s: evolve(s, reasons=(*s.reasons, reason)))
        said = f"added reason {reason.key} to {stage.key}: {_said(reason.labels)}"
        return Edited(
            changed, "add reason", said, {"key": stage.key, "reason": reason.key, "labels": dict(reason.labels)}
        )


def _with_reason(pipeline: Pipeline, stage: str, key: str, change: Callable[[Reason], Reason]) -> Pipeline:
    if pipeline.stage(stage).find_reason(key) is None:
        raise ValidationError(f"{stage} has no reason {key!r}", {"reason": "no such reason"})
    return _replaced(
        pipeline, stage, lambda s: evolve(s, reasons=tuple(change(r) if r.key == key else r for r in s.reasons))
    )


@frozen
class RenameReason:
    stage: str
    key: str
    labels: Mapping[str, str]

    def apply(self, pipeline: Pipeline, held: Mapping[str, int]) -> Edited:
        changed = _with_reason(pipeline, self.stage, self.key, lambda r: evolve(r, labels=_labels(self.labels)))
        after = changed.stage(self.stage).find_reason(self.key)
        assert after is not None
        said = f"renamed reason {self.key} of {self.stage}: {_said(after.labels)}"
        return Edited(
            changed, "rename reason", said, {"key": self.stage, "reason": self.key, "labels": dict(after.labels)}
        )


@frozen
class RetireReason:
    stage: str
    key: str
    retired: bool

    def apply(self, pipeline: Pipeline, held: Mapping[str, int]) -> Edited:
        changed = _with_reason(pipeline, self.stage, self.key, lambda r: evolve(r, retired=self.retired))
        said = "retired" if self.retired else "put back"
        return Edited(
            changed,
            "retire reason" if self.retired else "unretire reason",
            f"{said} reason {self.key} of {self.stage}",
            {"key": self.stage, "reason": self.key},
        )
