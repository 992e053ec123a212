"""A minimal SMTP server on loopback (standard library only): enough of RFC 5321 for smtplib.

It speaks EHLO, AUTH PLAIN, MAIL, RCPT, DATA, RSET, NOOP and QUIT, records every accepted message,
and can be told to refuse recipients, reject a login or defer the message with a 4xx reply.
It offers no STARTTLS, so a client that insists on it finds out the way it would in real life.
"""

from __future__ import annotations

import base64
import socket
import socketserver
import threading
import time
from contextlib import AbstractContextManager

from attrs import define, field, frozen

from tests.integration.serving import serving


@frozen
class Mail:
    mail_from: str
    rcpt_to: tuple[str, ...]
    data: bytes


@define
class _Transaction:
    mail_from: str = ""
    rcpt_to: list[str] = field(factory=list)


class FakeSmtpServer(socketserver.ThreadingTCPServer):
    daemon_threads = True
    allow_reuse_address = True

    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), _Session)
        self.mails: list[Mail] = []
        self.logins: list[str] = []
        self.credentials: tuple[str, str] | None = None  # when set, AUTH must match them
        self.refused: dict[str, str] = {}  # recipient -> reply, e.g. "550 5.1.1 no such user"
        self.data_reply = "250 2.0.0 queued"
        self.mail_from_delay = 0.0  # seconds to stall before taking a sender, as a slow server would
        # Once this many mails were accepted, each further message waits, fully received but not yet
        # accepted, until `gate` opens; one whose client hung up meanwhile is discarded, as RFC 5321
        # has it (a message is the server's only once it said 250).
        self.hold_after: int | None = None
        self.gate = threading.Event()
        self.gate.set()
        self.held = 0

    @property
    def port(self) -> int:
        return int(self.server_address[1])


class _Session(socketserver.StreamRequestHandler):
    server: FakeSmtpServer

    def handle(self) -> None:
        self._reply("220 fake.test ESMTP ready")
        transaction = _Transaction()
        while line := self.rfile.readline():
            verb, _, argument = line.decode("ascii", "replace").rstrip("\r\n").partition(" ")
            verb = verb.upper()
            if verb == "QUIT":
                self._reply("221 2.0.0 bye")
                return
            if verb == "DATA":
                self._data(transaction)
                transaction = _Transaction()
            elif verb == "RSET":
                transaction = _Transaction()
                self._reply("250 2.0.0 reset")
            else:
                self._reply(self._command(verb, argument, transaction))

    def _command(self, verb: str, argument: str, transaction: _Transaction) -> str:
        if verb == "EHLO":
            return "250-fake.test\r\n250-8BITMIME\r\n250 AUTH PLAIN"
        if verb in ("HELO", "NOOP"):
            return "250 fake.test"
        if verb == "AUTH":
            return self._auth(argument)
        if verb == "MAIL":
            time.sleep(self.server.mail_from_delay)
            transaction.mail_from = _address(argument)
            return "250 2.1.0 sender ok"
        if verb == "RCPT":
            address = _address(argument)
            if address in self.server.refused:
                return self.server.refused[address]
            transaction.rcpt_to.append(address)
            return "250 2.1.5 recipient ok"
        return "502 5.5.2 command not implemented"

    def _auth(self, argument: str) -> str:
        mechanism, _, initial = argument.partition(" ")
        if mechanism.upper() != "PLAIN" or not initial:
            return "504 5.5.4 only AUTH PLAIN with an initial response"
        _, user, password = base64.b64decode(initial).decode().split("\0")
        self.server.logins.append(user)
        if self.server.credentials not in (None, (user, password)):
            return "535 5.7.8 authentication credentials invalid"
        return "235 2.7.0 authenticated"

    def _data(self, transaction: _Transaction) -> None:
        if not transaction.rcpt_to:
            self._reply("554 5.5.1 no valid recipients")
            return
        self._reply("354 end data with <CR><LF>.<CR><LF>")
        lines: list[bytes] = []
        while (line := self.rfile.readline()) not in (b".\r\n", b""):
            lines.append(line[1:] if line.startswith(b"..") else line)  # undo dot-stuffing
        if not self._wait_at_gate():
            return
        if self.server.data_reply.startswith("250"):
            self.server.mails.append(Mail(transaction.mail_from, tuple(transaction.rcpt_to), b"".join(lines)))
        self._reply(self.server.data_reply)

    def _wait_at_gate(self) -> bool:
        """False when the client hung up while its message waited."""
        server = self.server
        if server.hold_after is not None and len(server.mails) >= server.hold_after:
            server.gate.clear()
        if server.gate.is_set():
            return True
        server.held += 1
        server.gate.wait()
        server.held -= 1
        try:
            return bool(self.connection.recv(1, socket.MSG_PEEK | socket.MSG_DONTWAIT) != b"")
        except BlockingIOError:
            return True  # still connected, nothing more sent yet
        except OSError:
            return False

    def _reply(self, text: str) -> None:
        self.wfile.write(text.encode() + b"\r\n")
        self.wfile.flush()


def _address(argument: str) -> str:
    """`FROM:<a@b.c> SIZE=123` -> `a@b.c`."""
    return argument.partition("<")[2].partition(">")[0]


def running() -> AbstractContextManager[FakeSmtpServer]:
    return serving(FakeSmtpServer())
