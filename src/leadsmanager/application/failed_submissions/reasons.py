"""Why a form's submission is not a lead, said so that an operator knows what to fix, and kept."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime

from leadsmanager.application.intake import LeadForm
from leadsmanager.application.intake.form_mapping import OVERFLOW, SUBMITTED_AT, SyncedForm
from leadsmanager.application.sync_types import RemoteSubmission
from leadsmanager.domain.errors import ValidationError
from leadsmanager.domain.failed_submission import FailedSubmission, ReceivedBy

CONTACT_FIELDS = frozenset({"email", "phone"})
_NOT_FORM_FIELDS = frozenset({SUBMITTED_AT, OVERFLOW, "invalid_email", "invalid_phone"})
SHOWN_FIELD_NAMES = 20


class Unreachable(ValidationError):
    """A submission with neither an email nor a phone: nobody could answer it, so it is not a lead.

    Intake takes a synced or pushed form leniently (a malformed email is kept for a person to read),
    so this is the one refusal the push intakes, the sync and a replay all make themselves."""

    def __init__(self, fields: Mapping[str, str]) -> None:
        names = sorted(fields)
        shown = ", ".join(repr(n[:60]) for n in names[:SHOWN_FIELD_NAMES])
        more = f" and {len(names) - SHOWN_FIELD_NAMES} more" if len(names) > SHOWN_FIELD_NAMES else ""
        received = f"the fields received are {shown}{more}" if names else "no fields were received"
        reason = f"no email and no phone: map the form's fields in the site's _FIELDS ({received})"
        super().__init__(reason, {"contact": "no email and no phone"})


def check_reachable(form: LeadForm, fields: Mapping[str, str]) -> None:
    """Unreachable unless the mapped form has an email or a phone (even one intake keeps as invalid)."""
    if not (form.email.strip() or form.phone.strip()):
        raise Unreachable(fields)


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
