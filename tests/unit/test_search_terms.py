"""Search terms: folding text for search is the same whether or not it takes the ASCII shortcut."""

from __future__ import annotations

import unicodedata

from hypothesis import given
from hypothesis import strategies as st

from leadsmanager.domain.search import fold, lead_terms


def folded_the_long_way(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


@given(st.text())
def test_folding_any_text_matches_the_full_unicode_fold(text: str) -> None:
    assert fold(text) == folded_the_long_way(text)


@given(st.text(alphabet=st.characters(max_codepoint=127)))
def test_folding_ascii_text_matches_the_full_unicode_fold(text: str) -> None:
    assert fold(text) == folded_the_long_way(text)


def test_accents_and_case_do_not_matter_to_search() -> None:
    assert lead_terms("José GARCÍA", "Zoë & Co", "Jose.Garcia@Example.com", "+34 600 000 001") == {
        *("jose", "garcia", "zoe", "co", "example", "com"),
        *("34600000001", "~10000000643"),
    }
