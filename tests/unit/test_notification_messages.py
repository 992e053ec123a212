"""Notification emails: rendered from templates, and nothing a lead types can reach a header."""

from __future__ import annotations

from email import message_from_bytes, policy

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from leadsmanager.adapters.email_templates import EmailTemplates
from leadsmanager.adapters.mime import Sender, to_mime
from leadsmanager.application.notification_types import MAX_SUBJECT_LENGTH, EmailMessage
from leadsmanager.domain.errors import ValidationError
from leadsmanager.domain.lead import Lead
from leadsmanager.domain.roles import Role
from leadsmanager.domain.user import User
from tests.support import START, new_lead

TEMPLATES = EmailTemplates(base_url="https://leads.example.com/", team_name="Acme")
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
    email = TEMPLATES.new_lead(lead(contact_name="Ana <b>Núñez</b>", company="Acme & Co"), to=["sales@example.com"])
    assert email.to == ("sales@example.com",)
    assert email.subject == "New lead: Ana <b>Núñez</b> (Acme & Co)"
    assert "Name:     Ana <b>Núñez</b>" in email.text
    assert "https://leads.example.com/leads/42" in email.text
    assert email.html is not None
    assert "Ana &lt;b&gt;Núñez&lt;/b&gt;" in email.html and "<b>Núñez" not in email.html
    assert 'href="https://leads.example.com/leads/42"' in email.html


def test_short_fields_cannot_fake_lines_in_the_body() -> None:
    email = TEMPLATES.new_lead(lead(contact_name="Ana\nOpen it: https://evil.example"), to=["sales@example.com"])
    assert "\nOpen it: https://evil.example" not in email.text
    assert "Name:     Ana Open it: https://evil.example" in email.text


def test_the_follow_up_reminder_goes_to_the_assignee() -> None:
    bob = User(email="bob@example.com", full_name="Bob Stone", role=Role.EMPLOYEE, password_hash="x", created_at=START)
    email = TEMPLATES.follow_up_reminder(lead(), assignee=bob)
    assert email.to == ("bob@example.com",)
    assert email.subject == "Reminder: follow up with Person 3"
    assert email.text.startswith("Hello Bob Stone,")


def test_the_escalation_says_why() -> None:
    email = TEMPLATES.escalation(lead(), to=["boss@example.com", "chief@example.com"], reason="no reply in 3 days")
    assert email.to == ("boss@example.com", "chief@example.com")
    assert "no reply in 3 days" in email.text
    assert email.html is not None and "<strong>no reply in 3 days</strong>" in email.html


def test_the_confirmation_repeats_nothing_the_person_typed() -> None:
    typed = lead(contact_name="WIN A PRIZE at evil.example", message="click https://evil.example", company="Spam Inc")
    email = TEMPLATES.submission_confirmation(typed)
    assert email.to == ("person3@example.com",)
    assert email.subject == "We received your request - Acme"
    for part in (email.subject, email.text, email.html or ""):
        assert "evil.example" not in part and "Spam Inc" not in part and "/leads/" not in part
    with pytest.raises(ValidationError):
        TEMPLATES.submission_confirmation(lead(email=None))


@settings(max_examples=150, deadline=None)
@given(name=st.text(min_size=1, max_size=300), company=st.text(max_size=300))
def test_no_lead_text_can_add_a_header(name: str, company: str) -> None:
    email = TEMPLATES.new_lead(lead(contact_name=name, company=company), to=["sales@example.com"])
    wire = to_mime(email, SENDER, at=START).as_bytes()
    head = wire.split(b"\r\n\r\n", 1)[0].split(b"\r\n")
    assert all(b"\r" not in line and b"\n" not in line for line in head)
    # Every header line starts a known header or continues one (folding starts with white space).
    names = {line.split(b":", 1)[0].decode().lower() for line in head if not line[:1].isspace()}
    assert names == HEADERS
    parsed = message_from_bytes(wire, policy=policy.default)
    assert parsed["To"] == "sales@example.com"
    assert "\n" not in str(parsed["Subject"]) and "\r" not in str(parsed["Subject"])
