"""The embedded default: every email and chat message becomes a file an admin can read.

Emails are standard `.eml` files (any mail client opens them), chat messages `.json`. Each is
written to a hidden temporary file and renamed into place, so a reader never sees half a message.
Names start with the UTC time written, so sorting names sorts by age.
"""

from __future__ import annotations

import errno
import json
import os
import re
import secrets
import tempfile
from datetime import UTC, datetime
from email import policy
from email.parser import BytesParser
from pathlib import Path

from attrs import frozen

from leadsmanager.adapters.mime import Sender, to_mime
from leadsmanager.adapters.system import SystemClock
from leadsmanager.application.notification_types import (
    DeliveryError,
    EmailMessage,
    PermanentDeliveryError,
    RetryableDeliveryError,
)
from leadsmanager.application.ports import ChatNotifier, Clock, EmailSender
from leadsmanager.domain.errors import NotFound

SERVICE = "outbox"
DEFAULT_SENDER = Sender("leadsmanager@localhost.localdomain")
_STAMP = "%Y%m%dT%H%M%S%fZ"
_NAME = re.compile(r"(?P<stamp>\d{8}T\d{12}Z)-(?P<kind>email|chat)-[0-9a-f]{8}\.(?:eml|json)")


@frozen
class OutboxEntry:
    name: str
    kind: str  # "email" or "chat"
    written_at: datetime
    summary: str  # an email's subject, a chat message's first line


class Outbox(EmailSender, ChatNotifier):
    def __init__(self, directory: Path, *, clock: Clock | None = None, sender: Sender = DEFAULT_SENDER) -> None:
        self.directory = directory
        self._clock = clock or SystemClock()
        self._sender = sender

    def __repr__(self) -> str:
        return f"Outbox({str(self.directory)!r})"

    def send(self, message: EmailMessage) -> None:
        at = self._clock.now()
        self._write(_name(at, "email", "eml"), to_mime(message, self._sender, at=at).as_bytes())

    def post(self, text: str, *, key: str | None = None) -> None:
        at = self._clock.now()
        record = {"kind": "chat", "written_at": at.isoformat(), "text": text, "key": key}
        self._write(_name(at, "chat", "json"), json.dumps(record, ensure_ascii=False, indent=2).encode())

    def entries(self, limit: int = 100) -> list[OutboxEntry]:
        """The newest `limit` messages, newest first."""
        if not self.directory.is_dir():
            return []
        matches = (_NAME.fullmatch(name) for name in os.listdir(self.directory))
        newest = sorted((m for m in matches if m is not None), key=lambda m: m.string, reverse=True)
        return [self._entry(match) for match in newest[:limit]]

    def read(self, name: str) -> str:
        """A message as an admin would want to read it: an email's headers and text, a chat message's text."""
        path = self._path(name)
        if name.endswith(".json"):
            return str(json.loads(path.read_text(encoding="utf-8"))["text"])
        mail = BytesParser(policy=policy.default).parsebytes(path.read_bytes())
        body = mail.get_body(preferencelist=("plain",))
        text = body.get_content() if body is not None else ""
        return f"From: {mail['From']}\nTo: {mail['To']}\nSubject: {mail['Subject']}\nDate: {mail['Date']}\n\n{text}"

    def _entry(self, match: re.Match[str]) -> OutboxEntry:
        written_at = datetime.strptime(match["stamp"], _STAMP).replace(tzinfo=UTC)
        return OutboxEntry(match.string, match["kind"], written_at, self._summary(match.string))

    def _summary(self, name: str) -> str:
        path = self.directory / name
        if name.endswith(".json"):
            text = str(json.loads(path.read_text(encoding="utf-8"))["text"])
            return text.splitlines()[0] if text else ""
        with path.open("rb") as f:
            return str(BytesParser(policy=policy.default).parse(f, headersonly=True)["Subject"] or "")

    def _path(self, name: str) -> Path:
        # Only names this outbox makes: a name from a URL cannot reach outside the directory.
        path = self.directory / name
        if not _NAME.fullmatch(name) or not path.is_file():
            raise NotFound(f"no outbox message {name!r}")
        return path

    def _write(self, name: str, data: bytes) -> None:
        try:
            # Private: these files hold leads' contact details.
            self.directory.mkdir(mode=0o700, parents=True, exist_ok=True)
            descriptor, temporary = tempfile.mkstemp(dir=self.directory, prefix=".", suffix=".tmp")
            try:
                with os.fdopen(descriptor, "wb") as f:
                    f.write(data)
                    f.flush()
                    os.fsync(f.fileno())
                os.replace(temporary, self.directory / name)
            except BaseException:
                Path(temporary).unlink(missing_ok=True)
                raise
        except OSError as e:
            raise _write_error(e) from e


def _name(at: datetime, kind: str, extension: str) -> str:
    return f"{at.astimezone(UTC).strftime(_STAMP)}-{kind}-{secrets.token_hex(4)}.{extension}"


def _write_error(error: OSError) -> DeliveryError:
    message = f"the outbox could not be written ({type(error).__name__}: {error.strerror})"
    if error.errno in (errno.ENOSPC, errno.EDQUOT, errno.EAGAIN):
        return RetryableDeliveryError(message, service=SERVICE)
    return PermanentDeliveryError(message, service=SERVICE)
