"""The `{name:id}` path parameter: a record id of at most 19 digits.

Starlette's `int` takes any run of digits, and `int()` raises on more than 4,300 of them while the
route is matched, answering 500; a path with a longer number than any id column holds is simply no page.
"""

from __future__ import annotations

from starlette.convertors import Convertor, register_url_convertor

from leadsmanager.application.parsing import MAX_ID


class RecordId(Convertor[int]):
    regex = f"[0-9]{{1,{len(str(MAX_ID))}}}"

    def convert(self, value: str) -> int:
        return int(value)

    def to_string(self, value: int) -> str:
        return str(value)


register_url_convertor("id", RecordId())
