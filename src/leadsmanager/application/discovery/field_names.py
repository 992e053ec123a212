"""What a form's value is called in a submission: its field's label where that names one field for sure, else its key.

Some APIs key values by field id ("1.3", "4") and give the labels beside them (Gravity Forms). Naming a
value by its label lets a mapping be written as the form reads (`Email=email`) and a lead's extras read
as the form does. A value keeps its key instead when:
- the mapping names that key: a mapping by id always wins, and is the one that survives relabelling;
- its field has no label, or a label another field of the form also has (which one would it be?);
- its label is another field's key (a field labelled "4" next to field 4).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Collection, Mapping

from leadsmanager.application.intake.form_mapping import field_label


def field_names(labels: Mapping[str, str], mapped: Collection[str]) -> dict[str, str]:
    """Each key's name; `labels` maps a key to its label, `mapped` holds the names a mapping uses."""
    wanted = {field_label(name) for name in mapped}
    keys = {field_label(key) for key in labels}
    shared = Counter(field_label(label) for label in labels.values() if label.strip())
    names = {}
    for key, label in labels.items():
        seen = field_label(label)
        usable = bool(seen) and shared[seen] == 1 and seen not in keys and field_label(key) not in wanted
        names[key] = seen if usable else key
    return names
