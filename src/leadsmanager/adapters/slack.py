"""Posting to a Slack channel through an incoming webhook.

The webhook URL is the credential (anyone holding it can post), so it never appears in a repr
or an error message. Slack answers 200 "ok"; 400/403/404/410 with a plain-text code
(invalid_payload, action_prohibited, channel_not_found, channel_is_archived) are final;
429 and 5xx are worth another try.
"""

from __future__ import annotations

import httpx

from leadsmanager.adapters.http_delivery import post_json
from leadsmanager.adapters.http_retry import RetryPolicy
from leadsmanager.application.notification_types import checked_key
from leadsmanager.application.ports import ChatNotifier

SERVICE = "Slack"
# Slack truncates very long messages and shows little of them; keep notifications short and whole.
MAX_TEXT_LENGTH = 4000


def slack_text(text: str) -> str:
    """Plain text as Slack mrkdwn: a lead typing `<!channel>` or `<https://x|y>` gets no ping and no link."""
    if len(text) > MAX_TEXT_LENGTH:  # cut before escaping, so no entity is cut in half
        text = text[: MAX_TEXT_LENGTH - 1] + "…"
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


class SlackWebhookNotifier(ChatNotifier):
    def __init__(
        self, webhook_url: str, *, client: httpx.Client | None = None, retry: RetryPolicy | None = None
    ) -> None:
        self._webhook_url = webhook_url
        self._client = client
        self._retry = retry or RetryPolicy()

    def __repr__(self) -> str:
        return "SlackWebhookNotifier(webhook_url='***')"

    def post(self, text: str, *, key: str | None = None) -> None:
        # Slack's webhooks do not de-duplicate themselves; the key lets a relay in front of them do it.
        key = checked_key(key)
        headers = {"Idempotency-Key": key} if key else None
        payload = {"text": slack_text(text)}
        post_json(self._client, self._webhook_url, payload, service=SERVICE, policy=self._retry, headers=headers)
