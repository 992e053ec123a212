"""Bringing the original Django system's data over: its users (with their passwords), then its leads and
their status history."""

from leadsmanager.application.legacy.leads import ImportLegacyLeads, LeadPlan, LegacyRun
from leadsmanager.application.legacy.placement import LeadOutcome
from leadsmanager.application.legacy.records import LegacyUser
from leadsmanager.application.legacy.source import LegacySource
from leadsmanager.application.legacy.users import ImportLegacyUsers, UserOutcome, UserPlan

__all__ = [
    "ImportLegacyLeads",
    "ImportLegacyUsers",
    "LeadOutcome",
    "LeadPlan",
    "LegacyRun",
    "LegacySource",
    "LegacyUser",
    "UserOutcome",
    "UserPlan",
]
