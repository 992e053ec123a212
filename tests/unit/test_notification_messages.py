"""Notification emails: rendered from templates, and nothing a lead types can reach a header."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from email import message_from_bytes, policy
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from leadsmanager.adapters.email_templates import EmailTemplates
from leadsmanager.adapters.mime import Sender, to_mime
from leadsmanager.application.notification_types import MAX_SUBJECT_LENGTH, EmailMessage, EscalationReason
from leadsmanager.domain.errors import ValidationError
from leadsmanager.domain.lead import Lead
from leadsmanager.domain.pipeline import DEFAULT, INTRALOG
from leadsmanager.domain.roles import Role
from leadsmanager.domain.user import User
from tests.support import START, new_lead

TEMPLATES = EmailTemplates(base_url="https://leads.example.com/", team_name="Acme")
BUENOS_AIRES = ZoneInfo("America/Argentina/Buenos_Aires")
IN_ARGENTINA = EmailTemplates(base_url="https://leads.example.com/", team_name="Acme", zone=BUENOS_AIRES)
SENDER = Sender("leads@example.com", "Acme Leads")
HEADERS = {"from", "to", "subject", "date", "message-id", "mime-version", "content-type"}


def lead(**changes: object) -> Lead:
    made = new_lead(3, at=START, **changes)
    made.id = 42
    return made


def test_a_subject_is_one_capped_line() -> None:
    made = EmailMessage(to=["a@example.com"], subject="Hi\r\nBcc: x@evil.example\x00\u2028there", text="")
    assert made.subject == "Hi Bcc: x@evil.example there"
    long = EmailMessage(to=["a@example.com"], subject="x" * 500, text="")
    assert len(long.subject) == MAX_SUBJECT_LENGTH and long.subject.endswith("…")
    with pytest.raises(ValidationError):
        EmailMessage(to=["a@example.com"], subject="\r\n\t", text="")


@pytest.mark.parametrize(
    "to", [[], ["not an address"], ["a@example.com\r\nBcc: x@evil.example"], ["A <a@example.com>"]]
)
def test_recipients_are_bare_checked_addresses(to: list[str]) -> None:
    with pytest.raises(ValidationError):
        EmailMessage(to=to, subject="Hi", text="")


def test_recipients_are_kept_once_in_order() -> None:
    made = EmailMessage(to=["b@example.com", "a@example.com", "b@example.com"], subject="Hi", text="")
    assert made.to == ("b@example.com", "a@example.com")
    assert EmailMessage(to="a@example.com", subject="Hi", text="").to == ("a@example.com",)


def test_the_new_lead_email_shows_the_lead_and_links_to_it() -> None:
    email = TEMPLATES.new_lead(
        lead(contact_name="Ana <b>Núñez</b>", company="Acme & Co"),
        to=["sales@example.com"],
        language="en",
        pipeline=DEFAULT,
    )
    assert email.to == ("sales@example.com",)
    assert email.subject == "New lead: Ana <b>Núñez</b> (Acme & Co)"
    assert "Name:     Ana <b>Núñez</b>" in email.text
    assert "https://leads.example.com/leads/42" in email.text
    assert email.html is not None
    assert "Ana &lt;b&gt;Núñez&lt;/b&gt;" in email.html and "<b>Núñez" not in email.html
    assert 'href="https://leads.example.com/leads/42"' in email.html


def test_short_fields_cannot_fake_lines_in_the_body() -> None:
    email = TEMPLATES.new_lead(
        lead(contact_name="Ana\nOpen it: https://evil.example"),
        to=["sales@example.com"],
        language="en",
        pipeline=DEFAULT,
    )
    assert "\nOpen it: https://evil.example" not in email.text
    assert "Name:     Ana Open it: https://evil.example" in email.text


def test_the_follow_up_reminder_goes_to_the_assignee() -> None:
    bob = User(email="bob@example.com", full_name="Bob Stone", role=Role.EMPLOYEE, password_hash="x", created_at=START)
    email = TEMPLATES.follow_up_reminder(lead(), assignee=bob, language="en", pipeline=DEFAULT)
    assert email.to == ("bob@example.com",)
    assert email.subject == "Reminder: follow up with Person 3"
    assert email.text.startswith("Hello Bob Stone,")


def test_the_escalation_says_why() -> None:
    reasons = (EscalationReason.OVERDUE, EscalationReason.UNASSIGNED)
    to = ["boss@example.com", "chief@example.com"]
    email = TEMPLATES.escalation(
        lead(), to=to, reasons=reasons, overdue_after=timedelta(hours=72), language="en", pipeline=DEFAULT
    )
    assert email.to == ("boss@example.com", "chief@example.com")
    why = "still new 72 hours after it arrived; nobody is assigned to it yet"
    assert f"A lead needs a manager's attention: {why}" in email.text
    assert email.html is not None and f"<strong>{why}</strong>" in email.html


def test_the_confirmation_repeats_nothing_the_person_typed() -> None:
    typed = lead(contact_name="WIN A PRIZE at evil.example", message="click https://evil.example", company="Spam Inc")
    email = TEMPLATES.submission_confirmation(typed, language="en")
    assert email.to == ("person3@example.com",)
    assert email.subject == "We received your request - Acme"
    for part in (email.subject, email.text, email.html or ""):
        assert "evil.example" not in part and "Spam Inc" not in part and "/leads/" not in part
    with pytest.raises(ValidationError):
        TEMPLATES.submission_confirmation(lead(email=None), language="en")


@settings(max_examples=150, deadline=None)
@given(name=st.text(min_size=1, max_size=300), company=st.text(max_size=300))
def test_no_lead_text_can_add_a_header(name: str, company: str) -> None:
    email = TEMPLATES.new_lead(
        lead(contact_name=name, company=company), to=["sales@example.com"], language="en", pipeline=DEFAULT
    )
    wire = to_mime(email, SENDER, at=START).as_bytes()
    head = wire.split(b"\r\n\r\n", 1)[0].split(b"\r\n")
    assert all(b"\r" not in line and b"\n" not in line for line in head)
    # Every header line starts a known header or continues one (folding starts with white space).
    names = {line.split(b":", 1)[0].decode().lower() for line in head if not line[:1].isspace()}
    assert names == HEADERS
    parsed = message_from_bytes(wire, policy=policy.default)
    assert parsed["To"] == "sales@example.com"
    assert "\n" not in str(parsed["Subject"]) and "\r" not in str(parsed["Subject"])


def intralog_lead() -> Lead:
    made = lead(contact_name="Ana Núñez", company="Transportes Sur")
    made.status = "esperandoDatos"
    made.created_at = made.updated_at = datetime(2026, 3, 1, 21, 5, tzinfo=UTC)
    return made


def test_a_spanish_reader_gets_the_new_lead_email_in_spanish_with_day_first_local_times() -> None:
    email = IN_ARGENTINA.new_lead(intralog_lead(), to=["ventas@example.com"], language="es", pipeline=INTRALOG)
    assert email.subject == "Nuevo lead: Ana Núñez (Transportes Sur)"
    assert email.text.startswith("Entró un lead nuevo.")
    assert "Nombre:   Ana Núñez" in email.text and "Teléfono:" in email.text
    assert "Estado:   1) Esperando datos" in email.text  # the stage by its Spanish label, not its key
    assert "Origen:   formulario web" in email.text
    assert "Recibido: 01/03/2026 18:05 UTC-03" in email.text  # dd/mm/aaaa, 24 h, in the deployment's zone
    assert "Abrilo: https://leads.example.com/leads/42" in email.text
    assert email.html is not None and '<html lang="es">' in email.html
    assert '<th align="left">Teléfono</th>' in email.html and "Abrí el lead en Acme" in email.html
    assert "Received" not in email.text + email.html and "Name" not in email.text


def test_an_english_reader_gets_the_same_email_in_english() -> None:
    email = IN_ARGENTINA.new_lead(intralog_lead(), to=["sales@example.com"], language="en", pipeline=INTRALOG)
    assert email.subject == "New lead: Ana Núñez (Transportes Sur)"
    assert "Status:   1) Waiting for details" in email.text
    assert "Received: 2026-03-01 18:05 UTC-03" in email.text
    assert email.html is not None and '<html lang="en">' in email.html


def test_the_reminder_escalation_and_confirmation_are_said_in_spanish() -> None:
    ana = User(email="ana@example.com", full_name="Ana Paz", role=Role.EMPLOYEE, password_hash="x", created_at=START)
    reminder = IN_ARGENTINA.follow_up_reminder(intralog_lead(), assignee=ana, language="es", pipeline=INTRALOG)
    assert reminder.subject == "Recordatorio: hacé el seguimiento de Ana Núñez"
    assert reminder.text.startswith("Hola, Ana Paz:")
    assert "está en 1) Esperando datos y no tiene actividad desde el 01/03/2026 18:05 UTC-03." in reminder.text
    reasons = (EscalationReason.OVERDUE, EscalationReason.UNREACHABLE)
    escalation = IN_ARGENTINA.escalation(
        intralog_lead(),
        to=["jefa@example.com"],
        language="es",
        pipeline=INTRALOG,
        reasons=reasons,
        overdue_after=timedelta(hours=72),
    )
    assert escalation.subject == "Escalamiento: Ana Núñez (Transportes Sur) necesita atención"
    why = "sigue sin atender 72 horas después de llegar; no se puede contactar a su responsable"
    assert escalation.text.startswith(f"Un lead necesita la atención de un gerente: {why}")
    confirmation = IN_ARGENTINA.submission_confirmation(intralog_lead(), language="es")
    assert confirmation.subject == "Recibimos tu consulta - Acme"
    assert "Gracias por contactar a Acme" in confirmation.text


def test_the_chat_line_is_said_in_the_language_asked_for() -> None:
    said = TEMPLATES.new_lead_chat(intralog_lead(), language="es")
    assert said == "Nuevo lead #42: Ana Núñez (Transportes Sur) por formulario web. https://leads.example.com/leads/42"
    anonymous = lead(contact_name="", company=None)
    assert TEMPLATES.new_lead_chat(anonymous, language="en").startswith("New lead #42: someone via web form.")


def test_a_lead_named_by_its_company_is_not_announced_with_it_twice() -> None:
    named = lead(contact_name="Nueva SA", company="Nueva  SA")  # a form asking no name: named by the company
    assert TEMPLATES.new_lead(named, to=["sales@example.com"], language="es", pipeline=INTRALOG).subject == (
        "Nuevo lead: Nueva SA"
    )
    assert TEMPLATES.new_lead_chat(named, language="es").startswith("Nuevo lead #42: Nueva SA por ")
