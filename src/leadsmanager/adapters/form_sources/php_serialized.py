"""PHP-serialized arrays of scalars, as Formidable stores checkbox and multi-select answers, read as data.

`a:2:{i:0;s:14:"Almacenamiento";i:1;s:13:"Cross-docking";}` is a list of two strings. Only that shape is
read: an array whose keys are integers or strings and whose values are strings, integers, floats,
booleans or null. Objects, references, nested arrays or anything malformed are not this decoder's to
guess at (PHP's own unserialize would build objects from them): the caller keeps such a value as it came.
String lengths count UTF-8 bytes, as PHP writes them.
"""

from __future__ import annotations

import re
from collections.abc import Callable

_INTEGER = re.compile(rb"-?[0-9]{1,20}")
_FLOAT = re.compile(rb"-?(?:[0-9]+(?:\.[0-9]*)?(?:E[+-]?[0-9]+)?|INF)|NAN", re.IGNORECASE)
_LENGTH = re.compile(rb"[0-9]{1,10}")
_BOOLEAN = re.compile(rb"[01]")
# Other scalars, by their tag: the token's form, and how it reads as text (a boolean as PHP prints it).
_SCALARS: dict[bytes, tuple[re.Pattern[bytes], Callable[[bytes], str]]] = {
    b"i:": (_INTEGER, lambda token: token.decode("ascii")),
    b"d:": (_FLOAT, lambda token: token.decode("ascii")),
    b"b:": (_BOOLEAN, lambda token: "1" if token == b"1" else ""),
}
TOKEN_LIMIT = 64  # bytes: a number's digits, a length or a count


class _Malformed(Exception):
    """The text is not a serialized array of scalars."""


def looks_serialized(text: str) -> bool:
    """Cheap test before decoding: a serialized array starts `a:` and ends `}`."""
    return text.startswith("a:") and text.endswith("}")


def array_of_scalars(text: str) -> list[str] | None:
    """The array's values as text in order (null dropped, booleans as PHP prints them: "1" or ""), or None
    when `text` is not exactly one serialized array of scalars."""
    try:
        reader = _Reader(text.encode("utf-8"))
        values = reader.array()
        reader.expect_end()
    except (_Malformed, UnicodeError):
        return None
    return values


class _Reader:
    """Walks the bytes once, left to right; every count is checked against what is left, so no input
    can make it allocate or loop more than its own length allows."""

    def __init__(self, data: bytes) -> None:
        self._data = data
        self._at = 0

    def array(self) -> list[str]:
        self._literal(b"a:")
        count = int(self._until(b":", _LENGTH))
        if count * 4 > len(self._data) - self._at:  # each key and value takes at least 4 bytes
            raise _Malformed
        self._literal(b"{")
        values: list[str] = []
        for _ in range(count):
            self._key()
            value = self._scalar()
            if value is not None:
                values.append(value)
        self._literal(b"}")
        return values

    def expect_end(self) -> None:
        if self._at != len(self._data):
            raise _Malformed

    def _key(self) -> None:
        kind = self._data[self._at : self._at + 2]
        if kind == b"i:":
            self._at += 2
            self._until(b";", _INTEGER)
        elif kind == b"s:":
            self._string()
        else:
            raise _Malformed

    def _scalar(self) -> str | None:
        kind = self._data[self._at : self._at + 2]
        if kind == b"s:":
            return self._string()
        if kind == b"N;":
            self._at += 2
            return None
        if kind not in _SCALARS:
            raise _Malformed
        pattern, shown = _SCALARS[kind]
        self._at += 2
        return shown(self._until(b";", pattern))

    def _string(self) -> str:
        self._literal(b"s:")
        size = int(self._until(b":", _LENGTH))
        self._literal(b'"')
        end = self._at + size
        if end > len(self._data):
            raise _Malformed
        text = self._data[self._at : end].decode("utf-8")
        self._at = end
        self._literal(b'";')
        return text

    def _literal(self, expected: bytes) -> None:
        if not self._data.startswith(expected, self._at):
            raise _Malformed
        self._at += len(expected)

    def _until(self, stop: bytes, pattern: re.Pattern[bytes]) -> bytes:
        """The token before the next `stop` (at most TOKEN_LIMIT bytes), which must match `pattern` whole."""
        end = self._data.find(stop, self._at, self._at + TOKEN_LIMIT + 1)
        if end < 0 or not pattern.fullmatch(self._data, self._at, end):
            raise _Malformed
        token = self._data[self._at : end]
        self._at = end + len(stop)
        return token
