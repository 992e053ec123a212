"""Who is asking: the peer, or the visitor a trusted proxy names in X-Forwarded-For.

Only `LEADSMANAGER_TRUSTED_PROXIES` decides whom to believe (`serve` turns uvicorn's own proxy handling
off). Each proxy appends the address it received the request from, so the header is read from the right:
the first address that is not a trusted proxy is the visitor; anything left of it may be forged.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Sequence

from starlette.types import ASGIApp, Receive, Scope, Send

from leadsmanager.entrypoints.bootstrap.settings import Network

Address = ipaddress.IPv4Address | ipaddress.IPv6Address


class TrustedProxies:
    """Replaces the peer by the visitor a trusted proxy forwarded, and the scheme by the one it saw."""

    def __init__(self, app: ASGIApp, *, networks: Sequence[Network]) -> None:
        self.app = app
        self.networks = tuple(networks)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        peer = scope.get("client")
        if scope["type"] in ("http", "websocket") and peer and self._trusts(_ip(peer[0])):
            headers = scope["headers"]
            forwarded = ",".join(v.decode("latin-1") for k, v in headers if k == b"x-forwarded-for")
            scope = {**scope, "client": (self.visitor(forwarded, peer[0]), 0)}
            proto = next((v.decode("latin-1").strip() for k, v in headers if k == b"x-forwarded-proto"), "")
            if scope["type"] == "http" and proto in ("http", "https"):
                scope["scheme"] = proto
        await self.app(scope, receive, send)

    def visitor(self, forwarded: str, peer: str) -> str:
        """The right-most forwarded address that is not a trusted proxy (the last one if all are)."""
        address = peer
        for hop in reversed([h.strip() for h in forwarded.split(",") if h.strip()]):
            ip = _ip(hop)
            if ip is None:
                break  # not an address: nothing further left can be believed either
            address = str(ip)
            if not self._trusts(ip):
                break
        return address

    def _trusts(self, ip: Address | None) -> bool:
        return ip is not None and any(ip in network for network in self.networks)


def _ip(hop: str) -> Address | None:
    """An address from `1.2.3.4`, `1.2.3.4:5678`, `2001:db8::1` or `[2001:db8::1]:5678`."""
    if hop.startswith("[") and "]" in hop:
        hop = hop[1 : hop.index("]")]
    elif hop.count(":") == 1:
        hop = hop.split(":", 1)[0]
    try:
        return ipaddress.ip_address(hop)
    except ValueError:
        return None
