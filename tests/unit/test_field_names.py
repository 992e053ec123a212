"""How a submission names a value keyed by field id: by its label where that names one field for sure."""

from __future__ import annotations

import unicodedata

from leadsmanager.application.discovery.field_names import field_names


def test_a_value_is_named_by_its_label() -> None:
    assert field_names({"1.3": "Name (First)", "2": "Email"}, ()) == {"1.3": "Name (First)", "2": "Email"}


def test_a_mapping_by_key_wins_and_keeps_the_key() -> None:
    assert field_names({"2": "Email", "3": "Phone"}, {"2", "Phone"}) == {"2": "2", "3": "Phone"}


def test_a_label_shared_by_two_fields_or_equal_to_a_key_names_neither() -> None:
    labels = {"1": "Phone", "2": "phone ", "3": "Phone", "4": "1", "5": ""}
    assert field_names({**labels, "2": "Other"}, ()) == {"1": "1", "2": "Other", "3": "3", "4": "4", "5": "5"}


def test_labels_compare_as_mappings_do_nfc_and_spacing() -> None:
    decomposed = unicodedata.normalize("NFD", "Correo  electrónico")
    assert field_names({"2": decomposed, "3": "Correo electrónico"}, ()) == {"2": "2", "3": "3"}
    assert field_names({"2": " Teléfono \t"}, ()) == {"2": "Teléfono"}
    assert field_names({"2": decomposed}, {"2"}) == {"2": "2"}
