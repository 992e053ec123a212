"""One log line per request: JSON that parses, with the fields an operator searches by, and no secrets."""

from __future__ import annotations

import io
import json
import logging
import re
from collections.abc import Iterator
from typing import Any

import pytest
from dependency_injector import providers
from starlette.testclient import TestClient

from leadsmanager.entrypoints.bootstrap.container import Container
from leadsmanager.entrypoints.observability.logs import JsonFormatter, TextFormatter, chosen_format, masked
from leadsmanager.entrypoints.web.app import create_app
from tests.web.conftest import PASSWORD, Staff, csrf_of, sign_in

UTC_TIME = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z")


class Lines:
    def __init__(self, stream: io.StringIO) -> None:
        self.stream = stream

    def json(self) -> list[dict[str, Any]]:
        return [json.loads(line) for line in self.stream.getvalue().splitlines()]

    def requests(self) -> list[dict[str, Any]]:
        return [line for line in self.json() if line["logger"] == "leadsmanager.request"]


@pytest.fixture
def logged() -> Iterator[Lines]:
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(JsonFormatter())
    logger = logging.getLogger("leadsmanager")
    logger.addHandler(handler)
    level = logger.level
    logger.setLevel(logging.INFO)
    yield Lines(stream)
    logger.removeHandler(handler)
    logger.setLevel(level)


def test_each_request_is_one_json_line_with_its_fields(client: TestClient, staff: Staff, logged: Lines) -> None:
    sign_in(client, "manager@example.com")
    response = client.get(f"/leads/{staff.leads['employee']}?q=anything")
    assert response.status_code == 200
    line = logged.requests()[-1]
    assert UTC_TIME.fullmatch(line["time"])
    assert (line["level"], line["method"], line["route"], line["status"]) == (
        "info",
        "GET",
        "/leads/{lead_id:id}",
        200,
    )
    assert line["user_id"] == staff.ids["manager"]
    assert isinstance(line["latency_ms"], float) and line["latency_ms"] >= 0
    assert line["request_id"] == response.headers["x-request-id"]
    assert len(line["request_id"]) == 32


def test_a_sane_incoming_request_id_is_kept_and_a_forged_one_replaced(client: TestClient, logged: Lines) -> None:
    kept = client.get("/login", headers={"X-Request-ID": "lb-7f3a2c91-0001"})
    forged = client.get("/login", headers={"X-Request-ID": 'x" level=error injected'})
    assert kept.headers["x-request-id"] == "lb-7f3a2c91-0001"
    assert forged.headers["x-request-id"] != 'x" level=error injected'
    ids = [line["request_id"] for line in logged.requests()]
    assert ids == ["lb-7f3a2c91-0001", forged.headers["x-request-id"]]


def test_no_password_query_string_cookie_or_authorization_is_logged(
    client: TestClient, staff: Staff, logged: Lines
) -> None:
    token = csrf_of(client.get("/login").text)
    client.post(
        "/login?reset_token=query-secret",
        data={"email": "admin@example.com", "password": PASSWORD, "csrf_token": token},
    )
    client.get("/api/v1/leads", headers={"Authorization": "Bearer lm_abcdefgh_key-secret"})
    text = logged.stream.getvalue()
    for secret in (PASSWORD, "query-secret", "key-secret", token, client.cookies.get("lm_session") or "no session"):
        assert secret not in text
    assert [(x["route"], x["status"]) for x in logged.requests()][-2:] == [("/login", 303), ("/api/v1/leads", 401)]


def test_an_unknown_path_is_logged_under_one_label(client: TestClient, logged: Lines) -> None:
    client.get("/wp-admin/setup-config.php?step=1")
    assert logged.requests()[-1]["route"] == "unmatched"
    assert "wp-admin" not in logged.stream.getvalue()


def test_json_in_containers_and_pipes_text_in_a_terminal() -> None:
    class Terminal(io.StringIO):
        def isatty(self) -> bool:
            return True

    assert chosen_format("auto", Terminal()) == "text"
    assert chosen_format("auto", io.StringIO()) == "json"
    assert chosen_format("json", Terminal()) == "json"
    record = logging.LogRecord("leadsmanager.request", logging.INFO, __file__, 1, "GET %s 200", ("/login",), None)
    record.fields = {"status": 200, "latency_ms": 1.5, "user_id": None}
    text = TextFormatter().format(record)
    assert re.fullmatch(r"\S+Z INFO    GET /login 200  \[latency_ms=1.5\]", text)


def test_passwords_inside_urls_are_masked_in_any_line() -> None:
    message = "cannot reach mysql+pymysql://leads:s3cret@db:3306/leads or redis://:r3dis@cache:6379/0"
    assert masked(message) == "cannot reach mysql+pymysql://leads:***@db:3306/leads or redis://:***@cache:6379/0"
    record = logging.LogRecord("leadsmanager", logging.ERROR, __file__, 1, message, (), None)
    assert "s3cret" not in JsonFormatter().format(record) and "r3dis" not in TextFormatter().format(record)


def test_a_crash_is_logged_as_an_error_with_status_500(container: Container, staff: Staff, logged: Lines) -> None:
    def broken(*args: object, **kwargs: object) -> None:
        raise RuntimeError("boom")

    container.dashboard.override(providers.Object(broken))
    with TestClient(create_app(container), raise_server_exceptions=False, follow_redirects=False) as client:
        sign_in(client, "admin@example.com")
        assert client.get("/").status_code == 500
    line = logged.requests()[-1]
    assert (line["level"], line["route"], line["status"], line["user_id"]) == ("error", "/", 500, staff.ids["admin"])
