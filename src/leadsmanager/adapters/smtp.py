"""Email through any SMTP server (the team's own, or a provider's relay), with the standard library."""

from __future__ import annotations

import enum
import smtplib
import ssl

from attrs import field, frozen

from leadsmanager.adapters.mime import Sender, to_mime
from leadsmanager.adapters.system import SystemClock
from leadsmanager.application.notification_types import (
    DeliveryError,
    EmailMessage,
    PermanentDeliveryError,
    RetryableDeliveryError,
)
from leadsmanager.application.ports import Clock, EmailSender
from leadsmanager.domain.errors import ValidationError

SERVICE = "SMTP"
LOOPBACK_HOSTS = frozenset({"localhost", "127.0.0.1", "::1"})


class SmtpSecurity(enum.StrEnum):
    STARTTLS = "starttls"  # upgrade a plain connection, usually port 587
    TLS = "tls"  # TLS from the first byte, usually port 465
    NONE = "none"  # a relay on this machine or a trusted network only


@frozen
class SmtpConfig:
    host: str
    sender: Sender
    port: int = 587
    security: SmtpSecurity = SmtpSecurity.STARTTLS
    username: str | None = None
    password: str | None = field(default=None, repr=False)
    timeout: float = 10.0
    # The name given in EHLO; None asks the OS for this machine's name, which can be slow.
    local_hostname: str | None = None

    def __attrs_post_init__(self) -> None:
        if self.username and self.security is SmtpSecurity.NONE and self.host not in LOOPBACK_HOSTS:
            raise ValidationError(
                "an SMTP login without TLS would send the password in clear; use starttls or tls",
                {"smtp_security": "needs starttls or tls to log in"},
            )


class SmtpEmailSender(EmailSender):
    def __init__(
        self, config: SmtpConfig, *, clock: Clock | None = None, tls_context: ssl.SSLContext | None = None
    ) -> None:
        self._config = config
        self._clock = clock or SystemClock()
        self._tls = tls_context or ssl.create_default_context()

    def __repr__(self) -> str:
        c = self._config
        return f"SmtpEmailSender(host={c.host!r}, port={c.port}, security={c.security.value!r})"

    def send(self, message: EmailMessage) -> None:
        mime = to_mime(message, self._config.sender, at=self._clock.now())
        try:
            with self._connect() as smtp:
                if self._config.username:
                    smtp.login(self._config.username, self._config.password or "")
                refused = smtp.send_message(mime, from_addr=self._config.sender.address, to_addrs=list(message.to))
        except (smtplib.SMTPException, OSError) as e:
            raise delivery_error(e) from e
        if refused:
            # Some copies went out: another try would send those twice, so this is final.
            raise PermanentDeliveryError(
                f"the mail server refused {len(refused)} of {len(message.to)} recipients; the others were sent",
                service=SERVICE,
            )

    def _connect(self) -> smtplib.SMTP:
        c = self._config
        if c.security is SmtpSecurity.TLS:
            return smtplib.SMTP_SSL(
                c.host, c.port, local_hostname=c.local_hostname, timeout=c.timeout, context=self._tls
            )
        smtp = smtplib.SMTP(c.host, c.port, local_hostname=c.local_hostname, timeout=c.timeout)
        try:
            if c.security is SmtpSecurity.STARTTLS:
                smtp.starttls(context=self._tls)
        except BaseException:
            smtp.close()
            raise
        return smtp


def delivery_error(error: Exception) -> DeliveryError:
    """Our error for smtplib's: 4xx replies and lost connections may pass, 5xx replies will not.

    Only reply codes are quoted; the server's text can echo addresses or login names.
    """
    if isinstance(error, smtplib.SMTPAuthenticationError):
        return PermanentDeliveryError(f"the mail server rejected the login (SMTP {error.smtp_code})", service=SERVICE)
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        codes = sorted({code for code, _ in error.recipients.values()})
        return _by_code(min(codes, default=550), f"the mail server refused every recipient (SMTP {codes})")
    if isinstance(error, smtplib.SMTPResponseException):
        return _by_code(error.smtp_code, f"the mail server refused the message (SMTP {error.smtp_code})")
    if isinstance(error, ssl.SSLCertVerificationError):
        return PermanentDeliveryError("the mail server's TLS certificate is not trusted", service=SERVICE)
    if isinstance(error, smtplib.SMTPServerDisconnected) or not isinstance(error, smtplib.SMTPException):
        # Refused or lost connections, timeouts, TLS handshakes: the server may be back in a moment.
        return RetryableDeliveryError(f"the mail server did not answer ({type(error).__name__})", service=SERVICE)
    # The rest are smtplib's own words about a missing extension or auth method: configuration.
    return PermanentDeliveryError(f"the mail server cannot do what is configured ({error})", service=SERVICE)


def _by_code(code: int, message: str) -> DeliveryError:
    if 400 <= code < 500:
        return RetryableDeliveryError(message, service=SERVICE)
    return PermanentDeliveryError(message, service=SERVICE)
