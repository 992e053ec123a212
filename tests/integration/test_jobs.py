"""Background jobs through the use cases, on memory, SQLite and MariaDB: outbox, notices, follow-ups,
failed tasks and the consistency check."""

from __future__ import annotations

from datetime import timedelta
from functools import partial

import pytest
from attrs import evolve
from sqlalchemy import update

from leadsmanager.adapters.email_templates import EmailTemplates
from leadsmanager.adapters.http_retry import RetryPolicy
from leadsmanager.adapters.mime import Sender, to_mime
from leadsmanager.adapters.perfit import PerfitConfig, PerfitEmailSender
from leadsmanager.adapters.slack import SlackWebhookNotifier
from leadsmanager.adapters.sql.engine import make_session_factory
from leadsmanager.adapters.sql.tables import leads
from leadsmanager.adapters.sql.unit_of_work import SqlAlchemyUnitOfWork
from leadsmanager.application.consistency import CheckConsistency
from leadsmanager.application.intake import LeadForm, SubmitLead
from leadsmanager.application.job_types import Claim, DeliveryChannel, Notice, TaskFailed, TaskName, TaskRejected
from leadsmanager.application.jobs import FailedTasks, QueueFollowUps, RelayOutbox
from leadsmanager.application.leads import AssignLead, ChangeStatus
from leadsmanager.application.notices import NoticeSettings, SendNotice
from leadsmanager.domain.events import LeadResubmitted, LeadSubmitted
from leadsmanager.domain.lead import Channel
from leadsmanager.domain.pipeline import CLI_ACTOR, INTRALOG, StageChange
from leadsmanager.domain.roles import Role
from leadsmanager.domain.status import LeadStatus
from leadsmanager.domain.user import User
from tests.conftest import UowFactory
from tests.integration.fake_http import Answer, running
from tests.jobs_support import ListQueue, RecordingChat, RecordingEmail
from tests.support import FakeClock, actor, make_user, new_lead

HOUR = timedelta(hours=1)


class Jobs:
    """The jobs of one deployment, wired as the container wires them, with recording notifiers."""

    def __init__(self, uow: UowFactory, clock: FakeClock, settings: NoticeSettings | None = None) -> None:
        self.uow, self.clock = uow, clock
        self.settings = settings or NoticeSettings()
        self.email, self.chat, self.queue = RecordingEmail(), RecordingChat(), ListQueue()
        templates = EmailTemplates(base_url="https://leads.example.com")
        self.send = SendNotice(
            uow, clock, email=self.email, chat=self.chat, templates=templates, settings=self.settings
        )
        self.relay = RelayOutbox(uow, clock, self.queue, self.settings)
        self.follow_ups = QueueFollowUps(uow, clock, self.queue, self.settings)
        self.failed = FailedTasks(uow, clock, self.queue)
        self.submit = SubmitLead(uow, clock, phone_region="US")

    def lead(self, n: int = 1) -> int:
        form = LeadForm(Channel.WEB_FORM, name=f"Person {n}", email=f"person{n}@example.com")
        return self.submit(form).lead_id

    def announced_lead(self, n: int = 1) -> int:
        """A lead whose new-lead notices went out (and are forgotten by the recording notifiers)."""
        lead_id = self.lead(n)
        self.relay.drain()
        self.work()
        self.email.sent.clear()
        return lead_id

    def work(self) -> list[BaseException]:
        """What a worker does: run every queued task, recording those that fail for good."""
        errors = []
        for error in self.queue.run_all({TaskName.SEND_NOTICE: self._send_notice}):
            errors.append(error)
        return errors

    def _send_notice(self, lead_id: int, notice: str) -> None:
        try:
            self.send(lead_id, Notice(notice))
        except TaskRejected as e:
            self.failed.record(TaskName.SEND_NOTICE, {"lead_id": lead_id, "notice": notice}, str(e))
            raise

    def later(self, delta: timedelta) -> None:
        self.clock.current += delta


@pytest.fixture
def jobs(uow_factory: UowFactory, clock: FakeClock) -> Jobs:
    return Jobs(uow_factory, clock)


def test_a_new_lead_reaches_the_sales_team_once_by_email_and_chat(jobs: Jobs) -> None:
    manager = make_user(jobs.uow, Role.MANAGER)
    make_user(jobs.uow, Role.EMPLOYEE)
    lead_id = jobs.lead(1)
    assert jobs.relay.drain() == 1
    assert jobs.work() == []
    assert [m.to for m in jobs.email.sent] == [(manager.email,)]
    assert "Person 1" in jobs.email.sent[0].subject
    assert len(jobs.chat.posts) == 1 and f"#{lead_id}" in jobs.chat.posts[0]
    # The same task delivered twice (a redelivery) and the relay run again send nothing more.
    jobs.queue.enqueue(TaskName.SEND_NOTICE, lead_id=lead_id, notice="new_lead")
    assert jobs.relay.drain() == 0
    assert jobs.work() == []
    assert len(jobs.email.sent) == 1 and len(jobs.chat.posts) == 1


def test_the_event_exists_only_if_the_lead_was_stored(jobs: Jobs) -> None:
    with jobs.uow() as uow:
        assert uow.outbox.count_pending() == 0
    jobs.lead(1)
    jobs.lead(1)  # the same person again: joins the lead, no second "new lead"
    with jobs.uow() as uow:
        pending = uow.outbox.pending(10)
    assert [type(e.event) for e in pending] == [LeadSubmitted, LeadResubmitted]
    assert jobs.relay.drain() == 2
    assert [t for t, _ in jobs.queue.tasks] == [TaskName.SEND_NOTICE]


def test_a_configured_sales_team_replaces_the_managers(uow_factory: UowFactory, clock: FakeClock) -> None:
    jobs = Jobs(uow_factory, clock, NoticeSettings(sales_team=("sales@example.com", "boss@example.com")))
    make_user(uow_factory, Role.MANAGER)
    jobs.lead(1)
    jobs.relay.drain()
    jobs.work()
    assert [m.to for m in jobs.email.sent] == [("sales@example.com", "boss@example.com")]


def speaking(uow: UowFactory, role: Role, language: str | None) -> User:
    user = make_user(uow, role)
    assert user.id is not None
    with uow() as tx:
        stored = tx.users.get(user.id)
        assert stored is not None
        stored.language = language
        tx.users.save(stored)
        tx.commit()
    return stored


def test_each_reader_gets_the_notices_in_their_language_the_channel_in_the_deployments(
    uow_factory: UowFactory, clock: FakeClock
) -> None:
    jobs = Jobs(uow_factory, clock, NoticeSettings(language="es"))
    spanish, english = speaking(uow_factory, Role.MANAGER, "es"), speaking(uow_factory, Role.ADMIN, "en")
    unchosen, employee = speaking(uow_factory, Role.MANAGER, None), speaking(uow_factory, Role.EMPLOYEE, "en")
    lead_id = jobs.lead(1)
    jobs.relay.drain()
    jobs.work()
    by_reader = {m.to: m for m in jobs.email.sent}
    assert set(by_reader) == {(spanish.email, unchosen.email), (english.email,)}  # no choice: the deployment's
    assert by_reader[spanish.email, unchosen.email].subject == "Nuevo lead: Person 1"
    assert "Estado:   nuevo" in by_reader[spanish.email, unchosen.email].text
    assert by_reader[english.email,].subject == "New lead: Person 1"
    # Each language's email keeps its own id, the same on every attempt.
    assert {m.key for m in jobs.email.sent} == {f"lead-{lead_id}.new_lead", f"lead-{lead_id}.new_lead.en"}
    assert jobs.chat.posts[0].startswith(f"Nuevo lead #{lead_id}: Person 1 por formulario web.")

    AssignLead(jobs.uow, jobs.clock)(lead_id, employee.id, by=actor(spanish))
    jobs.email.sent.clear()
    jobs.later(25 * HOUR)
    jobs.follow_ups()
    jobs.work()
    [reminder] = jobs.email.sent
    assert reminder.to == (employee.email,) and reminder.subject == "Reminder: follow up with Person 1"


def test_a_spanish_teams_slack_channel_hears_of_new_leads_in_spanish(uow_factory: UowFactory, clock: FakeClock) -> None:
    jobs = Jobs(uow_factory, clock, NoticeSettings(language="es"))
    with running() as slack_server:
        slack = SlackWebhookNotifier(slack_server.url + "/services/T0/B0/x", retry=RetryPolicy(sleep=lambda _: None))
        templates = EmailTemplates(base_url="https://leads.example.com")
        jobs.send = SendNotice(
            jobs.uow, jobs.clock, email=jobs.email, chat=slack, templates=templates, settings=jobs.settings
        )
        lead_id = jobs.lead(1)
        jobs.relay.drain()
        assert jobs.work() == []
        [posted] = slack_server.received
    expected = f"Nuevo lead #{lead_id}: Person 1 por formulario web. https://leads.example.com/leads/{lead_id}"
    assert posted.json() == {"text": expected}


def test_suspected_spam_notifies_nobody(jobs: Jobs) -> None:
    make_user(jobs.uow, Role.MANAGER)
    form = LeadForm(Channel.WEB_FORM, name="Bot", email="bot@example.com", spam_reason="honeypot filled")
    jobs.submit(form)
    jobs.relay.drain()
    jobs.work()
    assert jobs.email.sent == [] and jobs.chat.posts == []


def test_the_confirmation_email_is_off_unless_configured(uow_factory: UowFactory, clock: FakeClock) -> None:
    quiet = Jobs(uow_factory, clock)
    quiet.lead(1)
    quiet.relay.drain()
    quiet.work()
    assert all("person1@example.com" not in m.to for m in quiet.email.sent)
    polite = Jobs(uow_factory, clock, NoticeSettings(confirmation=True))
    polite.lead(2)
    polite.relay.drain()
    polite.work()
    assert [m.to for m in polite.email.sent] == [("person2@example.com",)]
    assert "Person 2" not in polite.email.sent[0].text  # nothing they typed is mailed back


def test_the_confirmation_is_in_the_language_of_the_form_that_was_sent(
    uow_factory: UowFactory, clock: FakeClock
) -> None:
    jobs = Jobs(uow_factory, clock, NoticeSettings(confirmation=True, form_languages=(("contacto", "es"),)))
    for n, form_id in enumerate(("contacto", "contact"), 1):
        form = LeadForm(Channel.WEB_FORM, name=f"Person {n}", email=f"person{n}@example.com", form_id=form_id)
        jobs.submit(form)
    jobs.relay.drain()
    jobs.work()
    subjects = {m.to: m.subject for m in jobs.email.sent}
    assert subjects == {
        ("person1@example.com",): "Recibimos tu consulta - LeadsManager",
        ("person2@example.com",): "We received your request - LeadsManager",
    }


def test_a_busy_mail_server_is_retried_and_the_notice_still_goes_once(jobs: Jobs) -> None:
    make_user(jobs.uow, Role.MANAGER)
    lead_id = jobs.lead(1)
    jobs.email.retryable()
    with pytest.raises(TaskFailed, match="busy"):
        jobs.send(lead_id, Notice.NEW_LEAD)
    assert jobs.email.sent == [] and len(jobs.chat.posts) == 1  # the chat went; the email waits for a retry
    assert jobs.send(lead_id, Notice.NEW_LEAD) == [DeliveryChannel.EMAIL]
    assert jobs.send(lead_id, Notice.NEW_LEAD) == []
    assert len(jobs.email.sent) == 1 and len(jobs.chat.posts) == 1


def test_a_refused_notice_fails_for_good_until_an_operator_retries_it(jobs: Jobs) -> None:
    make_user(jobs.uow, Role.MANAGER)
    lead_id = jobs.lead(1)
    jobs.relay.drain()
    jobs.email.permanent()
    errors = jobs.work()
    assert [type(e) for e in errors] == [TaskRejected]
    assert jobs.send(lead_id, Notice.NEW_LEAD) == []  # not retried on its own
    [failed] = jobs.failed.waiting()
    assert failed.task == TaskName.SEND_NOTICE and failed.args == {"lead_id": lead_id, "notice": "new_lead"}
    assert "recipient refused" in failed.error
    assert jobs.failed.retry() == [failed]
    assert jobs.failed.waiting() == []
    assert jobs.work() == []
    assert len(jobs.email.sent) == 1


def test_a_claim_held_by_a_live_worker_waits_and_a_dead_workers_claim_expires(jobs: Jobs) -> None:
    make_user(jobs.uow, Role.MANAGER)
    lead_id = jobs.lead(1)
    with jobs.uow() as uow:  # another worker claimed the email and is sending it
        lease = jobs.settings.lease
        claim = uow.deliveries.claim(lead_id, Notice.NEW_LEAD, DeliveryChannel.EMAIL, now=jobs.clock.now(), lease=lease)
        assert claim == Claim.GRANTED
        uow.commit()
    with pytest.raises(TaskFailed, match="another worker"):
        jobs.send(lead_id, Notice.NEW_LEAD)
    assert jobs.email.sent == []
    jobs.later(jobs.settings.lease)  # that worker died: its claim runs out
    assert DeliveryChannel.EMAIL in jobs.send(lead_id, Notice.NEW_LEAD)
    assert len(jobs.email.sent) == 1


def test_a_broker_outage_keeps_events_in_the_outbox_until_it_returns(jobs: Jobs) -> None:
    make_user(jobs.uow, Role.MANAGER)
    jobs.lead(1)
    jobs.queue.down = True
    with pytest.raises(Exception, match="broker is down"):
        jobs.relay.drain()
    jobs.lead(2)  # intake goes on while the broker is away
    with jobs.uow() as uow:
        assert uow.outbox.count_pending() == 2
    jobs.queue.down = False
    assert jobs.relay.drain() == 2
    jobs.work()
    assert sorted(m.subject for m in jobs.email.sent) == ["New lead: Person 1", "New lead: Person 2"]


def test_follow_ups_remind_the_assignee_then_escalate_to_managers_once_each(jobs: Jobs) -> None:
    manager = make_user(jobs.uow, Role.MANAGER)
    employee = make_user(jobs.uow, Role.EMPLOYEE)
    waiting, answered = jobs.lead(1), jobs.lead(2)
    for lead_id in (waiting, answered):
        AssignLead(jobs.uow, jobs.clock)(lead_id, employee.id, by=actor(manager))
    ChangeStatus(jobs.uow, jobs.clock)(answered, LeadStatus.CONTACTED, by=actor(employee))
    jobs.relay.drain()
    jobs.work()
    jobs.email.sent.clear()

    jobs.later(23 * HOUR)
    assert jobs.follow_ups()[Notice.FOLLOW_UP] == 0
    jobs.later(2 * HOUR)
    jobs.follow_ups()
    jobs.work()
    assert [(m.to, "Person 1" in m.text) for m in jobs.email.sent] == [((employee.email,), True)]

    jobs.later(48 * HOUR)
    jobs.follow_ups()
    jobs.follow_ups()  # the scheduler ran twice before a worker got to it
    jobs.work()
    assert [m.to for m in jobs.email.sent] == [(employee.email,), (manager.email,)]
    assert "still new 72 hours" in jobs.email.sent[1].text
    jobs.later(HOUR)
    assert jobs.follow_ups() == {Notice.FOLLOW_UP: 0, Notice.ESCALATION: 0, Notice.NEW_LEAD: 0}


def test_an_unassigned_lead_goes_to_the_managers_and_old_leads_are_left_alone(jobs: Jobs) -> None:
    manager = make_user(jobs.uow, Role.MANAGER)
    jobs.announced_lead(1)
    jobs.later(25 * HOUR)
    jobs.follow_ups()
    jobs.work()
    assert [m.to for m in jobs.email.sent] == [(manager.email,)]
    assert "nobody is assigned" in jobs.email.sent[0].text
    jobs.lead(2)
    jobs.later(jobs.settings.remind_within + HOUR)  # lead 2 was never reminded, but is too old now
    assert jobs.follow_ups()[Notice.FOLLOW_UP] == 0


def test_a_notice_sent_again_after_a_crash_carries_the_same_ids(jobs: Jobs) -> None:
    make_user(jobs.uow, Role.MANAGER)
    lead_id = jobs.lead(1)
    jobs.relay.drain()
    jobs.work()
    with jobs.uow() as uow:  # the worker died after sending, before recording it
        uow.deliveries.forget(lead_id, Notice.NEW_LEAD)
        uow.commit()
    assert sorted(jobs.send(lead_id, Notice.NEW_LEAD)) == [DeliveryChannel.CHAT, DeliveryChannel.EMAIL]
    first, again = jobs.email.sent
    sender = Sender("leads@example.com")
    ids = {to_mime(m, sender, at=jobs.clock.now())["Message-ID"] for m in (first, again)}
    assert ids == {f"<leadsmanager.lead-{lead_id}.new_lead@example.com>"}
    assert jobs.chat.keys == [f"lead-{lead_id}.new_lead"] * 2


def test_perfits_sending_limit_puts_the_notice_on_the_failed_list_for_an_admin(jobs: Jobs) -> None:
    make_user(jobs.uow, Role.MANAGER)
    with running() as perfit:
        perfit.default = Answer.json(503, {"success": False, "error": {"type": "service_unavailable"}})
        config = PerfitConfig("key", Sender("leads@example.com"), base_url=perfit.url + "/v1")
        email = PerfitEmailSender(config, retry=RetryPolicy(sleep=lambda _: None))
        templates = EmailTemplates(base_url="https://leads.example.com")
        jobs.send = SendNotice(
            jobs.uow, jobs.clock, email=email, chat=jobs.chat, templates=templates, settings=jobs.settings
        )
        lead_id = jobs.lead(1)
        jobs.relay.drain()
        assert [type(e) for e in jobs.work()] == [TaskRejected]  # not retried until the email is lost
        assert len(perfit.received) == 1
    [failed] = jobs.failed.waiting()
    assert failed.args == {"lead_id": lead_id, "notice": "new_lead"} and "sending limit" in failed.error


def test_a_lead_due_for_every_reason_gets_one_escalation_listing_them_all(jobs: Jobs) -> None:
    manager = make_user(jobs.uow, Role.MANAGER)
    jobs.announced_lead(1)
    jobs.later(80 * HOUR)  # say the scheduler was down: the reminder and the escalation are both due
    jobs.follow_ups()
    jobs.work()
    [escalation] = jobs.email.sent
    assert escalation.to == (manager.email,) and escalation.subject.startswith("Escalation")
    assert "still new 72 hours" in escalation.text and "nobody is assigned" in escalation.text
    jobs.later(HOUR)
    assert jobs.follow_ups() == {Notice.FOLLOW_UP: 0, Notice.ESCALATION: 0, Notice.NEW_LEAD: 0}


def test_the_reminder_follows_the_lead_to_whoever_is_assigned_after_it_was_planned(jobs: Jobs) -> None:
    manager = make_user(jobs.uow, Role.MANAGER)
    first, second = make_user(jobs.uow, Role.EMPLOYEE), make_user(jobs.uow, Role.EMPLOYEE)
    assign = AssignLead(jobs.uow, jobs.clock)
    handed_over, unassigned = jobs.announced_lead(1), jobs.announced_lead(2)
    assign(handed_over, first.id, by=actor(manager))
    jobs.later(25 * HOUR)
    jobs.follow_ups()
    jobs.work()
    assert sorted(m.to for m in jobs.email.sent) == sorted([(first.email,), (manager.email,)])
    jobs.email.sent.clear()

    jobs.later(HOUR)
    for lead_id in (handed_over, unassigned):
        assign(lead_id, second.id, by=actor(manager))
    jobs.follow_ups()
    jobs.work()
    assert [m.to for m in jobs.email.sent] == [(second.email,), (second.email,)]
    assert {m.key for m in jobs.email.sent} == {
        f"lead-{lead_id}.follow_up_reminder.user-{second.id}" for lead_id in (handed_over, unassigned)
    }
    jobs.later(HOUR)
    assert jobs.follow_ups()[Notice.FOLLOW_UP] == 0


def test_a_lost_new_lead_notice_is_queued_again(jobs: Jobs) -> None:
    make_user(jobs.uow, Role.MANAGER)
    jobs.lead(1)
    jobs.relay.drain()
    jobs.queue.tasks.clear()  # the broker restarted without its data
    jobs.later(11 * timedelta(minutes=1))
    assert jobs.follow_ups()[Notice.NEW_LEAD] == 1
    jobs.work()
    assert len(jobs.email.sent) == 1


def test_the_consistency_check_reports_then_fixes_open_leads_of_deactivated_users(
    uow_factory: UowFactory, clock: FakeClock
) -> None:
    jobs = Jobs(uow_factory, clock)
    admin = make_user(uow_factory, Role.ADMIN)
    employee = make_user(uow_factory, Role.EMPLOYEE)
    lead_id, won_id = jobs.lead(1), jobs.lead(2)
    for each in (lead_id, won_id):
        AssignLead(uow_factory, clock)(each, employee.id, by=actor(admin))
    ChangeStatus(uow_factory, clock)(won_id, LeadStatus.WON, by=actor(admin))  # who won it stays its owner
    with uow_factory() as uow:  # deactivated behind the product's back (an old import, a manual edit)
        assert employee.id is not None
        stored = uow.users.get(employee.id)
        assert stored is not None
        uow.users.save(evolve(stored, active=False))
        uow.commit()
    check = CheckConsistency(uow_factory, clock)
    report = check(fix=False)
    assert [(f.kind, f.lead_id, f.fixed) for f in report.findings] == [("inactive_assignee", lead_id, False)]
    assert report.leads_scanned == 2
    fixed = check(fix=True)
    assert fixed.unfixed == 0
    with uow_factory() as uow:
        lead = uow.leads.get(lead_id, with_history=True)
    assert lead is not None and lead.assignee_id is None
    assert (lead.history[-1].field, lead.history[-1].actor_id) == ("assignee", None)
    assert check(fix=False).findings == ()


def test_the_consistency_check_closes_a_status_history_gap(uow_factory: UowFactory, clock: FakeClock) -> None:
    jobs = Jobs(uow_factory, clock)
    lead_id = jobs.lead(1)
    with uow_factory() as uow:  # a status written without its history entry (an old bug, a manual edit)
        lead = uow.leads.get(lead_id)
        assert lead is not None
        lead.status = LeadStatus.CONTACTED
        uow.leads.save(lead)
        uow.commit()
    check = CheckConsistency(uow_factory, clock)
    [gap] = check(fix=False).findings
    assert (gap.kind, gap.lead_id) == ("history_gap", lead_id)
    assert "contacted" in gap.detail and "new" in gap.detail
    assert check(fix=True).unfixed == 0
    with uow_factory() as uow:
        lead = uow.leads.get(lead_id, with_history=True)
    assert lead is not None
    last = [e for e in lead.history if e.field == "status"][-1]
    assert (last.old, last.new, last.actor_id) == ("new", "contacted", None)
    assert check(fix=False).findings == ()


@pytest.fixture(params=["sqlite", pytest.param("mariadb", marks=pytest.mark.mariadb)])
def sql_uow(request: pytest.FixtureRequest) -> UowFactory:
    if request.param == "sqlite":
        return partial(SqlAlchemyUnitOfWork, make_session_factory(request.getfixturevalue("sqlite_engine")))
    factory: UowFactory = request.getfixturevalue("mysql_uow")
    return factory


@pytest.mark.parametrize("stored", ["archived", "NEW "])
def test_an_unknown_status_is_reported_and_set_to_new_with_its_old_value_in_history(
    sql_uow: UowFactory, clock: FakeClock, stored: str
) -> None:
    jobs = Jobs(sql_uow, clock)
    lead_id = jobs.lead(1)
    with sql_uow() as uow:
        uow._session.execute(update(leads).where(leads.c.id == lead_id).values(status=stored))  # type: ignore[attr-defined]
        uow.commit()
    check = CheckConsistency(sql_uow, clock)
    [finding] = [f for f in check(fix=False).findings if f.kind == "unknown_status"]
    assert finding.lead_id == lead_id and repr(stored) in finding.detail
    check(fix=True)
    with sql_uow() as uow:
        lead = uow.leads.get(lead_id, with_history=True)
    assert lead is not None and lead.status == LeadStatus.NEW
    assert (lead.history[-1].old, lead.history[-1].new) == (stored, "new")
    assert check(fix=False).findings == ()


def test_leads_stored_as_a_batch_have_their_events_in_the_outbox(uow_factory: UowFactory) -> None:
    batch = [new_lead(1), new_lead(2), new_lead(3)]
    with uow_factory() as uow:
        uow.leads.store(batch)
        uow.commit()
    with uow_factory() as uow:
        pending = uow.outbox.pending(10)
    assert [(type(e.event), e.lead_id) for e in pending] == [(LeadSubmitted, lead.id) for lead in batch]


def test_the_consistency_check_knows_the_configured_pipelines_stages(sql_uow: UowFactory, clock: FakeClock) -> None:
    jobs = Jobs(sql_uow, clock)
    stray, kept = jobs.lead(1), jobs.lead(2)  # both start in `new`, which the intralog pipeline lacks
    with sql_uow() as uow:
        uow.pipeline.replace(INTRALOG, StageChange(clock.now(), CLI_ACTOR, "apply", "intralog"))
        uow._session.execute(update(leads).where(leads.c.id == kept).values(status="cotizado"))  # type: ignore[attr-defined]
        uow.commit()
    check = CheckConsistency(sql_uow, clock)
    [finding] = [f for f in check(fix=True).findings if f.kind == "unknown_status"]
    assert finding.lead_id == stray and finding.detail.endswith("set to esperandoDatos")
    with sql_uow() as uow:
        fixed = uow.leads.get(stray)
        assert fixed is not None and (fixed.status, fixed.status_kind, fixed.is_open) == (
            "esperandoDatos",
            "open",
            True,
        )
