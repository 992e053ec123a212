"""Where `leadsmanager serve` listens: a busy port is reported before anything starts, and the links
in emails point at that address unless LEADSMANAGER_BASE_URL says otherwise."""

from __future__ import annotations

import errno
import socket

from leadsmanager.domain.errors import ValidationError
from leadsmanager.entrypoints.bootstrap.settings import PREFIX

BASE_URL = PREFIX + "BASE_URL"
# Hosts that mean every interface (compared with, never bound here).
WILDCARDS = frozenset({"0.0.0.0", "::", ""})  # noqa: S104  # nosec B104
# How far past a busy port to look for a free one to suggest.
SUGGESTION_RANGE = 100


def check_port(host: str, port: int) -> None:
    """Raise a ValidationError naming the next free port when `port` cannot be listened on."""
    problem = _bind_problem(host, port)
    if problem is None:
        return
    if problem.errno != errno.EADDRINUSE:
        raise ValidationError(f"cannot listen on {host}:{port}: {problem.strerror}", {"port": "unusable"})
    free = next_free_port(host, port)
    advice = f"try --port {free}" if free is not None else "choose another with --port"
    raise ValidationError(f"port {port} is in use; {advice}", {"port": "in use"})


def next_free_port(host: str, port: int) -> int | None:
    last = min(port + SUGGESTION_RANGE, 65535)
    return next((p for p in range(port + 1, last + 1) if _bind_problem(host, p) is None), None)


def _bind_problem(host: str, port: int) -> OSError | None:
    # The same socket uvicorn binds: IPv6 for an address with a colon, and SO_REUSEADDR, so a port
    # left in TIME_WAIT by a server just stopped counts as free, as it does for uvicorn.
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((host, port))
        except OSError as e:
            return e
    return None


def served_url(host: str, port: int) -> str:
    """The address staff open: a wildcard host is reached as localhost."""
    shown = "localhost" if host in WILDCARDS else host
    return f"http://[{shown}]:{port}" if ":" in shown else f"http://{shown}:{port}"
