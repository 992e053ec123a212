"""Cells for CSV files that people open in a spreadsheet: the lead export and the report tables."""

from __future__ import annotations

# A spreadsheet runs a cell starting with one of these as a formula (=HYPERLINK(...) can leak the sheet).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def spreadsheet_cell(text: str) -> str:
    """The text as a cell a spreadsheet shows as text: a leading quote where it would start a formula."""
    return "'" + text if text[:1] in FORMULA_STARTS else text
