"""What a WordPress site's HTTP reply means for a fetch: which refusals are final, which deserve a retry."""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping

import httpx

from leadsmanager.adapters.http_retry import retry_after_seconds
from leadsmanager.application.parsing import json_document
from leadsmanager.application.sync_types import (
    FormSourceAuthFailed,
    FormSourceBadResponse,
    FormSourceError,
    FormSourceUnavailable,
)
from leadsmanager.domain.errors import ValidationError

# A page of 100 generous submissions is far below this; a runaway or hostile reply stops here.
MAX_BODY_BYTES = 5_000_000
MAX_ERROR_BODY_BYTES = 64_000
ERROR_CODE = re.compile(r"[a-z0-9_]{1,64}")


def refusal(reply: httpx.Response, *, site: str, form_id: str, code: str | None = None) -> FormSourceError:
    """The usual reading of a refused reply; `code` when the caller has read the body's error code already
    (a body is read once)."""
    status = reply.status_code
    if status in (401, 403):
        shown = _code(reply, code)
        why = f"the site refused our credentials (HTTP {status}{shown}): check the user and application password"
        return FormSourceAuthFailed(why, site=site, form_id=form_id)
    if status in (408, 429) or status >= 500:
        wait = retry_after_seconds(reply.headers.get("Retry-After"))
        why = f"the site is busy or failing (HTTP {status})"
        return FormSourceUnavailable(why, site=site, form_id=form_id, retry_after=wait)
    if status == 404:
        why = f"no such form, or the LeadsManager plugin is not active (HTTP 404{_code(reply, code)})"
    elif 300 <= status < 400:
        why = f"the site redirects (HTTP {status}): configure the address it redirects to"
    else:
        why = f"unexpected HTTP {status}{_code(reply, code)}"
    return FormSourceBadResponse(why, site=site, form_id=form_id)


def read_body(
    reply: httpx.Response, *, site: str, form_id: str, limit: int = MAX_BODY_BYTES
) -> bytes | FormSourceError:
    body = _read_up_to(reply, limit)
    if body is None:
        return FormSourceBadResponse(f"the response is larger than {limit:,} bytes", site=site, form_id=form_id)
    return body


def _code(reply: httpx.Response, known: str | None = None) -> str:
    code = error_code(reply) if known is None else known
    return f", {code}" if code else ""


def error_code(reply: httpx.Response) -> str | None:
    """WordPress names the reason in its JSON error body ("incorrect_password", "rest_forbidden")."""
    try:
        data = json_document(_read_up_to(reply, MAX_ERROR_BODY_BYTES) or b"{}")
    except (httpx.HTTPError, ValidationError):  # the code only adds detail: never fail for it
        return None
    code = data.get("code") if isinstance(data, dict) else None
    return code if isinstance(code, str) and ERROR_CODE.fullmatch(code) else None


def _read_up_to(reply: httpx.Response, limit: int) -> bytes | None:
    """The decoded body, or None past `limit` bytes (counted after decompression, so a gzip bomb stops too)."""
    chunks: list[bytes] = []
    size = 0
    for chunk in reply.iter_bytes():
        size += len(chunk)
        if size > limit:
            return None
        chunks.append(chunk)
    return b"".join(chunks)


# A kind's own refusals: (status, WordPress error code) -> the error class and what to do about it.
# `{settings}` in a message becomes the site's variable prefix, LEADSMANAGER_WORDPRESS_<SITE>_.
KnownRefusals = Mapping[tuple[int, str], tuple[type[FormSourceError], str]]


def kind_refusal(known: KnownRefusals) -> Callable[[httpx.Response, str, str], FormSourceError]:
    """Reads a refused reply as the kind knows it (naming the fix), else as usual."""
    statuses = {status for status, _ in known}

    def read(reply: httpx.Response, site: str, form_id: str) -> FormSourceError:
        if reply.status_code not in statuses:
            return refusal(reply, site=site, form_id=form_id)
        code = error_code(reply) or ""
        if (reply.status_code, code) not in known:
            return refusal(reply, site=site, form_id=form_id, code=code)
        error, fix = known[reply.status_code, code]
        why = f"{fix.format(settings=f'LEADSMANAGER_WORDPRESS_{site.upper()}_')} (HTTP {reply.status_code}, {code})"
        return error(why, site=site, form_id=form_id)

    return read
