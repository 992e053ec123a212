"""Pushed bodies read as flat text fields: JSON of any shape, PHP-style forms, Elementor's two formats."""

from __future__ import annotations

import json
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from leadsmanager.application.push import UnreadablePush, elementor_submission, form_fields, json_fields
from tests.push_plugins import elementor_advanced, elementor_field, elementor_simple, http_build_query


def test_nested_objects_become_dotted_keys_and_lists_of_values_one_value() -> None:
    body = {
        "id": 42,
        "entry": {"name": {"first": "Ana", "last": "Ruiz"}, "paid": False, "rate": 1.5},
        "servicios": ["Almacenamiento", "Cross-docking", None],
        "files": [{"url": "https://x.example/a.pdf"}, {"url": "https://x.example/b.pdf"}],
        "post_id": None,
        "0": "a key that looks like an index",
    }
    assert json_fields(json.dumps(body).encode()) == {
        "id": "42",
        "entry.name.first": "Ana",
        "entry.name.last": "Ruiz",
        "entry.paid": "false",
        "entry.rate": "1.5",
        "servicios": "Almacenamiento, Cross-docking",
        "files.0.url": "https://x.example/a.pdf",
        "files.1.url": "https://x.example/b.pdf",
        "0": "a key that looks like an index",
    }


scalars = st.one_of(st.text(max_size=20), st.integers(), st.booleans(), st.none())
documents = st.recursive(
    scalars, lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4)
)


@given(st.dictionaries(st.text(max_size=8), documents, max_size=6))
def test_any_json_object_reads_as_text_fields_under_its_top_level_keys(data: dict[str, Any]) -> None:
    fields = json_fields(json.dumps(data).encode())
    assert all(isinstance(v, str) for v in fields.values())
    assert all(any(k == top or k.startswith(top + ".") for top in data) for k in fields)


@pytest.mark.parametrize(
    ("body", "reason"),
    [
        (b"", "not JSON"),
        (b"{'single': 'quotes'}", "not JSON"),
        (b"[" * 100 + b"]" * 100, "not JSON"),
        (b"[1, 2]", "a JSON list of 2 items"),
        (b"[]", "a JSON list of 0 items"),
        (b"null", "not an object"),
        (json.dumps({str(n): n for n in range(1001)}).encode(), "more than 1000 fields"),
    ],
)
def test_what_is_not_one_json_object_is_unreadable_and_says_why(body: bytes, reason: str) -> None:
    with pytest.raises(UnreadablePush, match=reason):
        json_fields(body)


def test_a_php_form_nests_by_brackets_and_its_lists_join() -> None:
    body = b"name=Ana&servicios%5B%5D=A&servicios%5B%5D=B&entry%5B1.3%5D=Ana&deep%5Ba%5D%5Bb%5D=x&plain%5Bnot=y"
    assert form_fields(body) == {
        "name": "Ana",
        "servicios": "A, B",
        "entry.1.3": "Ana",
        "deep.a.b": "x",
        "plain[not": "y",
    }


def test_a_form_with_too_many_fields_is_unreadable() -> None:
    with pytest.raises(UnreadablePush, match="more than 1000 fields"):
        form_fields("&".join(f"f{n}=x" for n in range(1001)).encode())


def test_elementors_simple_format_keys_fields_by_label() -> None:
    body = elementor_simple(
        "3f2a1b7", {"Nombre": "Ana", "No Label field_9": "x"}, date="December 6, 2026", time="2:03 pm"
    )
    submission = elementor_submission(http_build_query(body).encode())
    assert submission.form_id == "3f2a1b7"
    assert submission.fields["Nombre"] == "Ana" and submission.fields["No Label field_9"] == "x"
    assert submission.fields["Date"] == "December 6, 2026" and "form_id" not in submission.fields


def test_elementors_advanced_data_keys_fields_by_id_or_by_the_label_a_mapping_names() -> None:
    fields = [
        elementor_field("name", "Nombre", "Ana Ruiz"),
        elementor_field("field_c3", "Servicios", ["Almacenamiento", "Cross-docking"], "checkbox"),
    ]
    body = elementor_advanced("3f2a1b7", fields, date="December 6, 2026", time="2:03 pm")
    submission = elementor_submission(http_build_query(body).encode())
    assert submission.keyed_for(()) == {
        "name": "Ana Ruiz",
        "field_c3": "Almacenamiento, Cross-docking",
        "form_name": "Contacto",
        "date": "December 6, 2026",
        "time": "2:03 pm",
        "page_url": "https://shop.example/contacto/",
        "remote_ip": "203.0.113.7",
    }
    by_label = submission.keyed_for({"Servicios", "name"})
    assert by_label["Servicios"] == "Almacenamiento, Cross-docking" and by_label["name"] == "Ana Ruiz"


@pytest.mark.parametrize("body", [b"", b"Nombre=Ana", b"form%5Bname%5D=Contacto&form%5Bid%5D="])
def test_a_body_without_elementors_form_id_is_unreadable(body: bytes) -> None:
    with pytest.raises(UnreadablePush, match="not the body of Elementor's Webhook action"):
        elementor_submission(body)
