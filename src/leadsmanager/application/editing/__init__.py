"""Correcting a lead's details: normalised as intake normalises them, checked against the other open leads."""

from leadsmanager.application.editing.contacts import correct_details
from leadsmanager.application.editing.form import DETAIL_NAMES, corrections

__all__ = ["DETAIL_NAMES", "correct_details", "corrections"]
