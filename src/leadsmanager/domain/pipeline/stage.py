"""One stage of a pipeline: a key leads hold as their status, its labels, its place and its kind."""

from __future__ import annotations

import enum
import re
from collections.abc import Iterable, Mapping

from attrs import field, frozen

from leadsmanager.domain.errors import ValidationError

LANGUAGES = ("en", "es")
KEY_PATTERN = re.compile(r"[A-Za-z][A-Za-z0-9_]{0,15}")  # fits the 16 characters leads.status holds


class StageKind(enum.StrEnum):
    OPEN = "open"  # being worked
    WON = "won"
    LOST = "lost"
    SPAM = "spam"
    EXCLUDED = "excluded"  # not a sale at all (job seekers, vendors): counted apart, never reminded

    @property
    def is_open(self) -> bool:
        return self is StageKind.OPEN


def _labels(value: Mapping[str, str]) -> dict[str, str]:
    return {language: text.strip() for language, text in value.items() if text.strip()}


def _check_named(what: str, key: str, labels: Mapping[str, str], field_name: str) -> None:
    """A key that fits the 16 characters leads.status and lead_history.reason hold, and a label in some language."""
    if not KEY_PATTERN.fullmatch(key):
        message = f"a {what} key is a letter then letters, digits or _ (at most 16): {key!r}"
        raise ValidationError(message, {field_name: message})
    if not labels:
        raise ValidationError(f"{what} {key} needs a label in some language", {"labels": "add a label"})


def label_in(labels: Mapping[str, str], language: str) -> str:
    """The label in `language`, else the English one, else the first there is: a team may name in one language."""
    return labels.get(language) or labels.get("en") or next(iter(labels.values()))


@frozen(hash=False)
class Reason:
    """Why a lead went to a lost or excluded stage, from the list the admins keep for that stage. A retired
    reason is offered no more; the history entries that name it keep it."""

    key: str
    labels: dict[str, str] = field(converter=_labels)
    retired: bool = False

    def __attrs_post_init__(self) -> None:
        _check_named("reason", self.key, self.labels, "reason")

    def label(self, language: str = "en") -> str:
        return label_in(self.labels, language)


def _reasons(value: Iterable[Reason]) -> tuple[Reason, ...]:
    return tuple(value)


@frozen(hash=False)
class Stage:
    """`labels` maps a language code to what people read; a retired stage takes no new leads, but the
    leads in it keep it."""

    key: str
    labels: dict[str, str] = field(converter=_labels)
    order: int
    kind: StageKind
    retired: bool = False
    requires_reason: bool = False
    reasons: tuple[Reason, ...] = field(default=(), converter=_reasons)

    def __attrs_post_init__(self) -> None:
        _check_named("stage", self.key, self.labels, "key")
        if self.requires_reason and self.kind not in (StageKind.LOST, StageKind.EXCLUDED):
            message = f"only a lost or excluded stage can require a reason ({self.key} is {self.kind})"
            raise ValidationError(message, {"requires_reason": message})
        if self.requires_reason and not self.offered_reasons:
            message = f"stage {self.key} requires a reason: add one to its list first"
            raise ValidationError(message, {"requires_reason": message})
        keys = [r.key for r in self.reasons]
        if len(set(keys)) != len(keys):
            raise ValidationError(f"the reasons of {self.key} must differ", {"reason": "already used"})

    @property
    def is_open(self) -> bool:
        return self.kind.is_open

    def label(self, language: str = "en") -> str:
        """The label in `language`, else the English one, else the one it has."""
        return label_in(self.labels, language)

    @property
    def offered_reasons(self) -> list[Reason]:
        return [r for r in self.reasons if not r.retired]

    def find_reason(self, key: str) -> Reason | None:
        return next((r for r in self.reasons if r.key == key), None)

    def reason_for_move(self, key: str | None) -> str | None:
        """The reason a lead moving here gives: one this stage offers when it requires one (refused
        otherwise, naming those it offers); none when it does not (what was sent is dropped)."""
        if not self.requires_reason:
            return None
        offered = [r.key for r in self.offered_reasons]
        wanted = (key or "").strip()
        if wanted not in offered:
            said = f"{wanted!r} is not one of its reasons" if wanted else "none was given"
            message = f"moving a lead to {self.key} needs a reason ({said}); use one of: {', '.join(offered)}"
            raise ValidationError(message, {"reason": message})
        return wanted
