"""The moves of any pipeline follow from its stages' kinds; the two presets as shipped."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from leadsmanager.domain.errors import NotFound, ValidationError
from leadsmanager.domain.pipeline import DEFAULT, INTRALOG, PRESETS, Pipeline, Stage, StageKind, preset
from leadsmanager.domain.roles import Role

K = StageKind
CLOSING = (K.WON, K.LOST, K.EXCLUDED)


@st.composite
def pipelines(draw: st.DrawFn) -> Pipeline:
    """Random stages with at least one live open, won and spam stage; some retired."""
    kinds = [K.OPEN, K.WON, K.SPAM, *draw(st.lists(st.sampled_from(list(StageKind)), max_size=8))]
    order = draw(st.permutations(range(len(kinds))))
    retired = [False, False, False, *draw(st.lists(st.booleans(), min_size=len(kinds) - 3, max_size=len(kinds) - 3))]
    stages = [Stage(f"s{n}", {"en": f"Stage {n}"}, order[n], kind, retired[n]) for n, kind in enumerate(kinds)]
    return Pipeline.of(stages, start="s0")


@given(pipelines(), st.data())
def test_a_move_is_allowed_to_whom_the_kinds_say(pipeline: Pipeline, data: st.DataObject) -> None:
    source = data.draw(st.sampled_from(pipeline.stages))
    target = data.draw(st.sampled_from(pipeline.stages))
    move = pipeline.transition(source.key, target.key)
    if source.key == target.key or target.retired:
        assert move is None
    elif K.SPAM in (source.kind, target.kind) or (not source.is_open and target.is_open):
        assert move is not None and move.roles == {Role.MANAGER, Role.ADMIN}
    elif source.is_open:
        assert move is not None and move.roles == set(Role)
    else:  # closed to closed: reopen first
        assert move is None


@given(pipelines(), st.data())
def test_allowed_targets_agree_with_transition_and_keep_the_pipeline_order(
    pipeline: Pipeline, data: st.DataObject
) -> None:
    source = data.draw(st.sampled_from(pipeline.keys))
    role = data.draw(st.sampled_from(list(Role)))
    targets = pipeline.allowed_targets(source, role)
    assert targets == [k for k in pipeline.keys if (t := pipeline.transition(source, k)) and role in t.roles]
    assert set(pipeline.allowed_targets(source, Role.EMPLOYEE)) <= set(pipeline.allowed_targets(source, Role.MANAGER))
    assert pipeline.allowed_targets(source, Role.MANAGER) == pipeline.allowed_targets(source, Role.ADMIN)


@given(pipelines(), st.data())
def test_every_lead_can_be_closed_by_its_owner_and_reopened_by_a_manager(
    pipeline: Pipeline, data: st.DataObject
) -> None:
    live = [s for s in pipeline.stages if not s.retired]
    open_stage = data.draw(st.sampled_from([s for s in live if s.is_open]))
    won = next(s for s in live if s.kind is K.WON)
    assert won.key in pipeline.allowed_targets(open_stage.key, Role.EMPLOYEE)
    assert open_stage.key in pipeline.allowed_targets(won.key, Role.MANAGER)
    assert open_stage.key not in pipeline.allowed_targets(won.key, Role.EMPLOYEE)


@given(pipelines(), st.data())
def test_the_furthest_stage_only_moves_forward_along_the_progression(pipeline: Pipeline, data: st.DataObject) -> None:
    reached = data.draw(st.sampled_from(pipeline.progression))
    status = data.draw(st.sampled_from(pipeline.keys))
    after = pipeline.furthest(reached, status)
    assert after in pipeline.progression
    assert pipeline.progression.index(after) >= pipeline.progression.index(reached)
    if status not in pipeline.progression:
        assert after == reached


def test_the_default_preset_is_the_pipeline_leads_always_had() -> None:
    assert DEFAULT.keys == ["new", "contacted", "qualified", "proposal", "won", "lost", "spam"]
    assert [DEFAULT.label(k) for k in DEFAULT.keys] == DEFAULT.keys
    assert DEFAULT.start == "new" and DEFAULT.progression == ["new", "contacted", "qualified", "proposal", "won"]
    assert [DEFAULT.kind(k) for k in ("won", "lost", "spam")] == [K.WON, K.LOST, K.SPAM]


def test_in_the_default_preset_employees_work_and_close_and_managers_reopen_and_mark_spam() -> None:
    assert DEFAULT.allowed_targets("new", Role.EMPLOYEE) == ["contacted", "qualified", "proposal", "won", "lost"]
    assert DEFAULT.allowed_targets("new", Role.MANAGER)[-1] == "spam"
    assert DEFAULT.allowed_targets("won", Role.EMPLOYEE) == []
    assert DEFAULT.allowed_targets("lost", Role.MANAGER) == ["new", "contacted", "qualified", "proposal", "spam"]
    assert DEFAULT.transition("won", "lost") is None


def test_the_intralog_preset_has_the_original_systems_stages_in_both_languages() -> None:
    assert INTRALOG.start == "esperandoDatos"
    assert [INTRALOG.label(k, "es") for k in INTRALOG.keys[:8]] == [
        "1) Esperando datos",
        "2) Falta cotizar",
        "3) Cotizado",
        "4) Avanzando",
        "5) No avanzó",
        "6) No viable",
        "7) Nuevo cliente",
        "8) Negativo",
    ]
    assert all(INTRALOG.label(k, "en") != INTRALOG.label(k, "es") for k in INTRALOG.keys[:8])
    assert INTRALOG.of_kind(K.LOST) == ["noAvanzo", "noViable"]
    assert INTRALOG.of_kind(K.WON, K.EXCLUDED) == ["nuevoCliente", "negativo"]
    assert "negativo" in INTRALOG.allowed_targets("esperandoDatos", Role.EMPLOYEE)
    assert INTRALOG.allowed_targets("negativo", Role.EMPLOYEE) == []
    assert "avanzando" in INTRALOG.allowed_targets("negativo", Role.MANAGER)


def test_a_label_falls_back_to_english_and_an_unknown_key_shows_itself() -> None:
    assert INTRALOG.label("cotizado", "fr") == "3) Quoted"
    assert DEFAULT.label("gone", "es") == "gone"


def test_a_status_is_named_by_its_key_whatever_the_case() -> None:
    assert INTRALOG.parse(" NOAVANZO ") == "noAvanzo"
    with pytest.raises(ValidationError, match="use one of: esperandoDatos, faltaCotizar"):
        INTRALOG.parse("pendiente")


@pytest.mark.parametrize(
    ("stages", "start", "complaint"),
    [
        ([Stage("a", {"en": "A"}, 1, K.OPEN), Stage("a", {"en": "B"}, 2, K.WON)], "a", "must differ"),
        ([Stage("a", {"en": "A"}, 1, K.WON), Stage("s", {"en": "S"}, 2, K.SPAM)], "a", "open stage"),
        ([Stage("a", {"en": "A"}, 1, K.OPEN), Stage("s", {"en": "S"}, 2, K.SPAM)], "a", "won stage"),
    ],
)
def test_a_pipeline_that_could_not_work_is_refused(stages: list[Stage], start: str, complaint: str) -> None:
    with pytest.raises(ValidationError, match=complaint):
        Pipeline.of(stages, start=start)


def test_a_stage_needs_a_usable_key_a_label_and_a_reason_only_when_it_closes() -> None:
    with pytest.raises(ValidationError, match="a letter then"):
        Stage("1) x", {"en": "x"}, 1, K.OPEN)
    with pytest.raises(ValidationError, match="needs a label"):
        Stage("x", {"en": " ", "es": ""}, 1, K.OPEN)
    spanish_only = Stage("x", {"es": "Esperando datos"}, 1, K.OPEN)
    assert spanish_only.label("es") == spanish_only.label("en") == "Esperando datos"
    with pytest.raises(ValidationError, match="only a lost or excluded"):
        Stage("x", {"en": "x"}, 1, K.OPEN, requires_reason=True)


def test_presets_are_found_by_name() -> None:
    assert preset("intralog") is INTRALOG and set(PRESETS) == {"default", "intralog"}
    with pytest.raises(NotFound, match="use one of: default, intralog"):
        preset("odoo")
