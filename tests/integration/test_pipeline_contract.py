"""One contract for the configured pipeline and its audit log: in memory, SQLite and MariaDB alike."""

from __future__ import annotations

import pytest
from attrs import evolve

from leadsmanager.application.pipeline import ApplyPreset
from leadsmanager.domain.actor import Actor
from leadsmanager.domain.errors import Conflict, ValidationError
from leadsmanager.domain.pipeline import CLI_ACTOR, DEFAULT, Pipeline, Reason, Stage, StageChange, StageKind
from leadsmanager.domain.roles import Role
from leadsmanager.domain.status import LeadStatus
from tests.conftest import UowFactory
from tests.support import START, FakeClock, new_lead, store

MANAGER = Actor(user_id=None, role=Role.MANAGER, name="Max")
RENAMED = Pipeline.of(
    [
        Stage("new", {"en": "Fresh", "es": "Nuevo ñandú"}, 1, StageKind.OPEN),
        Stage("won", {"en": "Won"}, 2, StageKind.WON),
        Stage(
            "lost",
            {"en": "Lost"},
            3,
            StageKind.LOST,
            retired=True,
            requires_reason=True,
            reasons=(
                Reason("price", {"en": "Price", "es": "Precio"}),
                Reason("silent", {"en": "Silent"}, retired=True),
            ),
        ),
        Stage("spam", {"en": "Spam"}, 4, StageKind.SPAM),
    ],
    start="new",
)


def test_a_fresh_database_has_the_default_pipeline_and_no_changes(uow_factory: UowFactory) -> None:
    with uow_factory() as uow:
        assert uow.pipeline.get() == DEFAULT
        assert uow.pipeline.changes() == []


def test_a_replaced_pipeline_reads_back_whole_with_its_change_logged(uow_factory: UowFactory) -> None:
    change = StageChange(START, CLI_ACTOR, "apply", "renamed new to Fresh")
    with uow_factory() as uow:
        uow.pipeline.replace(RENAMED, change)
        uow.commit()
    with uow_factory() as uow:
        assert uow.pipeline.get() == RENAMED
        assert uow.pipeline.current(lock=True) == RENAMED
        assert uow.pipeline.current().version == RENAMED.version != DEFAULT.version
        assert uow.pipeline.changes() == [change]


def test_a_changes_parameters_read_back_as_logged(uow_factory: UowFactory) -> None:
    labels = {"before": {"en": "new"}, "after": {"en": "Fresh", "es": "Fresco ñ"}}
    change = StageChange(START, CLI_ACTOR, "rename", "renamed stage new", {"key": "new", **labels, "place": 2})
    with uow_factory() as uow:
        uow.pipeline.replace(RENAMED, change)
        uow.commit()
    with uow_factory() as uow:
        assert uow.pipeline.changes() == [change]


def test_a_status_changes_reason_is_kept_in_the_leads_history(uow_factory: UowFactory) -> None:
    reasons = Pipeline.of([*RENAMED.stages[:2], evolve(RENAMED.stages[2], retired=False), RENAMED.stages[3]], "new")
    with uow_factory() as uow:
        uow.pipeline.replace(reasons, StageChange(START, CLI_ACTOR, "apply", "lost asks why"))
        uow.commit()
    [lead_id] = store(uow_factory, new_lead(1))
    with uow_factory() as uow:
        lead = uow.leads.get(lead_id)
        assert lead is not None
        lead.change_status("lost", by=MANAGER, at=START, pipeline=reasons, reason="price")
        uow.leads.save(lead)
        uow.commit()
    with uow_factory() as uow:
        found = uow.leads.get(lead_id, with_history=True)
    assert found is not None
    assert [(e.new, e.reason) for e in found.history] == [("new", None), ("lost", "price")]


def test_a_replacement_not_committed_leaves_the_pipeline_as_it_was(uow_factory: UowFactory) -> None:
    with uow_factory() as uow:
        uow.pipeline.replace(RENAMED, StageChange(START, CLI_ACTOR, "apply", "x"))
    with uow_factory() as uow:
        assert uow.pipeline.get() == DEFAULT and uow.pipeline.changes() == []


def test_leads_are_counted_by_the_stage_they_hold(uow_factory: UowFactory) -> None:
    won = new_lead(2)
    won.change_status(LeadStatus.WON, by=MANAGER, at=START)
    store(uow_factory, new_lead(1), won, new_lead(3))
    with uow_factory() as uow:
        assert uow.pipeline.leads_by_status() == {"new": 2, "won": 1}


def test_leads_in_a_stage_that_changes_kind_take_the_new_kind_and_free_their_contact(uow_factory: UowFactory) -> None:
    excluding = Pipeline.of(
        [
            Stage("new", {"en": "New"}, 1, StageKind.OPEN),
            Stage("contacted", {"en": "Not a prospect"}, 2, StageKind.EXCLUDED),
            Stage("won", {"en": "Won"}, 3, StageKind.WON),
            Stage("spam", {"en": "Spam"}, 4, StageKind.SPAM),
        ],
        start="new",
    )
    vendor = new_lead(1)
    vendor.change_status(LeadStatus.CONTACTED, by=MANAGER, at=START)
    [vendor_id] = store(uow_factory, vendor)
    with uow_factory() as uow:
        uow.pipeline.replace(excluding, StageChange(START, CLI_ACTOR, "apply", "contacted excludes"))
        uow.commit()
    with uow_factory() as uow:
        found = uow.leads.get(vendor_id)
        assert found is not None
        assert (found.status, found.status_kind, found.is_open) == ("contacted", "excluded", False)
    again = new_lead(1)  # the same person writes again: their excluded lead is not open, so this is a new one
    assert again.email == vendor.email
    [again_id] = store(uow_factory, again)
    assert again_id != vendor_id


def test_applying_a_preset_moves_the_leads_of_stages_it_lacks_where_the_map_says(
    uow_factory: UowFactory,
) -> None:
    imported = []
    for n, key in enumerate(["pendiente", "pendiente", "gestionExitosa"], 1):
        lead = new_lead(n)
        lead.place(key, DEFAULT)  # leads brought in with stages no pipeline has, as an import might
        imported.append(lead)
    ids = store(uow_factory, *imported)
    apply = ApplyPreset(uow_factory, FakeClock(), batch=1)
    with pytest.raises(Conflict, match=r"lacks: gestionExitosa \(1 lead\); say where they go"):
        apply("default", actor=CLI_ACTOR, moves={"pendiente": "new"})
    with pytest.raises(ValidationError, match="unknown status 'ganado'"):
        apply("default", actor=CLI_ACTOR, moves={"pendiente": "new", "gestionExitosa": "ganado"})
    apply("default", actor=CLI_ACTOR, moves={"pendiente": "new", "gestionExitosa": "WON"})
    with uow_factory() as uow:
        moved = [uow.leads.get(i, with_history=True) for i in ids]
        log = uow.pipeline.changes()
    assert [(x.status, x.status_kind, x.is_open) for x in moved if x] == [
        ("new", "open", True),
        ("new", "open", True),
        ("won", "won", False),
    ]
    assert [(e.old, e.new, e.actor_id) for e in moved[2].history if e.field == "status"][-1] == (  # type: ignore[union-attr]
        "gestionExitosa",
        "won",
        None,
    )
    assert log[-1].detail.endswith("; moved 1 lead from gestionExitosa to won; moved 2 leads from pendiente to new")
