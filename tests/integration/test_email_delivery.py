"""The SMTP adapter against a real (tiny) SMTP server on loopback, and the file outbox."""

from __future__ import annotations

import socket
from collections.abc import Iterator
from email import message_from_bytes, policy
from email.message import EmailMessage as MimeMessage
from pathlib import Path

import pytest
from attrs import evolve

from leadsmanager.adapters.mime import Sender
from leadsmanager.adapters.outbox import Outbox
from leadsmanager.adapters.smtp import SmtpConfig, SmtpEmailSender, SmtpSecurity
from leadsmanager.application.notification_types import EmailMessage, PermanentDeliveryError, RetryableDeliveryError
from leadsmanager.domain.errors import NotFound, ValidationError
from tests.integration.fake_smtp import FakeSmtpServer, running
from tests.support import FakeClock

PASSWORD = "correct horse s3cret"
SENDER = Sender("leads@example.com", "Acme Leads")


@pytest.fixture
def smtp_server() -> Iterator[FakeSmtpServer]:
    with running() as fake:
        yield fake


def smtp(port: int, *, username: str | None = None, security: SmtpSecurity = SmtpSecurity.NONE) -> SmtpEmailSender:
    config = SmtpConfig(
        "127.0.0.1", SENDER, port=port, security=security, username=username, password=PASSWORD, timeout=2.0,
        local_hostname="client.test",
    )  # fmt: skip
    return SmtpEmailSender(config, clock=FakeClock())


def message(*to: str) -> EmailMessage:
    return EmailMessage(
        to=to or ["sales@example.com"], subject="New lead: Ana Núñez", text="Call her", html="<p>Call her</p>"
    )


def parsed(data: bytes) -> MimeMessage:
    mail = message_from_bytes(data, policy=policy.default)
    assert isinstance(mail, MimeMessage)
    return mail


def body(mail: MimeMessage, subtype: str) -> str:
    part = mail.get_body(preferencelist=(subtype,))
    assert part is not None
    return str(part.get_content()).rstrip()  # the wire has CRLF line ends


def test_smtp_delivers_a_standard_message(smtp_server: FakeSmtpServer) -> None:
    smtp_server.credentials = ("leads-bot", PASSWORD)
    smtp(smtp_server.port, username="leads-bot").send(message("sales@example.com", "boss@example.com"))
    [mail] = smtp_server.mails
    assert smtp_server.logins == ["leads-bot"]
    assert mail.mail_from == "leads@example.com"
    assert mail.rcpt_to == ("sales@example.com", "boss@example.com")
    received = parsed(mail.data)
    assert received["From"] == "Acme Leads <leads@example.com>"
    assert received["To"] == "sales@example.com, boss@example.com"
    assert received["Subject"] == "New lead: Ana Núñez"
    assert received["Date"] == "Sun, 01 Mar 2026 09:00:01 +0000"
    assert body(received, "plain") == "Call her"
    assert body(received, "html") == "<p>Call her</p>"


def test_an_email_sent_twice_for_one_notice_has_one_message_id_and_others_their_own(
    smtp_server: FakeSmtpServer,
) -> None:
    sender = smtp(smtp_server.port)
    keyed = evolve(message(), key="lead-7.new_lead")
    for email in (keyed, keyed, message(), message()):
        sender.send(email)
    ids = [parsed(mail.data)["Message-ID"] for mail in smtp_server.mails]
    assert ids[:2] == ["<leadsmanager.lead-7.new_lead@example.com>"] * 2
    assert len(set(ids)) == 3
    with pytest.raises(ValidationError):
        evolve(message(), key="lead-7>\r\nBcc: x@evil.example")


def test_smtp_without_a_username_does_not_log_in(smtp_server: FakeSmtpServer) -> None:
    smtp(smtp_server.port).send(message())
    assert smtp_server.logins == []
    assert len(smtp_server.mails) == 1


def test_a_rejected_login_is_permanent_and_does_not_show_the_password(smtp_server: FakeSmtpServer) -> None:
    smtp_server.credentials = ("leads-bot", "another password")
    with pytest.raises(PermanentDeliveryError, match="rejected the login") as caught:
        smtp(smtp_server.port, username="leads-bot").send(message())
    assert PASSWORD not in f"{caught.value} {caught.value!r}"
    assert smtp_server.mails == []


@pytest.mark.parametrize(
    ("reply", "error"),
    [("550 5.1.1 no such user", PermanentDeliveryError), ("451 4.3.0 try later", RetryableDeliveryError)],
)
def test_a_refused_recipient_is_final_for_5xx_and_retryable_for_4xx(
    smtp_server: FakeSmtpServer, reply: str, error: type[Exception]
) -> None:
    smtp_server.refused["sales@example.com"] = reply
    with pytest.raises(error, match="refused every recipient"):
        smtp(smtp_server.port).send(message())


def test_some_recipients_refused_is_final_because_the_others_got_it(smtp_server: FakeSmtpServer) -> None:
    smtp_server.refused["gone@example.com"] = "550 5.1.1 no such user"
    with pytest.raises(PermanentDeliveryError, match="refused 1 of 2 recipients"):
        smtp(smtp_server.port).send(message("sales@example.com", "gone@example.com"))
    assert [m.rcpt_to for m in smtp_server.mails] == [("sales@example.com",)]


def test_a_deferred_message_is_retryable(smtp_server: FakeSmtpServer) -> None:
    smtp_server.data_reply = "452 4.3.1 insufficient system storage"
    with pytest.raises(RetryableDeliveryError, match="SMTP 452"):
        smtp(smtp_server.port).send(message())


def test_starttls_required_but_not_offered_is_a_configuration_error(smtp_server: FakeSmtpServer) -> None:
    with pytest.raises(PermanentDeliveryError, match="cannot do what is configured"):
        smtp(smtp_server.port, security=SmtpSecurity.STARTTLS).send(message())
    assert smtp_server.mails == []


def test_no_smtp_server_is_retryable() -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = int(probe.getsockname()[1])
    with pytest.raises(RetryableDeliveryError, match="did not answer"):
        smtp(port).send(message())


def test_a_login_in_clear_text_to_a_remote_server_is_refused_up_front() -> None:
    with pytest.raises(ValidationError, match="password in clear"):
        SmtpConfig("smtp.example.com", SENDER, security=SmtpSecurity.NONE, username="bot", password=PASSWORD)
    config = SmtpConfig("smtp.example.com", SENDER, username="bot", password=PASSWORD)
    assert PASSWORD not in f"{config!r} {SmtpEmailSender(config)!r}"


def test_the_outbox_keeps_every_message_as_a_file_newest_first(tmp_path: Path) -> None:
    outbox = Outbox(tmp_path / "outbox", clock=FakeClock(), sender=SENDER)
    outbox.send(message("sales@example.com"))
    outbox.post("New lead: Ana\nCall her today")
    chat, email = outbox.entries()
    assert (chat.kind, chat.summary) == ("chat", "New lead: Ana")
    assert (email.kind, email.summary) == ("email", "New lead: Ana Núñez")
    assert chat.written_at > email.written_at
    assert email.name.endswith(".eml") and chat.name.endswith(".json")
    assert sorted(p.name for p in (tmp_path / "outbox").iterdir()) == sorted([chat.name, email.name])  # no temp files
    assert outbox.read(chat.name) == "New lead: Ana\nCall her today"
    assert "Subject: New lead: Ana Núñez" in outbox.read(email.name)
    assert parsed((tmp_path / "outbox" / email.name).read_bytes())["To"] == "sales@example.com"
    assert [e.name for e in outbox.entries(limit=1)] == [chat.name]


def test_the_outbox_is_private_and_reads_only_its_own_files(tmp_path: Path) -> None:
    outbox = Outbox(tmp_path / "outbox", clock=FakeClock())
    assert outbox.entries() == []
    outbox.post("hello")
    [entry] = outbox.entries()
    assert (tmp_path / "outbox").stat().st_mode & 0o777 == 0o700
    assert (tmp_path / "outbox" / entry.name).stat().st_mode & 0o777 == 0o600
    (tmp_path / "secret.txt").write_text("not yours")
    for name in ("../secret.txt", "secret.txt", entry.name.replace(".json", ".eml")):
        with pytest.raises(NotFound):
            outbox.read(name)


def test_an_outbox_that_cannot_be_written_says_so(tmp_path: Path) -> None:
    (tmp_path / "outbox").write_text("a file where the directory should be")
    with pytest.raises(PermanentDeliveryError, match="outbox could not be written"):
        Outbox(tmp_path / "outbox", clock=FakeClock()).post("hello")
