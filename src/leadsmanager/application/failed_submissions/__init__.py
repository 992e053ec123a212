"""The failed-submissions inbox: submissions that could not become leads, kept whole, listed and replayed."""

from leadsmanager.application.failed_submissions.inbox import FailedSubmissions, Replay
from leadsmanager.application.failed_submissions.reasons import (
    Unreachable,
    check_reachable,
    refusal_reason,
    synced_failure,
)

__all__ = ["FailedSubmissions", "Replay", "Unreachable", "check_reachable", "refusal_reason", "synced_failure"]
