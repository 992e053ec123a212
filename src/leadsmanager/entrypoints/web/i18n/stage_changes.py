"""An entry of the stage editor's audit log said in the page's language, from the action and the
parameters it was logged with. An entry logged before those were kept (or one this page cannot read)
shows its stored English words."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from attrs import frozen

from leadsmanager.domain.pipeline import StageChange


def _labels(labels: Mapping[str, str]) -> str:
    """As the English detail writes them: each language's code, then its label as typed, quoted."""
    return " / ".join(f"{lang} {text!r}" for lang, text in labels.items())


# Each action's sentence: `_` is the page's gettext, `p` the entry's parameters, `kind` names a stage kind.
SENTENCES: dict[str, Callable[[Callable[[str], str], Mapping[str, Any], Callable[[str], str]], str]] = {
    "add": lambda _, p, kind: (
        _("added stage %(key)s (%(kind)s): %(labels)s")
        % {"key": p["key"], "kind": kind(p["kind"]), "labels": _labels(p["labels"])}
    ),
    "rename": lambda _, p, kind: (
        _("renamed stage %(key)s: %(before)s to %(after)s")
        % {"key": p["key"], "before": _labels(p["before"]), "after": _labels(p["after"])}
    ),
    "reorder": lambda _, p, kind: (
        (
            _("moved stage %(key)s up to place %(place)s")
            if p["way"] == "up"
            else _("moved stage %(key)s down to place %(place)s")
        )
        % {"key": p["key"], "place": p["place"]}
    ),
    "reason": lambda _, p, kind: (
        (_("stage %(key)s now requires a reason") if p["required"] else _("stage %(key)s no longer requires a reason"))
        % {"key": p["key"]}
    ),
    "unretire": lambda _, p, kind: _("put back stage %(key)s") % {"key": p["key"]},
    "delete": lambda _, p, kind: _("deleted stage %(key)s") % {"key": p["key"]},
    "start": lambda _, p, kind: _("new leads start in %(key)s (was %(was)s)") % {"key": p["key"], "was": p["was"]},
    "kind": lambda _, p, kind: (
        _("stage %(key)s is now %(kind)s (was %(was)s)")
        % {"key": p["key"], "kind": kind(p["kind"]), "was": kind(p["was"])}
    ),
    "add reason": lambda _, p, kind: (
        _("added reason %(reason)s to %(key)s: %(labels)s")
        % {"key": p["key"], "reason": p["reason"], "labels": _labels(p["labels"])}
    ),
    "rename reason": lambda _, p, kind: (
        _("renamed reason %(reason)s of %(key)s: %(labels)s")
        % {"key": p["key"], "reason": p["reason"], "labels": _labels(p["labels"])}
    ),
    "retire reason": lambda _, p, kind: (
        _("retired reason %(reason)s of %(key)s") % {"key": p["key"], "reason": p["reason"]}
    ),
    "unretire reason": lambda _, p, kind: (
        _("put back reason %(reason)s of %(key)s") % {"key": p["key"], "reason": p["reason"]}
    ),
}


@frozen
class StageChangeText:
    gettext: Callable[[str], str]
    ngettext: Callable[[str, str, int], str]
    kinds: Mapping[str, str]  # a stage kind's name in the page's language

    def __call__(self, change: StageChange) -> str:
        if not change.params:
            return change.detail
        try:
            return self._said(change.action, change.params)
        except (KeyError, TypeError, ValueError, AttributeError):  # written by a later version: its words
            return change.detail

    def _said(self, action: str, p: Mapping[str, Any]) -> str:
        if action == "retire":
            return self._retired(p)
        if action == "apply":
            return self._applied(p)
        sentence = SENTENCES.get(action)
        if sentence is None:
            raise KeyError(action)
        return sentence(self.gettext, p, self._kind)

    def _kind(self, kind: str) -> str:
        return self.kinds.get(kind, kind)

    def _retired(self, p: Mapping[str, Any]) -> str:
        n = int(p["leads"])
        if not n:
            return self.gettext("retired stage %(key)s") % {"key": p["key"]}
        kept = self.ngettext(
            "retired stage %(key)s; its %(num)d lead keeps it", "retired stage %(key)s; its %(num)d leads keep it", n
        )
        return kept % {"key": p["key"], "num": n}

    def _applied(self, p: Mapping[str, Any]) -> str:
        stages = ", ".join(f"{key} ({self._kind(kind)})" for key, kind in p["stages"])
        said = self.gettext("applied preset %(preset)s: %(stages)s") % {"preset": p["preset"], "stages": stages}
        for old, new, n in p["moved"]:
            moved = self.ngettext(
                "moved %(num)d lead from %(from)s to %(to)s", "moved %(num)d leads from %(from)s to %(to)s", n
            )
            said += "; " + moved % {"num": n, "from": old, "to": new}
        return said
