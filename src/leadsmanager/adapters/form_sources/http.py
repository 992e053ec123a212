"""What a WordPress site's HTTP reply means for a fetch: which refusals are final, which deserve a retry."""

from __future__ import annotations

import re

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


def refusal(reply: httpx.Response, *, site: str, form_id: str) -> FormSourceError:
    status = reply.status_code
    if status in (401, 403):
        why = f"the site refused our credentials (HTTP {status}{_code(reply)}): check the user and application password"
        return FormSourceAuthFailed(why, site=site, form_id=form_id)
    if status in (408, 429) or status >= 500:
        wait = retry_after_seconds(reply.headers.get("Retry-After"))
        why = f"the site is busy or failing (HTTP {status})"
        return FormSourceUnavailable(why, site=site, form_id=form_id, retry_after=wait)
    if status == 404:
        why = f"no such form, or the LeadsManager plugin is not active (HTTP 404{_code(reply)})"
    elif 300 <= status < 400:
        why = f"the site redirects (HTTP {status}): configure the address it redirects to"
    else:
        why = f"unexpected HTTP {status}{_code(reply)}"
    return FormSourceBadResponse(why, site=site, form_id=form_id)


def read_body(
    reply: httpx.Response, *, site: str, form_id: str, limit: int = MAX_BODY_BYTES
) -> bytes | FormSourceError:
    body = _read_up_to(reply, limit)
    if body is None:
        return FormSourceBadResponse(f"the response is larger than {limit:,} bytes", site=site, form_id=form_id)
    return body


def _code(reply: httpx.Response) -> str:
    code = error_code(reply)
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
