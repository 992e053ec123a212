"""One stage of a pipeline: a key leads hold as their status, its labels, its place and its kind."""

from __future__ import annotations

import enum
import re
from collections.abc import Mapping

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

    def __attrs_post_init__(self) -> None:
        if not KEY_PATTERN.fullmatch(self.key):
            message = f"a stage key is a letter then letters, digits or _ (at most 16): {self.key!r}"
            raise ValidationError(message, {"key": message})
        if "en" not in self.labels:
            raise ValidationError(f"stage {self.key} needs an English label", {"labels": "add an English label"})
        if self.requires_reason and self.kind not in (StageKind.LOST, StageKind.EXCLUDED):
            message = f"only a lost or excluded stage can require a reason ({self.key} is {self.kind})"
            raise ValidationError(message, {"requires_reason": message})

    @property
    def is_open(self) -> bool:
        return self.kind.is_open

    def label(self, language: str = "en") -> str:
        """The label in `language`, else the English one."""
        return self.labels.get(language) or self.labels["en"]
