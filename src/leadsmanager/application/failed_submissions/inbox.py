"""Record a submission that could not become a lead, list those waiting, and replay them through the
current mapping: a success becomes a lead and leaves the inbox, a failure stays with its new reason.

A replay stores the lead and takes the submission out of the inbox in one transaction. Its external id
is the one the sync gives (`{site}/{form}/{id}`), so a submission already imported meanwhile (by a push,
or an earlier replay) is found again instead of making a second lead.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime

from attrs import evolve, frozen

from leadsmanager.application.failed_submissions.reasons import check_reachable, refusal_reason
from leadsmanager.application.intake import LeadForm, Outcome, to_submission
from leadsmanager.application.intake.form_mapping import SyncedForm
from leadsmanager.application.intake.rule import Arrival, store_page
from leadsmanager.application.ports import Clock, UnitOfWork, UnitOfWorkFactory
from leadsmanager.application.sync_types import RemoteSubmission
from leadsmanager.application.transactions import in_transaction
from leadsmanager.domain.errors import NotFound, ValidationError
from leadsmanager.domain.failed_submission import FailedSubmission, ReceivedBy

# Stands in for the site's id of a pushed submission that had none; the lead then gets no external id.
NO_ID = "none"


@frozen
class Replay:
    """One submission replayed: as it was, as it is now, and what intake made of it (None: refused)."""

    before: FailedSubmission
    after: FailedSubmission
    outcome: Outcome | None = None

    @property
    def succeeded(self) -> bool:
        return self.outcome is not None


class FailedSubmissions:
    """The inbox; `forms` are the configured forms, whose current mapping a replay goes through."""

    def __init__(self, uow: UnitOfWorkFactory, clock: Clock, forms: Sequence[SyncedForm], *, phone_region: str) -> None:
        self._uow = uow
        self._clock = clock
        self._forms = {(f.site, f.form_id): f for f in forms}
        self._region = phone_region

    def record(
        self,
        site: str,
        form_id: str,
        reason: str,
        *,
        body: str | bytes = "",
        fields: Mapping[str, str] | None = None,
        submission_id: str | None = None,
        submitted_at: datetime | None = None,
        received_by: ReceivedBy = ReceivedBy.PUSH,
    ) -> FailedSubmission | None:
        """Keep a submission a site pushed (or the sync fetched) that could not become a lead.

        `body` is the request as it came (bytes that are not UTF-8 are kept as \\x.. escapes), `fields`
        its fields if they could be read (None: a replay cannot map it). None when the inbox already
        holds this form's `submission_id`."""
        text = body.decode("utf-8", errors="backslashreplace") if isinstance(body, bytes) else body
        failed = FailedSubmission.received(
            site,
            form_id,
            received_by,
            reason,
            at=self._clock.now(),
            submission_id=submission_id,
            submitted_at=submitted_at,
            fields=fields,
            body=text,
        )
        return in_transaction(self._uow, lambda uow: uow.failed_submissions.add(failed))

    def waiting(self, *, site: str | None = None, form_id: str | None = None) -> list[FailedSubmission]:
        """What waits in the inbox, oldest first; only `site`'s and/or forms with id `form_id` if given."""
        with self._uow() as uow:
            held = uow.failed_submissions.waiting()
        return [f for f in held if site in (None, f.site) and form_id in (None, f.form_id)]

    def replay(
        self, failed_id: int | None = None, *, site: str | None = None, form_id: str | None = None
    ) -> list[Replay]:
        """Replay one waiting submission, or every one (None) of `site` and/or `form_id` if given, each in a
        transaction of its own."""
        if failed_id is None:
            return [self._replay(failed) for failed in self.waiting(site=site, form_id=form_id)]
        with self._uow() as uow:
            one = uow.failed_submissions.get(failed_id)
        if one is None or not one.waiting:
            raise NotFound(f"no failed submission {failed_id} is waiting in the inbox")
        return [self._replay(one)]

    def _replay(self, failed: FailedSubmission) -> Replay:
        ready = self._ready(failed)
        return in_transaction(self._uow, lambda uow: self._settle(uow, failed, ready))

    def _ready(self, failed: FailedSubmission) -> Arrival | str:
        """The submission intake would store now, or why it still cannot."""
        try:
            form = self._lead_form(failed)
            check_reachable(form, failed.fields or {})
        except ValidationError as e:
            return str(e)
        try:
            return Arrival(to_submission(form, region=self._region), route=form.route)
        except ValidationError as e:
            return refusal_reason(e, form)

    def _settle(self, uow: UnitOfWork, failed: FailedSubmission, ready: Arrival | str) -> Replay:
        """The lead stored and the submission out of the inbox, or its new reason kept."""
        assert failed.id is not None
        current = uow.failed_submissions.get(failed.id)
        if current is None or not current.waiting:  # another replay took it out of the inbox meanwhile
            return Replay(failed, current or failed, Outcome.DUPLICATE)
        now = self._clock.now()
        if isinstance(ready, str):
            after = current.failed_again(ready, at=now)
            uow.failed_submissions.save(after)
            return Replay(failed, after)
        [result] = store_page(uow, [ready], self._clock.now)
        after = current.replayed(result.lead_id, at=now)
        uow.failed_submissions.save(after)
        return Replay(failed, after, result.outcome)

    def _lead_form(self, failed: FailedSubmission) -> LeadForm:
        """The submission through its form's mapping as configured now."""
        mapped = self._forms.get((failed.site, failed.form_id))
        if mapped is None:
            raise ValidationError(f"site {failed.site!r} has no form {failed.form_id!r} configured any more")
        if failed.fields is None:
            raise ValidationError(f"its body could not be read, so it cannot be mapped ({failed.reason})")
        when = failed.submitted_at or failed.received_at
        form = mapped.lead_form(RemoteSubmission(failed.submission_id or NO_ID, when, dict(failed.fields)))
        return form if failed.submission_id else evolve(form, external_id="")
