"""Formidable's PHP-serialized checkbox answers read as data: arrays of scalars decoded, anything else left alone."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from leadsmanager.adapters.form_sources.php_serialized import array_of_scalars, looks_serialized

PHP_INT = st.integers(min_value=-(2**63), max_value=2**63 - 1)


def php_serialize(values: list[str | int]) -> str:
    """PHP's serialize() of a list: integer keys from 0, string lengths in UTF-8 bytes."""

    def scalar(value: str | int) -> str:
        return f"i:{value};" if isinstance(value, int) else f's:{len(value.encode())}:"{value}";'

    return f"a:{len(values)}:{{{''.join(f'i:{n};{scalar(v)}' for n, v in enumerate(values))}}}"


@pytest.mark.parametrize(
    ("text", "values"),
    [
        ('a:2:{i:0;s:14:"Almacenamiento";i:1;s:13:"Cross-docking";}', ["Almacenamiento", "Cross-docking"]),
        ('a:1:{i:0;s:13:"Distribución";}', ["Distribución"]),  # 12 characters, 13 bytes: PHP counts bytes
        ("a:0:{}", []),
        ('a:2:{s:3:"uno";s:1:"a";s:3:"dos";s:1:"b";}', ["a", "b"]),  # string keys: the values, in order
        ('a:2:{i:0;s:7:"a";b:1;";i:1;s:4:"x}y{";}', ['a";b:1;', "x}y{"]),  # quotes and braces inside strings
        ("a:5:{i:0;i:-42;i:1;d:1.5;i:2;b:1;i:3;b:0;i:4;N;}", ["-42", "1.5", "1", ""]),  # null dropped
        ("a:2:{i:0;d:INF;i:1;d:-1.0E+25;}", ["INF", "-1.0E+25"]),
    ],
)
def test_arrays_of_scalars_are_read_in_order(text: str, values: list[str]) -> None:
    assert array_of_scalars(text) == values


@pytest.mark.parametrize(
    "text",
    [
        'a:1:{i:0;O:8:"stdClass":1:{s:1:"a";s:1:"b";}}',  # an object: PHP would build it
        'a:1:{i:0;C:11:"ArrayObject":21:{x:i:0;a:0:{};m:a:0:{}}}',  # a custom-serialized object
        'O:8:"stdClass":0:{}',
        'a:2:{i:0;s:1:"a";i:1;R:2;}',  # a reference
        'a:2:{i:0;s:1:"a";i:1;r:2;}',
        'a:1:{i:0;a:1:{i:0;s:1:"a";}}',  # nested: not a checkbox's answer
        'a:1:{i:0;E:7:"Foo:Bar";}',  # an enum case
        'a:2:{i:0;s:1:"a";}',  # fewer items than counted
        'a:1:{i:0;s:1:"a";i:1;s:1:"b";}',  # more
        'a:1:{i:0;s:5:"a";}',  # a length past the string
        'a:1:{i:0;s:12:"Distribución";}',  # characters counted instead of bytes
        'a:1:{i:0;s:1:"a";}}',  # something after the array
        'a:1:{i:0;s:1:"a";} ',
        "a:99999999:{}",  # a count its text cannot hold: refused before anything is allocated
        'a:1:{d:1.5;s:1:"a";}',  # a key PHP never writes
        'a:1:{i:0x1;s:1:"a";}',
        "a:1:{i:0;i:" + "9" * 100 + ";}",  # a number longer than any PHP integer
        'a:-1:{i:0;s:1:"a";}',
        "Almacenamiento, Cross-docking",
        "",
    ],
)
def test_anything_else_is_not_decoded(text: str) -> None:
    assert array_of_scalars(text) is None


def test_looks_serialized_is_only_a_cheap_first_test() -> None:
    assert looks_serialized("a:0:{}")
    assert looks_serialized("a: broken }")  # decoding still decides
    assert not looks_serialized("Almacenamiento")
    assert not looks_serialized('s:1:"a";')


@given(st.lists(st.one_of(st.text(), PHP_INT), max_size=20))
def test_any_list_of_strings_and_integers_serialized_by_php_decodes_back(values: list[str | int]) -> None:
    text = php_serialize(values)
    assert looks_serialized(text)
    assert array_of_scalars(text) == [str(v) for v in values]


@given(st.lists(st.one_of(st.text(), PHP_INT), min_size=1, max_size=8), st.data())
def test_a_serialized_list_cut_anywhere_is_not_decoded(values: list[str | int], data: st.DataObject) -> None:
    text = php_serialize(values)
    cut = data.draw(st.integers(min_value=0, max_value=len(text) - 1))
    assert array_of_scalars(text[:cut]) is None


@given(st.binary(max_size=300))
def test_random_bytes_never_raise(data: bytes) -> None:
    for text in (data.decode("latin-1"), data.decode("utf-8", "surrogateescape"), "a:" + data.decode("latin-1")):
        result = array_of_scalars(text)
        assert result is None or all(isinstance(v, str) for v in result)


@given(st.text(alphabet=st.sampled_from('a:isdbNORrCE0123456789-.;{}"x'), max_size=80))
def test_text_made_of_the_formats_own_characters_never_raises(text: str) -> None:
    result = array_of_scalars(text)
    assert result is None or all(isinstance(v, str) for v in result)
