"""Progress of a long command on stderr, so stdout keeps only its data (a report, a CSV) for scripts."""

from __future__ import annotations

import sys
from typing import TextIO

CLEAR_LINE = "\r\x1b[K"


class Progress:
    """Rewritten in place on a terminal, a line each otherwise; by default shown only to a terminal."""

    def __init__(self, enabled: bool, stream: TextIO) -> None:
        self.enabled = enabled
        self._stream = stream
        self._inline = stream.isatty()
        self._pending_newline = False

    @classmethod
    def chosen(cls, wanted: bool | None, stream: TextIO | None = None) -> Progress:
        """`wanted` from `--progress/--no-progress`; None shows it when stderr is a terminal."""
        stream = stream or sys.stderr
        return cls(stream.isatty() if wanted is None else wanted, stream)

    def show(self, text: str) -> None:
        if not self.enabled:
            return
        if self._inline:
            self._stream.write(CLEAR_LINE + text)
            self._pending_newline = True
        else:
            self._stream.write(text + "\n")
        self._stream.flush()

    def done(self) -> None:
        if self._pending_newline:
            self._stream.write("\n")
            self._stream.flush()
            self._pending_newline = False
