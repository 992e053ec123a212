"""What the stores write for a lead's events and history. Events: a kind and a JSON object of plain values,
the format outbox rows have always had, so rows written by an earlier version relay after an upgrade.
A re-submission's history entry: its detail as JSON text, as it has always been stored and shown."""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from typing import Any

from attrs import evolve

from leadsmanager.domain import events
from leadsmanager.domain.channel import Channel
from leadsmanager.domain.errors import StorageError
from leadsmanager.domain.lead import HistoryEntry

Record = tuple[str, dict[str, Any]]


def event_record(event: events.LeadEvent) -> Record:
    """The (kind, data) an event is stored as."""
    record: Record
    match event:
        case events.LeadSubmitted(channel):
            record = "lead_submitted", {"channel": channel.value}
        case events.StatusChanged(old, new):
            record = "status_changed", {"old": old, "new": new}
        case events.LeadAssigned(old, new):
            record = "lead_assigned", {"old": old, "new": new}
        case events.NoteAdded():
            record = "note_added", {}
        case events.LeadResubmitted(channel):
            record = "lead_resubmitted", {"channel": channel.value}
        case events.DetailsCorrected(fields):
            record = "details_corrected", {"fields": list(fields)}
        case events.SpamReceived(reason):
            record = "spam_received", {"reason": reason}
    return record


_READERS: dict[str, Callable[[Mapping[str, Any]], events.LeadEvent]] = {
    "lead_submitted": lambda d: events.LeadSubmitted(Channel(d["channel"])),
    "status_changed": lambda d: events.StatusChanged(d["old"], d["new"]),
    "lead_assigned": lambda d: events.LeadAssigned(d.get("old"), d.get("new")),
    "note_added": lambda d: events.NoteAdded(),
    "lead_resubmitted": lambda d: events.LeadResubmitted(Channel(d["channel"])),
    "details_corrected": lambda d: events.DetailsCorrected(tuple(str(f) for f in d["fields"])),
    "spam_received": lambda d: events.SpamReceived(str(d.get("reason", ""))),
}


def read_event(kind: str, data: Mapping[str, Any] | None) -> events.LeadEvent:
    """The event a stored (kind, data) records; StorageError for a row this version cannot read."""
    reader = _READERS.get(kind)
    try:
        if reader is not None:
            return reader(data or {})
    except (KeyError, ValueError) as e:
        raise StorageError(f"outbox event {kind!r} has data this version cannot read: {e}") from e
    raise StorageError(f"outbox event kind {kind!r} is not one this version knows")


def stored_entry(entry: HistoryEntry, entry_id: int | None = None) -> HistoryEntry:
    """The history entry as a store keeps it (and reads it back): a detail becomes `new`'s text."""
    if entry.detail is not None:
        text = json.dumps(entry.detail, ensure_ascii=False, sort_keys=True)
        return evolve(entry, new=text, detail=None, id=entry_id)
    return entry if entry_id is None else evolve(entry, id=entry_id)
