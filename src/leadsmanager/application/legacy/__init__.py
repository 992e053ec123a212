"""Bringing the original Django system's data over: its users (with their passwords) first."""

from leadsmanager.application.legacy.records import LegacyUser
from leadsmanager.application.legacy.source import LegacySource
from leadsmanager.application.legacy.users import ImportLegacyUsers, UserOutcome, UserPlan

__all__ = ["ImportLegacyUsers", "LegacySource", "LegacyUser", "UserOutcome", "UserPlan"]
