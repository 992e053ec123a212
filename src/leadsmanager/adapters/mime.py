"""Turning an EmailMessage into the bytes a mail server (or an admin reading the outbox) sees."""

from __future__ import annotations

import email.policy
from datetime import datetime
from email.headerregistry import Address
from email.message import EmailMessage as MimeMessage
from email.utils import format_datetime, make_msgid

from attrs import frozen

from leadsmanager.application.notification_types import EmailMessage, checked_address, single_line


@frozen
class Sender:
    """Who the product's mail comes from: configuration, never lead data."""

    address: str
    name: str = "LeadsManager"

    def __attrs_post_init__(self) -> None:
        checked_address(self.address)

    def header(self) -> str:
        # Address() quotes the display name, so a comma or bracket in it cannot add a recipient.
        local, _, domain = self.address.rpartition("@")
        return str(Address(display_name=single_line(self.name, max_length=100), username=local, domain=domain))


def to_mime(message: EmailMessage, sender: Sender, *, at: datetime) -> MimeMessage:
    """A standard multipart message; the SMTP policy folds long headers and uses CRLF line ends."""
    mime = MimeMessage(policy=email.policy.SMTP)
    mime["From"] = sender.header()
    mime["To"] = ", ".join(message.to)
    mime["Subject"] = message.subject
    mime["Date"] = format_datetime(at)
    domain = sender.address.rpartition("@")[2]
    # Derived from the notice, so a resend after a crash is the same message to the receiving side.
    mime["Message-ID"] = f"<leadsmanager.{message.key}@{domain}>" if message.key else make_msgid(domain=domain)
    mime.set_content(message.text)
    if message.html is not None:
        mime.add_alternative(message.html, subtype="html")
    return mime
