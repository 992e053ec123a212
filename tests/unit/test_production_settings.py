"""The operations settings, and what production refuses to serve with."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from attrs import evolve

from leadsmanager.domain.errors import ValidationError
from leadsmanager.entrypoints.bootstrap.checks import insecure_settings
from leadsmanager.entrypoints.bootstrap.settings import Settings

ROOT = Path(__file__).resolve().parents[2]
SECURE = {
    "LEADSMANAGER_ENV": "production",
    "LEADSMANAGER_SECRET_KEY": "x7Gq2vR9LmP4sT8wK1zN5bY3cH6jD0fA",
    "LEADSMANAGER_ALLOWED_HOSTS": "leads.example.com",
    "LEADSMANAGER_SECURE_COOKIES": "true",
}


def settings(**environ: str) -> Settings:
    return Settings.from_env({**SECURE, **environ}, env_file=None)


def test_operations_settings_are_read_with_safe_defaults() -> None:
    default = Settings.from_env({}, env_file=None)
    assert (default.environment, default.debug, default.log_format, default.metrics_token) == (
        "development",
        False,
        "auto",
        "",
    )
    chosen = settings(LEADSMANAGER_DEBUG="yes", LEADSMANAGER_LOG_FORMAT="JSON", LEADSMANAGER_METRICS_TOKEN="t0k")
    assert (chosen.is_production, chosen.debug, chosen.log_format, chosen.metrics_token) == (True, True, "json", "t0k")


@pytest.mark.parametrize(("name", "value"), [("ENV", "prod"), ("LOG_FORMAT", "xml")])
def test_an_unknown_choice_names_the_variable(name: str, value: str) -> None:
    with pytest.raises(ValidationError, match=f"LEADSMANAGER_{name} must be one of .*not '{value}'"):
        settings(**{f"LEADSMANAGER_{name}": value})


def test_a_secure_production_configuration_has_no_problem() -> None:
    assert insecure_settings(settings()) == []


@pytest.mark.parametrize(
    ("change", "problem"),
    [
        ({"LEADSMANAGER_DEBUG": "true"}, "LEADSMANAGER_DEBUG is on"),
        ({"LEADSMANAGER_SECRET_KEY": ""}, "LEADSMANAGER_SECRET_KEY is not set"),
        ({"LEADSMANAGER_SECRET_KEY": "31 characters are not enough!!"}, "LEADSMANAGER_SECRET_KEY is weak"),
        ({"LEADSMANAGER_ALLOWED_HOSTS": "*"}, "LEADSMANAGER_ALLOWED_HOSTS must name"),
        ({"LEADSMANAGER_ALLOWED_HOSTS": ""}, "LEADSMANAGER_ALLOWED_HOSTS must name"),
        ({"LEADSMANAGER_ALLOWED_HOSTS": "leads.example.com,*"}, "LEADSMANAGER_ALLOWED_HOSTS must name"),
        ({"LEADSMANAGER_ALLOWED_HOSTS": "localhost,127.0.0.1"}, "LEADSMANAGER_ALLOWED_HOSTS must name"),
        ({"LEADSMANAGER_SECURE_COOKIES": "false"}, "LEADSMANAGER_SECURE_COOKIES is off"),
    ],
)
def test_each_insecure_setting_is_one_problem(change: dict[str, str], problem: str) -> None:
    [found] = insecure_settings(settings(**change))
    assert found.startswith(problem)


def test_the_placeholder_secret_of_docker_compose_counts_as_weak() -> None:
    app = yaml.safe_load((ROOT / "docker-compose.yml").read_text())["x-app"]
    placeholder = app["environment"]["LEADSMANAGER_SECRET_KEY"].split(":-", 1)[1].rstrip("}")
    assert len(placeholder) >= 32
    [problem] = insecure_settings(evolve(settings(), secret_key=placeholder))
    assert problem.startswith("LEADSMANAGER_SECRET_KEY is weak")


def test_request_head_limits_default_to_32_kib_and_10_seconds_and_can_be_set() -> None:
    default = Settings.from_env({}, env_file=None)
    assert (default.max_header_bytes, default.header_timeout_seconds) == (32 * 1024, 10.0)
    chosen = settings(LEADSMANAGER_MAX_HEADER_BYTES="16384", LEADSMANAGER_HEADER_TIMEOUT_SECONDS="2.5")
    assert (chosen.max_header_bytes, chosen.header_timeout_seconds) == (16384, 2.5)


@pytest.mark.parametrize("value", ["0", "0.0", "-1", "ten", "1e3", "²", "1.2.3", ".5", "3601", "9" * 5000])
def test_a_header_timeout_is_seconds_above_0_up_to_an_hour(value: str) -> None:
    with pytest.raises(ValidationError, match="TIMEOUT_SECONDS must be a number of seconds above 0 and up to 3600"):
        settings(LEADSMANAGER_HEADER_TIMEOUT_SECONDS=value)
