"""Columns are read by faster parsers than the drivers' own, into exactly what the drivers' own read."""

from __future__ import annotations

import json
from datetime import datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st
from pymysql.converters import convert_datetime

from leadsmanager.adapters.sql.engine import read_datetime, read_json


@given(st.dictionaries(st.text(), st.text()))
def test_extras_read_back_as_written(extras: dict[str, str]) -> None:
    assert read_json(json.dumps(extras)) == extras


def test_half_a_surrogate_pair_reads_back() -> None:
    # A form's JSON may escape half a pair; json.dumps writes it back escaped, and orjson refuses it.
    extras = {"note": "half \ud800 pair"}
    assert read_json(json.dumps(extras)) == extras


@given(st.datetimes(), st.integers(min_value=0, max_value=6))
def test_a_datetime_as_mariadb_sends_it_reads_as_pymysql_reads_it(moment: datetime, digits: int) -> None:
    text = moment.isoformat(sep=" ", timespec="microseconds")[: 20 + digits if digits else 19]
    assert read_datetime(text) == convert_datetime(text)


@pytest.mark.parametrize(
    "text",
    [
        "0000-00-00 00:00:00",  # a zero date: PyMySQL hands back the text
        "2025-13-01 00:00:00",
        "2025-10-31",
        "2025-10-31T07:18:43",
        "2025-10-31 07:18:43+02:00",
        "2025-10-31 07:18:43.5x",
        "",
    ],
)
def test_anything_else_reads_as_pymysql_reads_it(text: str) -> None:
    assert read_datetime(text) == convert_datetime(text)
