"""Counting new leads by source for /metrics, outside the use case so the application knows no Prometheus."""

from __future__ import annotations

from typing import Any

from leadsmanager.application.intake import LeadForm, Outcome, SubmitLead, SubmitResult
from leadsmanager.entrypoints.observability.hooks import lead_created


class CountedSubmitLead(SubmitLead):
    """SubmitLead, and a count of every lead it creates: merges, replays and spam are not new leads."""

    def __call__(self, form: LeadForm, **options: Any) -> SubmitResult:
        result = super().__call__(form, **options)
        if result.outcome is Outcome.CREATED:
            lead_created(form.channel.value)
        return result
