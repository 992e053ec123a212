"""The languages the product speaks, by their ISO 639-1 codes, each named in itself."""

from __future__ import annotations

from leadsmanager.domain.errors import ValidationError

LANGUAGES: dict[str, str] = {"en": "English", "es": "Español"}
DEFAULT_LANGUAGE = "en"


def parse_language(code: str) -> str:
    """A supported language code, as typed (`es`, ` ES `); anything else is refused."""
    cleaned = code.strip().lower()
    if cleaned not in LANGUAGES:
        message = f"the language must be one of {', '.join(LANGUAGES)}, not {code.strip()[:20]!r}"
        raise ValidationError(message, {"language": message})
    return cleaned
