"""Intake: a form from any channel, normalised, decided by one rule (created, joined, replayed, spam), stored."""

from leadsmanager.application.intake.form import MAX_EXTRAS, TEXT_LIMITS, LeadForm, to_submission
from leadsmanager.application.intake.outcome import Outcome, SubmitResult
from leadsmanager.application.intake.submit import HANDLED_BY_THE_TEAM, Idempotency, SubmitLead

__all__ = [
    "HANDLED_BY_THE_TEAM",
    "MAX_EXTRAS",
    "TEXT_LIMITS",
    "Idempotency",
    "LeadForm",
    "Outcome",
    "SubmitLead",
    "SubmitResult",
    "to_submission",
]
