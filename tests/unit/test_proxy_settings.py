"""LEADSMANAGER_TRUSTED_PROXIES: whose X-Forwarded-For is believed."""

from __future__ import annotations

import ipaddress
from pathlib import Path

import pytest
import yaml

from leadsmanager.domain.errors import ValidationError
from leadsmanager.entrypoints.bootstrap.settings import Settings

ROOT = Path(__file__).resolve().parents[2]


def test_no_proxy_is_trusted_unless_named() -> None:
    assert Settings.from_env({}, env_file=None).trusted_proxies == ()


def test_addresses_and_ranges_are_read_as_networks() -> None:
    environ = {"LEADSMANAGER_TRUSTED_PROXIES": " 172.28.0.128/25, 10.0.0.7 ,2001:db8::/32,"}
    chosen = Settings.from_env(environ, env_file=None).trusted_proxies
    assert chosen == tuple(ipaddress.ip_network(n) for n in ("172.28.0.128/25", "10.0.0.7/32", "2001:db8::/32"))


@pytest.mark.parametrize("value", ["10.0.0.300", "localhost", "*", "10.0.0.0/33"])
def test_a_value_that_is_not_an_address_is_refused_by_name(value: str) -> None:
    with pytest.raises(ValidationError, match="LEADSMANAGER_TRUSTED_PROXIES") as refused:
        Settings.from_env({"LEADSMANAGER_TRUSTED_PROXIES": value}, env_file=None)
    assert repr(value) in str(refused.value)


def test_compose_trusts_its_own_containers_but_not_the_gateway_the_published_port_comes_through() -> None:
    compose = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
    [network] = compose["networks"]["default"]["ipam"]["config"]
    environ = {k: str(v) for k, v in compose["services"]["web"]["environment"].items()}
    [trusted] = Settings.from_env(environ, env_file=None).trusted_proxies
    assert trusted == ipaddress.ip_network(network["ip_range"])
    assert trusted.subnet_of(ipaddress.ip_network(network["subnet"]))  # type: ignore[arg-type]
    assert ipaddress.ip_address(network["gateway"]) not in trusted
