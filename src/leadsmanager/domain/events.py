"""What happened to a lead, recorded by the aggregate in the transaction of the change, for the outbox."""

from __future__ import annotations

from attrs import frozen

from leadsmanager.domain.channel import Channel


@frozen
class LeadSubmitted:
    channel: Channel


@frozen
class StatusChanged:
    old: str
    new: str


@frozen
class LeadAssigned:
    old: int | None  # the user id; None: nobody
    new: int | None


@frozen
class NoteAdded:
    pass


@frozen
class LeadResubmitted:
    channel: Channel


@frozen
class DetailsCorrected:
    fields: tuple[str, ...]  # the HistoryField values of the details that changed


@frozen
class SpamReceived:
    reason: str


LeadEvent = LeadSubmitted | StatusChanged | LeadAssigned | NoteAdded | LeadResubmitted | DetailsCorrected | SpamReceived
