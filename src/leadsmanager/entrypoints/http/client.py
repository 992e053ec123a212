"""Who is asking, as the pages and the API count it for per-address limits."""

from __future__ import annotations

from starlette.requests import Request


def client_address(request: Request) -> str:
    """The address per-address limits count: the visitor's, once TrustedProxies has run."""
    return request.client.host if request.client else "unknown"
