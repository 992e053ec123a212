"""Which notification adapters the environment picks, and the small rules the HTTP adapters share."""

from __future__ import annotations

from email.utils import format_datetime
from pathlib import Path

import pytest

from leadsmanager.adapters.http_retry import retry_after_seconds
from leadsmanager.adapters.notifier_settings import notifiers_from_env
from leadsmanager.adapters.outbox import Outbox
from leadsmanager.adapters.perfit import PerfitEmailSender
from leadsmanager.adapters.slack import MAX_TEXT_LENGTH, SlackWebhookNotifier, slack_text
from leadsmanager.adapters.smtp import SmtpEmailSender, SmtpSecurity
from leadsmanager.domain.errors import ValidationError
from tests.support import START

FROM = {"LEADSMANAGER_MAIL_FROM": "leads@example.com"}
SMTP = {**FROM, "LEADSMANAGER_SMTP_HOST": "smtp.example.com"}
PERFIT = {"LEADSMANAGER_PERFIT_TRANSACTIONAL": "true", "LEADSMANAGER_PERFIT_API_KEY": "acme-secret"}
WEBHOOK = "https://hooks.slack.com/services/T000/B000/s3cr3t"


def test_nothing_configured_keeps_everything_in_the_outbox(tmp_path: Path) -> None:
    chosen = notifiers_from_env({}, data_dir=tmp_path)
    assert (chosen.email_via, chosen.chat_via) == ("outbox", "outbox")
    assert isinstance(chosen.email, Outbox) and chosen.chat is chosen.email
    assert chosen.email.directory == tmp_path / "outbox"


def test_a_perfit_key_alone_no_longer_routes_email_to_perfit(tmp_path: Path) -> None:
    key = {"LEADSMANAGER_PERFIT_API_KEY": "acme-secret"}
    assert notifiers_from_env({**SMTP, **key}, data_dir=tmp_path).email_via == "smtp"
    assert notifiers_from_env({**FROM, **key}, data_dir=tmp_path).email_via == "outbox"


def test_perfits_discontinued_api_only_when_explicitly_chosen(tmp_path: Path) -> None:
    env = {**SMTP, **PERFIT, "LEADSMANAGER_PERFIT_URL": "https://perfit.test/v1"}
    chosen = notifiers_from_env(env, data_dir=tmp_path)
    assert chosen.email_via == "perfit" and isinstance(chosen.email, PerfitEmailSender)
    assert "perfit.test" in repr(chosen.email) and "acme-secret" not in repr(chosen.email)


def test_smtp_is_used_when_perfit_is_not_set(tmp_path: Path) -> None:
    chosen = notifiers_from_env(
        {**SMTP, "LEADSMANAGER_SMTP_USERNAME": "bot", "LEADSMANAGER_SMTP_PASSWORD": " pass "}, data_dir=tmp_path
    )
    assert chosen.email_via == "smtp" and isinstance(chosen.email, SmtpEmailSender)
    config = chosen.email._config
    assert (config.host, config.port, config.security) == ("smtp.example.com", 587, SmtpSecurity.STARTTLS)
    assert (config.username, config.password) == ("bot", " pass ")


@pytest.mark.parametrize(("security", "port"), [("tls", 465), ("NONE", 25), ("starttls", 587)])
def test_the_smtp_port_follows_the_security(tmp_path: Path, security: str, port: int) -> None:
    chosen = notifiers_from_env({**SMTP, "LEADSMANAGER_SMTP_SECURITY": security}, data_dir=tmp_path)
    assert isinstance(chosen.email, SmtpEmailSender)
    assert chosen.email._config.port == port


@pytest.mark.parametrize(
    ("env", "variable"),
    [
        (PERFIT, "MAIL_FROM"),
        ({**FROM, "LEADSMANAGER_PERFIT_TRANSACTIONAL": "true"}, "PERFIT_API_KEY"),
        ({**PERFIT, "LEADSMANAGER_PERFIT_TRANSACTIONAL": "yes"}, "PERFIT_TRANSACTIONAL"),
        ({"LEADSMANAGER_SMTP_HOST": "smtp.example.com"}, "MAIL_FROM"),
        ({**SMTP, "LEADSMANAGER_MAIL_FROM": "not an address"}, "MAIL_FROM"),
        ({**SMTP, "LEADSMANAGER_SMTP_PORT": "smtp"}, "SMTP_PORT"),
        ({**SMTP, "LEADSMANAGER_SMTP_SECURITY": "ssl3"}, "SMTP_SECURITY"),
        ({"LEADSMANAGER_SLACK_WEBHOOK_URL": "http://hooks.slack.com/services/x"}, "SLACK_WEBHOOK_URL"),
        ({"LEADSMANAGER_SLACK_WEBHOOK_URL": "hooks.slack.com/services/x"}, "SLACK_WEBHOOK_URL"),
    ],
)
def test_a_broken_setting_names_its_variable(tmp_path: Path, env: dict[str, str], variable: str) -> None:
    with pytest.raises(ValidationError, match=f"LEADSMANAGER_{variable}") as caught:
        notifiers_from_env(env, data_dir=tmp_path)
    assert "services/x" not in str(caught.value)


def test_slack_is_used_for_chat_when_its_webhook_is_set(tmp_path: Path) -> None:
    chosen = notifiers_from_env({"LEADSMANAGER_SLACK_WEBHOOK_URL": WEBHOOK}, data_dir=tmp_path)
    assert (chosen.email_via, chosen.chat_via) == ("outbox", "slack")
    assert isinstance(chosen.chat, SlackWebhookNotifier)
    assert "s3cr3t" not in repr(chosen) + repr(chosen.chat)


def test_slack_text_is_escaped_and_capped() -> None:
    assert slack_text("<@U123> & <!here>") == "&lt;@U123&gt; &amp; &lt;!here&gt;"
    capped = slack_text("&" * (MAX_TEXT_LENGTH + 10))
    assert capped.endswith("&amp;…") and capped.count("&amp;") == MAX_TEXT_LENGTH - 1


@pytest.mark.parametrize(
    ("header", "seconds"),
    [(None, None), ("", None), ("7", 7.0), (" 30 ", 30.0), ("soon", None), ("-5", None), ("²", None)],
)
def test_retry_after_reads_seconds(header: str | None, seconds: float | None) -> None:
    assert retry_after_seconds(header) == seconds


def test_retry_after_reads_an_http_date() -> None:
    now = START.timestamp()
    assert retry_after_seconds(format_datetime(START.replace(minute=2), usegmt=True), now=now) == 120.0
    assert retry_after_seconds(format_datetime(START, usegmt=True), now=now + 60) == 0.0
