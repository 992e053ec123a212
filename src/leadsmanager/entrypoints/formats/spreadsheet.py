"""Cells for CSV files that people open in a spreadsheet: the lead export and the report tables."""

from __future__ import annotations

import re

# A spreadsheet runs a cell starting with one of these as a formula (=HYPERLINK(...) can leak the sheet).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
# A phone in E.164 form is a plus and digits only: no formula can be made of it, and a quote before it
# would show in the sheet ('+1...).
E164_PHONE = re.compile(r"\+[0-9]{6,15}")


def spreadsheet_cell(text: str) -> str:
    """The text as a cell a spreadsheet shows as text: a leading quote where it would start a formula."""
    if text[:1] in FORMULA_STARTS and not E164_PHONE.fullmatch(text):
        return "'" + text
    return text
