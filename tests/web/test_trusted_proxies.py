"""Per-address limits count the visitor: X-Forwarded-For is believed only from a trusted proxy."""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Sequence
from datetime import timedelta

from attrs import evolve
from dependency_injector import providers
from starlette.testclient import TestClient

from leadsmanager.entrypoints.bootstrap.container import Container, build
from leadsmanager.entrypoints.web.app import create_app
from tests.support import FakeClock

STARTED = re.compile(r'name="started" value="([^"]+)"')


def send_forms(client: TestClient, clock: FakeClock, forwarded: Sequence[str]) -> list[int]:
    """One public form per X-Forwarded-For value, each as a person sends it; the answers' statuses."""
    codes = []
    for n, header in enumerate(forwarded):
        found = STARTED.search(client.get("/forms/contact").text)
        assert found
        clock.current += timedelta(seconds=5)
        data = {"started": found.group(1), "name": f"P{n}", "email": f"p{n}@example.com"}
        codes.append(client.post("/forms/contact", data=data, headers={"x-forwarded-for": header}).status_code)
    return codes


def app_trusting(container: Container, clock: FakeClock, *proxies: str) -> Container:
    settings = evolve(container.settings(), trusted_proxies=tuple(ipaddress.ip_network(p) for p in proxies))
    built = build(settings)
    built.clock.override(providers.Object(clock))
    return built


def test_a_visitor_cannot_escape_the_limit_by_naming_another_address(container: Container, clock: FakeClock) -> None:
    spoofed = [f"203.0.113.{n}" for n in range(11)]
    with TestClient(create_app(container), client=("127.0.0.1", 4000)) as client:
        codes = send_forms(client, clock, spoofed)
    assert codes[:10] == [200] * 10 and codes[10] == 429


def test_a_trusted_proxy_names_each_visitor_and_each_gets_their_own_budget(
    container: Container, clock: FakeClock
) -> None:
    trusting = app_trusting(container, clock, "10.0.0.0/24")
    # A visitor may put anything in the header; the proxy appends the address it saw on the right.
    forwarded = [f"198.51.100.9, 203.0.113.{n}" for n in range(11)]
    with TestClient(create_app(trusting), client=("10.0.0.2", 4000)) as client:
        assert send_forms(client, clock, forwarded) == [200] * 11
    trusting.shutdown_resources()


def test_behind_a_chain_of_trusted_proxies_the_right_most_untrusted_address_counts(
    container: Container, clock: FakeClock
) -> None:
    trusting = app_trusting(container, clock, "10.0.0.0/24")
    # One visitor (203.0.113.5) forges a different left-most address each time: one budget all the same.
    forwarded = [f"198.51.100.{n}, 203.0.113.5, 10.0.0.9" for n in range(11)]
    with TestClient(create_app(trusting), client=("10.0.0.2", 4000)) as client:
        codes = send_forms(client, clock, forwarded)
    assert codes[:10] == [200] * 10 and codes[10] == 429
    trusting.shutdown_resources()


def test_a_request_straight_from_outside_is_not_believed_even_when_a_proxy_is_trusted(
    container: Container, clock: FakeClock
) -> None:
    trusting = app_trusting(container, clock, "10.0.0.0/24")
    spoofed = [f"203.0.113.{n}" for n in range(11)]
    with TestClient(create_app(trusting), client=("192.0.2.50", 4000)) as client:
        codes = send_forms(client, clock, spoofed)
    assert codes[:10] == [200] * 10 and codes[10] == 429
    trusting.shutdown_resources()
