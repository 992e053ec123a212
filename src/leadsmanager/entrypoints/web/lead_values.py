"""A lead's stored values as its page says them: the extras' known entries (when the form was sent, a time
in the deployment's zone) and what each re-submission brought, field by field, instead of its JSON."""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Mapping
from datetime import datetime
from typing import Any

from attrs import frozen

from leadsmanager.application.intake.form_mapping import SUBMITTED_AT
from leadsmanager.domain.lead import DETAILS, HistoryEntry, Lead

Gettext = Callable[[str], str]


@frozen
class Shown:
    """One row of values: a time is formatted by the template, in the page's language and zone."""

    label: str
    value: str | datetime
    differs: bool = False  # a re-submission's value that is not the lead's

    @property
    def is_time(self) -> bool:
        return isinstance(self.value, datetime)


def instant(text: str) -> datetime | None:
    """A stored ISO 8601 time with its offset, or None for anything else (a value kept as the site sent it)."""
    try:
        at = datetime.fromisoformat(text)
    except ValueError:
        return None
    return at if at.tzinfo is not None else None


def extras_shown(extras: Mapping[str, Any], _: Gettext) -> list[Shown]:
    rows = []
    for key, value in sorted(extras.items(), key=lambda item: (item[0] != SUBMITTED_AT, item[0])):  # when, first
        at = instant(str(value)) if key == SUBMITTED_AT else None
        rows.append(Shown(_("Sent at"), at) if at is not None else Shown(key, str(value)))
    return rows


def resubmission_shown(
    entry: HistoryEntry, lead: Lead, words: Mapping[str, str], sources: Mapping[str, str], _: Gettext
) -> list[Shown]:
    """What a re-submission sent, as rows: how it came, when it was sent, then each field, marked where it
    is not what the lead holds; empty when the entry holds no readable summary (its text is shown then)."""
    sent = entry.detail if entry.detail is not None else _summary(entry.new)
    if sent is None:
        return []
    channel = str(sent.get("channel", ""))
    rows = [Shown(_("Came by"), sources.get(channel, channel))] if channel else []
    extras = extras_shown(sent["extras"], _) if isinstance(sent.get("extras"), dict) else []
    rows += [row for row in extras if row.is_time]
    for name, attribute in DETAILS.items():  # what `Submission.summary()` keys by the same names
        value = sent.get(name.value)
        if value:
            rows.append(Shown(words.get(name, name), str(value), differs=value != getattr(lead, attribute)))
    return rows + [row for row in extras if not row.is_time]


def _summary(text: str | None) -> dict[str, Any] | None:
    try:
        found = json.loads(text or "")
    except ValueError:
        return None
    return found if isinstance(found, dict) else None


def _routed_notes(_: Gettext) -> list[tuple[str, str]]:
    """The notes `Lead.routed` writes, kept in English: their pattern, and how the page says them."""
    return [
        (
            r"routed to (?P<stage>\S+) by the form's answer \"(?P<answer>.*)\" to \"(?P<question>.*)\"",
            _('routed to %(stage)s by the form\'s answer "%(answer)s" to "%(question)s"'),
        ),
        (
            r"the form's answer \"(?P<answer>.*)\" to \"(?P<question>.*)\" routes to stage (?P<key>\S+), "
            r"which the pipeline lacks or has retired: left in (?P<stage>\S+)",
            _(
                'the form\'s answer "%(answer)s" to "%(question)s" routes to stage %(key)s, which the pipeline '
                "lacks or has retired: left in %(stage)s"
            ),
        ),
    ]


def system_note(text: str, _: Gettext, stage: Callable[[str], str]) -> str:
    """A note the system wrote in English, in the reader's words, its stage by its label; any other note (a
    person's, another system's) as it was written."""
    for pattern, said in _routed_notes(_):
        found = re.fullmatch(pattern, text, re.DOTALL)
        if found is not None:
            values = found.groupdict()
            return said % {**values, "stage": stage(values["stage"])}
    return text
