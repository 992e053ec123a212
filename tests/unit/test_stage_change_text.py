"""The stage editor's log says each change in its reader's language, from what the change was logged
with; in English it says exactly the words stored for the CLI and the logs."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from leadsmanager.domain.pipeline import DEFAULT, StageChange, StageKind
from leadsmanager.domain.pipeline.edits import (
    AddReason,
    AddStage,
    ChangeKind,
    Delete,
    Move,
    Rename,
    RenameReason,
    RequireReason,
    Retire,
    RetireReason,
    SetStart,
    StageEdit,
)
from leadsmanager.entrypoints.web.i18n.catalogues import translations
from leadsmanager.entrypoints.web.i18n.stage_changes import StageChangeText

AT = datetime(2026, 3, 1, tzinfo=UTC)
WITH_REASON = AddReason("lost", {"en": "Too expensive"}).apply(DEFAULT, {}).pipeline
EDITS: list[tuple[StageEdit, dict[str, int]]] = [
    (AddStage("noBudget", {"en": "No budget", "es": "Sin presupuesto"}, StageKind.LOST), {}),
    (Rename("won", {"en": "Signed", "es": "Firmado"}), {}),
    (Move("won", -1), {}),
    (Move("qualified", 1), {}),
    (RequireReason("lost", True), {}),
    (RequireReason("lost", False), {}),
    (Retire("proposal", True), {}),
    (Retire("proposal", True), {"proposal": 1}),
    (Retire("proposal", True), {"proposal": 4}),
    (Retire("proposal", False), {}),
    (Delete("proposal"), {}),
    (SetStart("contacted"), {}),
    (ChangeKind("qualified", StageKind.EXCLUDED), {}),
    (AddReason("lost", {"en": "Too dear", "es": "Muy caro"}), {}),
]


def text(language: str) -> StageChangeText:
    catalogue = translations(language)
    return StageChangeText(catalogue.gettext, catalogue.ngettext, {"lost": "LOST", "excluded": "EXCLUDED"})


def logged(edit: StageEdit, held: dict[str, int]) -> StageChange:
    edited = edit.apply(WITH_REASON, held)
    return StageChange(AT, "ada@example.com", edited.action, edited.detail, edited.params)


@pytest.mark.parametrize(("edit", "held"), EDITS, ids=lambda e: type(e).__name__ if not isinstance(e, dict) else "")
def test_in_english_each_change_reads_as_its_stored_words(edit: StageEdit, held: dict[str, int]) -> None:
    change = logged(edit, held)
    english = StageChangeText(translations("en").gettext, translations("en").ngettext, {})
    assert english(change) == change.detail
    assert text("es")(change) != change.detail


def test_the_reasons_changes_too() -> None:
    english = StageChangeText(translations("en").gettext, translations("en").ngettext, {})
    for edit in (
        RenameReason("lost", "tooExpensive", {"en": "Pricey", "es": "Caro"}),
        RetireReason("lost", "tooExpensive", True),
        RetireReason("lost", "tooExpensive", False),
    ):
        change = logged(edit, {})
        assert english(change) == change.detail
        assert text("es")(change).startswith("se ")


def test_spanish_says_kinds_and_counts_in_its_words() -> None:
    assert text("es")(logged(Retire("proposal", True), {"proposal": 1})) == (
        "se retiró la etapa proposal; su 1 lead la conserva"
    )
    assert text("es")(logged(ChangeKind("qualified", StageKind.EXCLUDED), {})) == (
        "la etapa qualified ahora es EXCLUDED (era open)"
    )


def test_an_entry_logged_without_its_parameters_or_unreadable_ones_keeps_its_words() -> None:
    assert text("es")(StageChange(AT, "cli", "apply", "applied preset default")) == "applied preset default"
    odd = StageChange(AT, "cli", "rename", "renamed stage x", {"key": "x"})
    assert text("es")(odd) == "renamed stage x"
    later = StageChange(AT, "cli", "merge", "merged stages", {"key": "x"})
    assert text("es")(later) == "merged stages"
