"""Admins edit the stages one change at a time: each checked by the domain against the stages as stored,
refused whole when it would break the pipeline or came from a stale form, and written to the audit log."""

from __future__ import annotations

import pytest

from leadsmanager.application.leads import ChangeStatus
from leadsmanager.application.pipeline import EditStages, StageEditor
from leadsmanager.domain.errors import Conflict, PermissionDenied, ValidationError
from leadsmanager.domain.lead import HistoryField
from leadsmanager.domain.pipeline import DEFAULT, Pipeline, StageKind
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
    reason_key,
)
from leadsmanager.domain.roles import Role
from leadsmanager.domain.user import User
from tests.conftest import UowFactory
from tests.support import FakeClock, actor, make_user, submit


@pytest.fixture
def admin(memory_uow: UowFactory) -> User:
    return make_user(memory_uow, Role.ADMIN, "Ada Admin")


def edit(uow: UowFactory, clock: FakeClock, change: StageEdit, by: Role = Role.ADMIN) -> Pipeline:
    """`change` made by an admin on a form showing the stages as they are now; the stages after it."""
    person = make_user(uow, by)
    with uow() as unit:
        version = unit.pipeline.current().version
    EditStages(uow, clock)(change, by=actor(person), version=version)
    with uow() as unit:
        return unit.pipeline.get()


def log(uow: UowFactory) -> list[tuple[str, str, str]]:
    with uow() as unit:
        return [(c.actor, c.action, c.detail) for c in unit.pipeline.changes()]


def test_an_added_stage_comes_last_with_its_labels_and_the_admin_in_the_log(
    memory_uow: UowFactory, clock: FakeClock
) -> None:
    admin = make_user(memory_uow, Role.ADMIN, "Ada Admin")
    version = DEFAULT.version
    EditStages(memory_uow, clock)(
        AddStage("noBudget", {"en": "No budget", "es": "Sin presupuesto"}, StageKind.LOST),
        by=actor(admin),
        version=version,
    )
    with memory_uow() as uow:
        added = uow.pipeline.get().stages[-1]
    assert (added.key, added.kind, added.label("es"), added.order) == ("noBudget", "lost", "Sin presupuesto", 8)
    assert log(memory_uow) == [
        ("ada.admin@staff.example.com", "add", "added stage noBudget (lost): en 'No budget' / es 'Sin presupuesto'")
    ]


def test_a_duplicate_key_is_refused_and_nothing_is_logged(memory_uow: UowFactory, clock: FakeClock) -> None:
    with pytest.raises(ValidationError, match="already a stage 'won'") as refused:
        edit(memory_uow, clock, AddStage("won", {"en": "Won again"}, StageKind.WON))
    assert "key" in refused.value.fields
    assert log(memory_uow) == []


def test_rename_reorder_and_start_are_kept_and_logged(memory_uow: UowFactory, clock: FakeClock) -> None:
    edit(memory_uow, clock, Rename("contacted", {"en": "Called", "es": "Llamado"}))
    edit(memory_uow, clock, Move("proposal", -1))
    after = edit(memory_uow, clock, SetStart("contacted"))
    assert after.keys[:4] == ["new", "contacted", "proposal", "qualified"]
    assert [s.order for s in after.stages] == list(range(1, 8))
    assert (after.label("contacted", "es"), after.start) == ("Llamado", "contacted")
    assert [action for _, action, _ in log(memory_uow)] == ["rename", "reorder", "start"]
    assert log(memory_uow)[1][2] == "moved stage proposal up to place 3"


def test_the_first_stage_cannot_move_up(memory_uow: UowFactory, clock: FakeClock) -> None:
    with pytest.raises(ValidationError, match="cannot move further"):
        edit(memory_uow, clock, Move("new", -1))


def test_a_stale_form_changes_nothing(memory_uow: UowFactory, clock: FakeClock, admin: User) -> None:
    editor = EditStages(memory_uow, clock)
    seen = DEFAULT.version  # both admins opened the page before either saved
    editor(Rename("won", {"en": "Closed won"}), by=actor(admin), version=seen)
    with pytest.raises(Conflict, match="changed meanwhile"):
        editor(Rename("won", {"en": "Signed"}), by=actor(admin), version=seen)
    with memory_uow() as uow:
        assert uow.pipeline.get().label("won") == "Closed won"
    assert len(log(memory_uow)) == 1


def test_a_stage_in_use_is_not_deleted_but_can_be_retired_and_its_leads_keep_it(
    memory_uow: UowFactory, clock: FakeClock
) -> None:
    lead_id = submit(memory_uow, clock)
    manager = actor(make_user(memory_uow, Role.MANAGER))
    ChangeStatus(memory_uow, clock)(lead_id, "contacted", by=manager)
    with pytest.raises(Conflict, match="1 lead holds contacted: a stage in use can only be retired"):
        edit(memory_uow, clock, Delete("contacted"))
    after = edit(memory_uow, clock, Retire("contacted", True))
    assert after.stage("contacted").retired
    with memory_uow() as uow:
        lead = uow.leads.get(lead_id)
        assert lead is not None and lead.status == "contacted"
    assert log(memory_uow)[-1][1:] == ("retire", "retired stage contacted; its 1 lead keeps it")
    assert not edit(memory_uow, clock, Retire("contacted", False)).stage("contacted").retired


def test_a_stage_no_lead_holds_is_deleted(memory_uow: UowFactory, clock: FakeClock) -> None:
    assert "qualified" not in edit(memory_uow, clock, Delete("qualified")).keys
    assert log(memory_uow)[-1][1:] == ("delete", "deleted stage qualified")


@pytest.mark.parametrize("change", [Retire("new", True), Delete("new")])
def test_the_start_stage_is_neither_retired_nor_deleted(
    memory_uow: UowFactory, clock: FakeClock, change: StageEdit
) -> None:
    with pytest.raises(ValidationError, match="where new leads start"):
        edit(memory_uow, clock, change)


def test_the_last_won_stage_in_use_cannot_be_retired(memory_uow: UowFactory, clock: FakeClock) -> None:
    with pytest.raises(ValidationError, match="needs a won stage"):
        edit(memory_uow, clock, Retire("won", True))


def test_a_kind_changes_only_while_no_lead_holds_the_stage(memory_uow: UowFactory, clock: FakeClock) -> None:
    assert edit(memory_uow, clock, ChangeKind("proposal", StageKind.EXCLUDED)).kind("proposal") == "excluded"
    submit(memory_uow, clock)
    with pytest.raises(Conflict, match="1 lead holds new: its kind stays open"):
        edit(memory_uow, clock, ChangeKind("new", StageKind.LOST))


@pytest.mark.parametrize("role", [Role.MANAGER, Role.EMPLOYEE])
def test_only_admins_edit_the_stages(memory_uow: UowFactory, clock: FakeClock, role: Role) -> None:
    with pytest.raises(PermissionDenied):
        edit(memory_uow, clock, Rename("won", {"en": "Signed"}), by=role)
    with pytest.raises(PermissionDenied):
        StageEditor(memory_uow)(by=actor(make_user(memory_uow, role)))


def test_renaming_to_the_same_labels_logs_nothing(memory_uow: UowFactory, clock: FakeClock, admin: User) -> None:
    done = EditStages(memory_uow, clock)(
        Rename("won", {"en": "won", "es": "ganado"}), by=actor(admin), version=DEFAULT.version
    )
    assert done is None and log(memory_uow) == []


def test_reasons_are_kept_per_stage_and_a_required_one_is_asked_of_every_move(
    memory_uow: UowFactory, clock: FakeClock
) -> None:
    with pytest.raises(ValidationError, match="add one to its list first"):
        edit(memory_uow, clock, RequireReason("lost", True))
    edit(memory_uow, clock, AddReason("lost", {"en": "Too expensive", "es": "Muy caro"}))
    edit(memory_uow, clock, AddReason("lost", {"en": "Went silent"}))
    edit(memory_uow, clock, RenameReason("lost", "tooExpensive", {"en": "Price", "es": "Precio"}))
    after = edit(memory_uow, clock, RequireReason("lost", True))
    lost = after.stage("lost")
    assert [(r.key, r.label("es")) for r in lost.reasons] == [("tooExpensive", "Precio"), ("wentSilent", "Went silent")]
    with pytest.raises(ValidationError, match="only a lost or excluded stage keeps reasons"):
        edit(memory_uow, clock, AddReason("won", {"en": "Luck"}))

    lead_id = submit(memory_uow, clock)
    manager = actor(make_user(memory_uow, Role.MANAGER))
    change = ChangeStatus(memory_uow, clock)
    for missing in (None, "", "luck"):
        with pytest.raises(ValidationError, match="needs a reason") as refused:
            change(lead_id, "lost", by=manager, reason=missing)
        assert "tooExpensive, wentSilent" in str(refused.value) and "reason" in refused.value.fields
    edit(memory_uow, clock, RetireReason("lost", "wentSilent", True))
    with pytest.raises(ValidationError, match=r"use one of: tooExpensive$"):
        change(lead_id, "lost", by=manager, reason="wentSilent")
    lead = change(lead_id, "lost", by=manager, reason="tooExpensive")
    entry = lead.history[-1]
    assert (entry.field, entry.new, entry.reason) == (HistoryField.STATUS, "lost", "tooExpensive")


def test_the_last_offered_reason_of_a_stage_that_requires_one_stays(memory_uow: UowFactory, clock: FakeClock) -> None:
    edit(memory_uow, clock, AddReason("lost", {"en": "Price"}))
    edit(memory_uow, clock, RequireReason("lost", True))
    with pytest.raises(ValidationError, match="requires a reason"):
        edit(memory_uow, clock, RetireReason("lost", "price", True))


def test_a_reason_key_is_made_from_its_english_label() -> None:
    assert reason_key("Ofrece servicios / busca trabajo", []) == "ofreceServicio"
    assert reason_key("Precio", ["precio"]) == "precio2"
    assert reason_key("¿?", []) == "reason"
    assert reason_key("3 months", []) == "r3Months"


def test_the_editor_offers_delete_and_retire_only_where_the_domain_allows(
    memory_uow: UowFactory, clock: FakeClock, admin: User
) -> None:
    submit(memory_uow, clock)  # a lead in `new`, the start
    sheet = StageEditor(memory_uow)(by=actor(admin))
    assert sheet.held == {"new": 1}
    assert sheet.deletable == {"contacted", "qualified", "proposal", "lost"}  # not the start, the last won or spam
    assert sheet.retirable == {"contacted", "qualified", "proposal", "lost"}
    assert sheet.pipeline.version == DEFAULT.version
