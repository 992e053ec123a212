"""What the entry APIs of Gravity Forms and Formidable share: row ids, MySQL times, values of any JSON shape.

Strict about what the cursor and the lead's time rest on (ids, times), lenient about what a person
filled in: a value of any JSON shape becomes text, and an empty one counts as not filled in.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

from leadsmanager.adapters.form_sources.client import Refusal, SiteClient
from leadsmanager.adapters.form_sources.site import ROW_ID, WordPressSite
from leadsmanager.application.parsing import json_document
from leadsmanager.application.sync_types import FormSourceBadResponse
from leadsmanager.domain.errors import ValidationError

# How MySQL's DATETIME reads, as these plugins send it: in UTC, without saying so.
MYSQL_TIME = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2} [0-9]{2}:[0-9]{2}:[0-9]{2}", re.ASCII)


class OffContract(Exception):
    """Why a response is not what the plugin's API sends; becomes a FormSourceBadResponse naming the site and form."""


def bad_response(api: str, error: OffContract, *, site: str, form_id: str) -> FormSourceBadResponse:
    return FormSourceBadResponse(f"the response is not {api}'s: {error}", site=site, form_id=form_id)


def read_json(
    client: SiteClient,
    site: WordPressSite,
    url: str,
    *,
    api: str,
    refused: Refusal,
    form_id: str = "",
    params: Mapping[str, str] | None = None,
) -> Any:
    """One GET's JSON document (a catalogue's, say); what is not JSON is a FormSourceBadResponse."""
    reply = client.get(site, form_id, url, params, refused=refused)
    try:
        return json_body(reply.body)
    except OffContract as e:
        raise bad_response(api, e, site=site.name, form_id=form_id) from None


def json_body(body: bytes) -> Any:
    try:
        return json_document(body)
    except ValidationError as e:
        raise OffContract(str(e)) from None


def row_id(value: Any, what: str = "'id'") -> str:
    """A row id sent as a JSON number or a string of digits; canonical, so '07' and 7 are one entry."""
    if isinstance(value, int) and not isinstance(value, bool) and value >= 0:
        value = str(value)
    if not isinstance(value, str) or not ROW_ID.fullmatch(value):
        raise OffContract(f"{what} is missing or not a decimal number")
    return str(int(value))


def utc_time(value: Any, what: str) -> datetime:
    """`2026-03-01 09:05:00`, which these plugins store and send in UTC."""
    if not isinstance(value, str) or not MYSQL_TIME.fullmatch(value):
        raise OffContract(f"{what} is missing or not a time such as 2026-03-01 09:05:00")
    try:
        return datetime.fromisoformat(value).replace(tzinfo=UTC)
    except ValueError:
        raise OffContract(f"{what} {value!r} is not a date and time") from None


def text(value: Any) -> str | None:
    """A value as the text a lead keeps; None when nothing was filled in. A list of plain values (a
    multi-select, checkboxes) is joined with ", "; anything more nested is kept as compact JSON."""
    if value is None or value in ("", [], {}):
        return None
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, int | float):
        return str(value)
    if isinstance(value, list) and all(isinstance(v, str | int | float) and not isinstance(v, bool) for v in value):
        joined = ", ".join(str(v) for v in value if v != "")
        return joined or None
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))
