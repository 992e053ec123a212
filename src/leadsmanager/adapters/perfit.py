"""Email through Perfit's transactional HTTP API.

From Perfit's developer docs (developers.myperfit.com, "Transactional API → Envío por HTTP"):
`POST https://transactional.myperfit.com/v1/mail/send`, header `Authorization: Bearer <API key>`
(the parameter table's form; the docs' curl example sends the bare key, so try that on a 401),
JSON body with `from.email`, `subject` (≤ 200 characters), `content.text` / `content.html` and
`recipients[].to.email`; answers 200/202 `{"success": true}`, or an `{"error": {"type": ...}}` body
with 400 (bad_request, validation_error), 401 (unauthorized), 403 (forbidden), 500, 503 (sending
limits). This is not the `api.myperfit.com/v2/<account>/...` contacts API, so no account is needed.
The docs mark this service as discontinued: no new subscriptions, and shut down for everyone on
1/3/2026 (day first: 1 March 2026). So this sender is used only when explicitly asked for
(`LEADSMANAGER_PERFIT_TRANSACTIONAL=true`); SMTP is the email channel. A 503 is Perfit's documented
"sending limit reached": retrying within the hour cannot help, so it is a permanent failure, which
lands the notice on the failed-tasks list for an admin instead of being retried until it is lost.
"""

from __future__ import annotations

from typing import Any

import httpx
from attrs import field, frozen

from leadsmanager.adapters.http_delivery import Failure, classify, error_code, post_json
from leadsmanager.adapters.http_retry import RetryPolicy
from leadsmanager.adapters.mime import Sender
from leadsmanager.application.notification_types import EmailMessage, PermanentDeliveryError
from leadsmanager.application.ports import EmailSender

PERFIT_URL = "https://transactional.myperfit.com/v1"
SERVICE = "Perfit"
SENDING_LIMIT = 503  # Perfit's documented answer when the account's sending limit is reached


@frozen
class PerfitConfig:
    api_key: str = field(repr=False)
    sender: Sender
    base_url: str = PERFIT_URL


def perfit_request(message: EmailMessage, config: PerfitConfig) -> tuple[str, dict[str, str], dict[str, Any]]:
    """URL, headers and JSON body for one email: the one place that knows Perfit's request shape."""
    content = {"text": message.text} | ({"html": message.html} if message.html is not None else {})
    body = {
        "from": {"email": config.sender.address, "name": config.sender.name},
        "subject": message.subject,
        "content": content,
        # One recipient entry per address, so nobody sees who else got the notification.
        "recipients": [{"to": {"email": address}} for address in message.to],
        # Opens and clicks of internal notifications are nobody's business, and tracking rewrites links.
        "tracking": {"open": {"enable": False}, "click": {"enable": False}},
    }
    headers = {"Authorization": f"Bearer {config.api_key}"}
    return f"{config.base_url.rstrip('/')}/mail/send", headers, body


class PerfitEmailSender(EmailSender):
    def __init__(
        self, config: PerfitConfig, *, client: httpx.Client | None = None, retry: RetryPolicy | None = None
    ) -> None:
        self._config = config
        self._client = client
        self._retry = retry or RetryPolicy()

    def __repr__(self) -> str:
        return f"PerfitEmailSender(base_url={self._config.base_url!r}, sender={self._config.sender.address!r})"

    def send(self, message: EmailMessage) -> None:
        url, headers, body = perfit_request(message, self._config)
        response = post_json(
            self._client, url, body, service=SERVICE, policy=self._retry, headers=headers, failure_of=perfit_failure
        )
        if _declined(response):
            raise PermanentDeliveryError(f"{SERVICE} answered without accepting the email", service=SERVICE)


def perfit_failure(response: httpx.Response) -> Failure:
    if response.status_code == SENDING_LIMIT:
        code = error_code(response)
        message = (
            f"{SERVICE}'s sending limit is reached (HTTP 503{': ' + code if code else ''}); the email was not sent"
        )
        return Failure(PermanentDeliveryError(message, service=SERVICE))
    return classify(response, service=SERVICE)


def _declined(response: httpx.Response) -> bool:
    """A 2xx whose body still says `"success": false`; an empty or non-JSON body counts as accepted."""
    try:
        body = response.json()
    except ValueError:
        return False
    return isinstance(body, dict) and body.get("success") is False
