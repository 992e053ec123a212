"""Who is calling the API: an integration's key, or a signed-in staff member's session."""

from __future__ import annotations

from datetime import timedelta

from attrs import frozen
from starlette.requests import Request

from leadsmanager.domain.actor import Actor
from leadsmanager.domain.api_key import ApiKey, Scope
from leadsmanager.domain.errors import AuthenticationFailed, PermissionDenied, RateLimited
from leadsmanager.entrypoints.http.client import client_address
from leadsmanager.entrypoints.http.context import check_origin, container, signed_in

RATE_WINDOW = timedelta(minutes=1)
FAILED_KEYS_PER_ADDRESS = 20
FAILED_KEYS_WINDOW = timedelta(minutes=15)
TOO_MANY_FAILED = "too many requests with a wrong API key from your address; try again in 15 minutes"


@frozen
class Caller:
    actor: Actor
    owner: str  # whose idempotency keys and rate budget this request uses
    # A key without leads:read learns a lead's id and what became of its request, never the lead's record.
    reads: bool = True


def caller(request: Request, scope: Scope) -> Caller:
    header = request.headers.get("authorization", "")
    if header[:7].lower() == "bearer ":
        key = _authenticated(request, header[7:])
        if not key.allows(scope):
            raise PermissionDenied(f"this API key does not have the {scope.value} scope")
        _within_rate(request, f"api:{key.prefix}")
        return Caller(key.as_actor(), f"key:{key.prefix}", reads=key.allows(Scope.LEADS_READ))
    session = signed_in(request)
    if session is None:
        raise AuthenticationFailed("send an API key as 'Authorization: Bearer <key>', or sign in")
    check_origin(request)  # a session cookie rides along cross-site; the browser's Origin does not lie
    return Caller(session.user.as_actor(), f"user:{session.user.id}")


def _authenticated(request: Request, presented: str) -> ApiKey:
    """The key presented; an address that keeps presenting wrong ones is refused for a while, even a
    right one, so guessing from it goes no further."""
    built = container(request)
    failures, now = "api:failed:" + client_address(request)[:64], built.clock().now()
    limiter = built.rate_limiter()
    if not limiter.allows(failures, limit=FAILED_KEYS_PER_ADDRESS, window=FAILED_KEYS_WINDOW, now=now):
        raise RateLimited(TOO_MANY_FAILED, int(FAILED_KEYS_WINDOW.total_seconds()))
    try:
        return built.api_keys().authenticate(presented)
    except AuthenticationFailed:
        limiter.hit(failures, limit=FAILED_KEYS_PER_ADDRESS, window=FAILED_KEYS_WINDOW, now=now)
        raise


def _within_rate(request: Request, key: str) -> None:
    built = container(request)
    limit = built.settings().api_requests_per_minute
    if not built.rate_limiter().hit(key, limit=limit, window=RATE_WINDOW, now=built.clock().now()):
        raise RateLimited(f"this API key may make {limit} requests a minute", int(RATE_WINDOW.total_seconds()))
