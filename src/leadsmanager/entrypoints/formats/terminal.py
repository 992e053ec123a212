"""Stored text made safe to print on an operator's terminal.

Whatever reached the database (a note, a name, a WordPress field, a row written by hand) could hold
escape sequences that clear the screen, move the cursor to fake a line, or set the clipboard (OSC 52).
Printed through here, each control or format character shows as a Python escape such as `\\x1b`.
"""

from __future__ import annotations

import unicodedata

_SHOWN_AS_IS = {"Zs"}  # spaces of every width are harmless; line and paragraph separators are not


def printable(text: str, *, indent: str | None = None) -> str:
    """`text` with its control and format characters escaped (ESC as `\\x1b`, BEL as `\\x07`, U+202E as
    `\\u202e`). A newline is kept only when `indent` is given, and the next line then starts with it, so
    text can never pass for a line of its own; without one it shows as `\\n`."""
    if text.isprintable():
        return text
    return "".join(_shown(c, indent) for c in text)


def tab_separated(*cells: str) -> str:
    """One line of columns: a tab or newline inside a cell is escaped, so it cannot shift or split the row."""
    return "\t".join(printable(cell) for cell in cells)


def _shown(character: str, indent: str | None) -> str:
    if character == "\n" and indent is not None:
        return "\n" + indent
    if character.isprintable() or unicodedata.category(character) in _SHOWN_AS_IS:
        return character
    return character.encode("unicode_escape").decode("ascii")
