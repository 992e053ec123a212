"""What the background jobs pass around: outbox events, notices, deliveries and failed tasks."""

from __future__ import annotations

import enum
from datetime import datetime
from typing import Any

from attrs import frozen

from leadsmanager.domain.channel import Channel
from leadsmanager.domain.errors import ExternalServiceError
from leadsmanager.domain.events import LeadEvent


@frozen
class OutboxEvent:
    """A lead event stored in the same transaction as the lead, waiting for the relay to publish it."""

    id: int
    lead_id: int
    event: LeadEvent
    created_at: datetime


class Notice(enum.StrEnum):
    """Each notice goes out at most once per lead (and per channel)."""

    NEW_LEAD = "new_lead"
    FOLLOW_UP = "follow_up_reminder"
    ESCALATION = "escalation"
    CONFIRMATION = "confirmation"


# Leads from these sources are not news: brought over from another system, they announce nothing (no
# new-lead notice, no confirmation to a person who wrote perhaps years ago). Reminders still follow.
UNANNOUNCED_SOURCES = frozenset({Channel.IMPORT})


class TaskName(enum.StrEnum):
    """The background tasks, by the name the task queue knows them (and failed tasks are stored) under."""

    SEND_NOTICE = "send_notice"
    SYNC_FORMS = "sync_forms"
    QUEUE_FOLLOW_UPS = "queue_follow_ups"
    CHECK_CONSISTENCY = "check_consistency"


class DeliveryChannel(enum.StrEnum):
    EMAIL = "email"
    CHAT = "chat"


class Claim(enum.Enum):
    """The answer to "may I send this notice now?"."""

    GRANTED = "granted"  # send it, then finish or release the claim
    DONE = "done"  # it was sent (or failed for good): do nothing
    BUSY = "busy"  # another worker is sending it right now: try again later


@frozen
class FailedTask:
    """A task that ran out of retries, kept until an operator retries it."""

    task: str
    args: dict[str, Any]
    error: str
    failed_at: datetime
    id: int | None = None
    retried_at: datetime | None = None


class QueueUnavailable(ExternalServiceError):
    """The task queue (broker) could not take the task; the outbox keeps it until it can."""


class TaskFailed(ExternalServiceError):
    """A task did not finish and is worth retrying later."""


class TaskRejected(ExternalServiceError):
    """A task cannot succeed by retrying (bad data, credentials refused): it goes to the failed list."""


@frozen
class GapScan:
    """One batch of the history-gap scan: (lead id, status, last status in its history) where they differ."""

    gaps: list[tuple[int, str, str | None]]
    scanned: int
    next_after: int | None  # the lead id to go on after; None at the end
