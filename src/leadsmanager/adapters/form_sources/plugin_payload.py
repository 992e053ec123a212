"""Reading the plugin's JSON strictly: anything off the contract is a FormSourceBadResponse, never a guess.

Strict about the envelope and ids (a wrong cursor would skip or repeat leads), lenient about what a
person filled in: a field a submission lacks is fine, and a null field counts as not filled in.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, TypeVar

from leadsmanager.adapters.form_sources.site import ROW_ID
from leadsmanager.application.parsing import instant, json_document
from leadsmanager.application.sync_types import FormSourceBadResponse, RemoteSubmission, SubmissionPage
from leadsmanager.domain.errors import ValidationError

T = TypeVar("T")


class _OffContract(Exception):
    """Why a response breaks the contract; becomes a FormSourceBadResponse naming the site and form."""


def parse_page(body: bytes, *, site: str, form_id: str, after_id: str | None) -> SubmissionPage:
    try:
        return _page(_json(body), after_id)
    except _OffContract as e:
        why = f"the response breaks the plugin contract: {e}"
        raise FormSourceBadResponse(why, site=site, form_id=form_id) from None


def parse_pushed(body: bytes) -> tuple[str, RemoteSubmission]:
    """A webhook's `{"form_id": ..., "submission": {...}}`; off-contract input is a ValidationError."""
    try:
        data = _json(body)
        if not isinstance(data, dict):
            raise _OffContract("expected a JSON object")
        form_id = _key(data, "form_id", str, "a string")
        return form_id, _submission(_key(data, "submission", dict, "an object"), 1)
    except _OffContract as e:
        raise ValidationError(f"the webhook body breaks the plugin contract: {e}", {"body": str(e)}) from None


def _json(body: bytes) -> Any:
    try:
        return json_document(body)
    except ValidationError:
        raise _OffContract("it is not JSON") from None


def _page(data: Any, after_id: str | None) -> SubmissionPage:
    if not isinstance(data, dict):
        raise _OffContract("expected a JSON object")
    items = _key(data, "submissions", list, "a list")
    has_more = _key(data, "has_more", bool, "true or false")
    submissions = [_submission(item, n) for n, item in enumerate(items, 1)]
    _check_order(submissions, after_id)
    if has_more and not submissions:
        raise _OffContract("has_more is true on an empty page, which would never end")
    return SubmissionPage.following(after_id, submissions, has_more=has_more)


def _key(data: dict[str, Any], key: str, kind: type[T], described: str) -> T:
    if key not in data:
        raise _OffContract(f"{key!r} is missing")
    value = data[key]
    if not isinstance(value, kind):
        raise _OffContract(f"{key!r} should be {described}")
    return value


def _submission(item: Any, n: int) -> RemoteSubmission:
    try:
        if not isinstance(item, dict):
            raise _OffContract("not a JSON object")
        return RemoteSubmission(_id(item), _created_at(item), _fields(item))
    except _OffContract as e:
        raise _OffContract(f"submission #{n}: {e}") from None


def _id(item: dict[str, Any]) -> str:
    """A decimal number, sent as a JSON number or string; canonical so '07' and 7 are one submission."""
    value = item.get("id")
    if isinstance(value, int) and not isinstance(value, bool) and value >= 0:
        value = str(value)
    if not isinstance(value, str) or not ROW_ID.fullmatch(value):
        raise _OffContract("'id' is missing or not a decimal number")
    return str(int(value))


def _created_at(item: dict[str, Any]) -> datetime:
    value = _key(item, "created_at", str, "an ISO-8601 string")
    try:
        return instant(value, "created_at")
    except ValidationError as e:
        raise _OffContract(f"'created_at' {value[:40]!r} {_WHY_NOT_AN_INSTANT[e.fields['created_at']]}") from None


_WHY_NOT_AN_INSTANT = {
    "not ISO 8601": "is not ISO-8601",
    "no UTC offset": "has no UTC offset",
    "out of range": "is out of range",
}


def _fields(item: dict[str, Any]) -> dict[str, str]:
    fields = _key(item, "fields", dict, "a JSON object")
    for name, value in fields.items():
        if value is not None and not isinstance(value, str):
            raise _OffContract(f"field {name[:100]!r} should be a string, not {type(value).__name__}")
    return {name: value for name, value in fields.items() if value is not None}


def _check_order(submissions: list[RemoteSubmission], after_id: str | None) -> None:
    """Ids must ascend past the cursor: otherwise resuming would skip or repeat submissions."""
    previous = -1 if after_id is None else int(after_id)
    for submission in submissions:
        if int(submission.id) <= previous:
            raise _OffContract(f"ids must ascend after {after_id or 'the start'}; {submission.id} does not")
        previous = int(submission.id)
