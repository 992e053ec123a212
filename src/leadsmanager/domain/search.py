"""Search terms: how a lead is found by name, company, email or phone fragments.

Both the in-memory and the SQL repositories match a query the same way: every query
term must be the prefix of one of the lead's terms.
"""

from __future__ import annotations

import re
import unicodedata

MAX_TERM_LENGTH = 64
_WORD = re.compile(r"[^\W_]+")
_PHONE_QUERY = re.compile(r"^[\d\s()+.\-]+$")
# Reversed phone digits let a prefix index answer "ends with 5551234".
PHONE_SUFFIX_MARK = "~"


def fold(text: str) -> str:
    """Lower case without accents, so that 'García' is found by 'garcia'."""
    if text.isascii():
        return text.lower()  # the same for ASCII, without a pass over every character
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def words(text: str) -> list[str]:
    return [w[:MAX_TERM_LENGTH] for w in _WORD.findall(fold(text))]


def lead_terms(contact_name: str, company: str, email: str | None, phone: str | None) -> set[str]:
    terms = set(words(contact_name)) | set(words(company)) | set(words(email or ""))
    digits = "".join(c for c in phone or "" if c.isdigit())
    if digits:
        terms.add(digits[:MAX_TERM_LENGTH])
        terms.add((PHONE_SUFFIX_MARK + digits[::-1])[:MAX_TERM_LENGTH])
    return terms


def query_terms(query: str) -> list[list[str]]:
    """Each inner list holds alternatives; a lead matches when every list has one prefix match."""
    text = query.strip()
    digits = "".join(c for c in text if c.isdigit())
    if len(digits) >= 4 and _PHONE_QUERY.match(text):
        return [[digits[:MAX_TERM_LENGTH], (PHONE_SUFFIX_MARK + digits[::-1])[:MAX_TERM_LENGTH]]]
    return [[w] for w in dict.fromkeys(words(text))]


def matches(terms: set[str], query: list[list[str]]) -> bool:
    return all(any(t.startswith(alt) for t in terms for alt in alternatives) for alternatives in query)
