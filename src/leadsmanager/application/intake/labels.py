"""Form field names and answers as people type them: compared after Unicode NFC and collapsed whitespace."""

from __future__ import annotations

import unicodedata


def field_label(name: str) -> str:
    """A field's name as mappings match it: Unicode NFC, whitespace collapsed (labels such as
    "Correo electrónico" may be typed decomposed, or carry a stray space on the site)."""
    return " ".join(unicodedata.normalize("NFC", name).split())
