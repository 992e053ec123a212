"""Stored text printed on an operator's terminal: nothing in it can act as a control sequence."""

from __future__ import annotations

import unicodedata

from hypothesis import given
from hypothesis import strategies as st

from leadsmanager.entrypoints.formats.terminal import printable, tab_separated


@given(st.text())
def test_printed_text_holds_no_control_character(text: str) -> None:
    shown = printable(text)
    assert all(c.isprintable() or unicodedata.category(c) == "Zs" for c in shown)  # spaces of any width


@given(st.text())
def test_a_line_break_is_kept_only_with_the_next_line_indented(text: str) -> None:
    lines = printable(text, indent="    ").split("\n")
    assert all(line.startswith("    ") for line in lines[1:])
    assert len(lines) == text.count("\n") + 1


def test_escapes_read_as_python_writes_them() -> None:
    assert printable("a\x1b[2Jb\x07\u202ec\td") == "a\\x1b[2Jb\\x07\\u202ec\\td"
    assert printable("Ana García, 2\u00a0km") == "Ana García, 2\u00a0km"  # printable text is left alone
    assert tab_separated("1", "Eve\tAdmin", "x\ny") == "1\tEve\\tAdmin\tx\\ny"
