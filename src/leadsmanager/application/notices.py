"""Sending one notice about one lead, at least once per channel and de-duplicated by id.

A worker claims the (lead, notice, channel) row and commits before it sends, then marks it sent. Two
workers never send at once; a worker that dies mid-send leaves a claim that expires after `lease`, and
the retry sends again. So a notice goes out once, unless a worker dies in the few milliseconds between
the mail server accepting it and the database recording it: then the retry sends it a second time,
with the same id (`notice_key`: the email's Message-ID, the chat message's idempotency key), so mail
clients and the receiving side can tell it is a repeat.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

from attrs import evolve, frozen

from leadsmanager.application.job_types import Claim, DeliveryChannel, Notice, TaskFailed, TaskRejected
from leadsmanager.application.notification_types import (
    EmailMessage,
    EscalationReason,
    PermanentDeliveryError,
    RetryableDeliveryError,
)
from leadsmanager.application.ports import (
    ChatNotifier,
    Clock,
    EmailSender,
    NoticeTemplates,
    UnitOfWork,
    UnitOfWorkFactory,
)
from leadsmanager.application.transactions import in_transaction
from leadsmanager.domain.channel import Channel
from leadsmanager.domain.language import DEFAULT_LANGUAGE, LANGUAGES
from leadsmanager.domain.lead import Lead
from leadsmanager.domain.pipeline import StageKind
from leadsmanager.domain.roles import Role
from leadsmanager.domain.user import User

Send = Callable[[], None]
# One notice's email in one language, to the readers of that language.
Render = Callable[[tuple[str, ...], str], EmailMessage]


@frozen
class NoticeSettings:
    # Who hears of new leads and escalations; empty: every active manager and admin.
    sales_team: tuple[str, ...] = ()
    confirmation: bool = False  # a "we got your message" email to the person who wrote in
    follow_up_after: timedelta = timedelta(hours=24)
    escalate_after: timedelta = timedelta(hours=72)
    # Leads older than this are never reminded: a first deployment must not mail about last year's leads.
    remind_within: timedelta = timedelta(days=14)
    # How long a claim holds before another worker may take over (longer than the slowest send).
    lease: timedelta = timedelta(minutes=5)
    # What people without a language of their own read (LEADSMANAGER_LANGUAGE): the team's chat channel,
    # the person who wrote in, and the sales team's addresses that are nobody's account.
    language: str = DEFAULT_LANGUAGE
    # (slug, language) of the public forms given a language: the confirmation to whoever sent one is in it.
    form_languages: tuple[tuple[str, str], ...] = ()


def notice_key(lead: Lead, notice: Notice, *more: str) -> str:
    """What one notice is about, the same on every attempt: its emails' Message-ID, its chat idempotency key."""
    return ".".join((f"lead-{lead.id}", notice.value, *more))


class SendNotice:
    def __init__(
        self,
        uow: UnitOfWorkFactory,
        clock: Clock,
        *,
        email: EmailSender,
        chat: ChatNotifier,
        templates: NoticeTemplates,
        settings: NoticeSettings,
    ) -> None:
        self._uow, self._clock = uow, clock
        self._email, self._chat, self._templates = email, chat, templates
        self._settings = settings

    def __call__(self, lead_id: int, notice: Notice) -> list[DeliveryChannel]:
        """The channels sent on this run (none when already sent or no longer relevant)."""
        with self._uow() as uow:
            lead = uow.leads.get(lead_id)
            plan = self._plan(uow, lead, notice) if lead is not None else {}
        sent: list[DeliveryChannel] = []
        failures: list[TaskFailed | TaskRejected] = []
        for channel, send in plan.items():  # one channel failing does not hold the others back
            try:
                if self._deliver(lead_id, notice, channel, send):
                    sent.append(channel)
            except (TaskFailed, TaskRejected) as e:
                failures.append(e)
        # Worth a retry if any channel is: the ones already sent are skipped next time.
        retryable = [f for f in failures if isinstance(f, TaskFailed)]
        if retryable or failures:
            raise (retryable or failures)[0]
        return sent

    def _plan(self, uow: UnitOfWork, lead: Lead, notice: Notice) -> dict[DeliveryChannel, Send]:
        if lead.status_kind is StageKind.SPAM:
            return {}  # suspected spam notifies nobody
        t, key, language = self._templates, notice_key(lead, notice), self._settings.language
        if notice == Notice.CONFIRMATION:
            if not (self._settings.confirmation and lead.email):
                return {}
            theirs = self._form_language(lead)
            return {DeliveryChannel.EMAIL: lambda: self._send(t.submission_confirmation(lead, language=theirs), key)}
        team, pipeline = self._team(uow), uow.pipeline.get()
        plan: dict[DeliveryChannel, Send] = {}
        if notice == Notice.NEW_LEAD:
            if team:
                plan[DeliveryChannel.EMAIL] = lambda: self._send_each(
                    team, key, lambda to, said: t.new_lead(lead, to=to, language=said, pipeline=pipeline)
                )
            plan[DeliveryChannel.CHAT] = lambda: self._chat.post(t.new_lead_chat(lead, language=language), key=key)
            return plan
        if lead.status != pipeline.start:
            return {}  # somebody answered it meanwhile, or it was closed or excluded
        assignee = uow.users.get(lead.assignee_id) if lead.assignee_id is not None else None
        reachable = assignee if assignee is not None and assignee.active else None
        if notice == Notice.FOLLOW_UP and reachable is not None:
            # Keyed by the assignee too: a lead handed to someone else reminds them afresh.
            reminder = notice_key(lead, notice, f"user-{reachable.id}")
            theirs = self._language_of(reachable.language)
            plan[DeliveryChannel.EMAIL] = lambda: self._send(
                t.follow_up_reminder(lead, assignee=reachable, language=theirs, pipeline=pipeline), reminder
            )
        elif notice == Notice.FOLLOW_UP and self._escalation_due(lead):
            # The escalation is due as well and carries this reason: one message, not one per reason.
            plan[DeliveryChannel.EMAIL] = lambda: None
        elif team:
            reasons, after = self._reasons(lead, notice, assignee), self._settings.escalate_after
            plan[DeliveryChannel.EMAIL] = lambda: self._send_each(
                team,
                key,
                lambda to, said: t.escalation(
                    lead, to=to, language=said, pipeline=pipeline, reasons=reasons, overdue_after=after
                ),
            )
        return plan

    def _send(self, message: EmailMessage, key: str) -> None:
        self._email.send(evolve(message, key=key))

    def _send_each(self, team: dict[str, tuple[str, ...]], key: str, render: Render) -> None:
        """One email per language the team reads; each keeps its own id, the same on every attempt."""
        for language, to in team.items():
            self._send(render(to, language), key if language == self._settings.language else f"{key}.{language}")

    def _escalation_due(self, lead: Lead) -> bool:
        return lead.created_at <= self._clock.now() - self._settings.escalate_after

    def _reasons(self, lead: Lead, notice: Notice, assignee: User | None) -> tuple[EscalationReason, ...]:
        """Every reason the lead needs a manager now, most pressing first."""
        reasons = []
        if notice == Notice.ESCALATION or self._escalation_due(lead):
            reasons.append(EscalationReason.OVERDUE)
        if assignee is None:
            reasons.append(EscalationReason.UNASSIGNED)
        elif not assignee.active:
            reasons.append(EscalationReason.UNREACHABLE)
        return tuple(reasons)

    def _team(self, uow: UnitOfWork) -> dict[str, tuple[str, ...]]:
        """Who hears of new leads and escalations, by the language each reads: an account's own choice,
        else the deployment's."""
        users = uow.users.list()
        addresses = self._settings.sales_team or tuple(
            u.email for u in users if u.active and u.role in (Role.MANAGER, Role.ADMIN)
        )
        chosen = {u.email.lower(): u.language for u in users if u.language}
        team: dict[str, list[str]] = {}
        for address in addresses:
            team.setdefault(self._language_of(chosen.get(address.lower())), []).append(address)
        return {language: tuple(to) for language, to in team.items()}

    def _form_language(self, lead: Lead) -> str:
        """The language of the public form the lead came through, if it was given one."""
        if lead.source is not Channel.WEB_FORM:
            return self._settings.language
        return self._language_of(dict(self._settings.form_languages).get(lead.form_id or ""))

    def _language_of(self, chosen: str | None) -> str:
        return chosen if chosen is not None and chosen in LANGUAGES else self._settings.language

    def _deliver(self, lead_id: int, notice: Notice, channel: DeliveryChannel, send: Send) -> bool:
        claim = in_transaction(self._uow, lambda uow: self._claim(uow, lead_id, notice, channel))
        if claim == Claim.DONE:
            return False
        if claim == Claim.BUSY:
            raise TaskFailed(f"{notice.value} of lead {lead_id} is being sent by another worker")
        try:
            send()
        except RetryableDeliveryError as e:
            error = str(e)
            self._record(lambda uow: uow.deliveries.release(lead_id, notice, channel, error=error))
            raise TaskFailed(f"{notice.value} of lead {lead_id} by {channel.value}: {e}") from e
        except Exception as e:
            # A permanent refusal or a bug: retrying would send garbage or fail the same way.
            error = f"{type(e).__name__}: {e}"
            self._record(lambda uow: uow.deliveries.fail(lead_id, notice, channel, error=error))
            if isinstance(e, PermanentDeliveryError):
                raise TaskRejected(f"{notice.value} of lead {lead_id} by {channel.value}: {e}") from e
            raise
        at = self._clock.now()
        self._record(lambda uow: uow.deliveries.finish(lead_id, notice, channel, at=at))
        return True

    def _claim(self, uow: UnitOfWork, lead_id: int, notice: Notice, channel: DeliveryChannel) -> Claim:
        return uow.deliveries.claim(lead_id, notice, channel, now=self._clock.now(), lease=self._settings.lease)

    def _record(self, change: Callable[[UnitOfWork], None]) -> None:
        in_transaction(self._uow, change)
