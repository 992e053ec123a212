"""Why a form's submission is not a lead, said so that an operator knows what to fix, and kept."""

from __future__ import annotations

from datetime import datetime

from leadsmanager.application.intake import LeadForm
from leadsmanager.application.intake.form_mapping import OVERFLOW, SUBMITTED_AT, SyncedForm
from leadsmanager.application.sync_types import RemoteSubmission
from leadsmanager.domain.errors import ValidationError
from leadsmanager.domain.failed_submission import FailedSubmission, ReceivedBy

CONTACT_FIELDS = frozenset({"email", "phone"})
_NOT_FORM_FIELDS = frozenset({SUBMITTED_AT, OVERFLOW, "invalid_email", "invalid_phone"})


def refusal_reason(error: ValidationError, form: LeadForm) -> str:
    """Intake's refusal; when contact data is missing, the form fields no lead field took, as a mapping
    (`LEADSMANAGER_WORDPRESS_<SITE>_FIELDS`) may have left the email or phone among them."""
    unmapped = [name for name in form.extras if name not in _NOT_FORM_FIELDS]
    if not (CONTACT_FIELDS & error.fields.keys()) or not unmapped:
        return str(error)
    return f"{error}; fields not mapped to a lead field: {', '.join(unmapped)}"


def synced_failure(
    form: SyncedForm, submission: RemoteSubmission, error: ValidationError, *, at: datetime
) -> FailedSubmission:
    """A submission the sync fetched and intake refused, kept with everything the site sent of it."""
    return FailedSubmission.received(
        form.site,
        form.form_id,
        ReceivedBy.SYNC,
        refusal_reason(error, form.lead_form(submission)),
        at=at,
        submission_id=submission.id,
        submitted_at=submission.created_at,
        fields=submission.fields,
    )
