"""JSON columns are read by orjson, and read back whatever the standard library wrote into them."""

from __future__ import annotations

import json

from hypothesis import given
from hypothesis import strategies as st

from leadsmanager.adapters.sql.engine import read_json


@given(st.dictionaries(st.text(), st.text()))
def test_extras_read_back_as_written(extras: dict[str, str]) -> None:
    assert read_json(json.dumps(extras)) == extras


def test_half_a_surrogate_pair_reads_back() -> None:
    # A form's JSON may escape half a pair; json.dumps writes it back escaped, and orjson refuses it.
    extras = {"note": "half \ud800 pair"}
    assert read_json(json.dumps(extras)) == extras
