"""The pipeline: legal moves, who may make them, and history that always tells the truth."""

from __future__ import annotations

from datetime import timedelta

import pytest
from hypothesis import settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, rule

from leadsmanager.domain.actor import Actor
from leadsmanager.domain.errors import InvalidStatusTransition
from leadsmanager.domain.roles import Role
from leadsmanager.domain.status import LeadStatus, allowed_targets, transition
from tests.support import START, new_lead

EMPLOYEE = Actor(user_id=7, role=Role.EMPLOYEE, name="Emma")
MANAGER = Actor(user_id=8, role=Role.MANAGER, name="Max")
S = LeadStatus


def test_the_pipeline_moves_forward_for_everyone() -> None:
    lead = new_lead()
    for target in (S.CONTACTED, S.QUALIFIED, S.PROPOSAL, S.WON):
        lead.change_status(target, by=EMPLOYEE, at=START)
    assert lead.status == S.WON
    assert [e.new for e in lead.history] == ["new", "contacted", "qualified", "proposal", "won"]


@pytest.mark.parametrize(
    ("source", "target"),
    [(S.WON, S.QUALIFIED), (S.LOST, S.CONTACTED), (S.NEW, S.SPAM), (S.CONTACTED, S.SPAM), (S.SPAM, S.NEW)],
)
def test_only_managers_and_admins_reopen_or_mark_spam(source: LeadStatus, target: LeadStatus) -> None:
    assert target not in allowed_targets(source, Role.EMPLOYEE)
    assert target in allowed_targets(source, Role.MANAGER)
    assert target in allowed_targets(source, Role.ADMIN)


def test_an_employee_is_told_why_a_reopen_is_refused() -> None:
    lead = new_lead()
    lead.change_status(S.LOST, by=EMPLOYEE, at=START)
    with pytest.raises(InvalidStatusTransition, match="only a manager or admin"):
        lead.change_status(S.CONTACTED, by=EMPLOYEE, at=START)
    lead.change_status(S.CONTACTED, by=MANAGER, at=START)
    assert lead.status == S.CONTACTED


def test_a_closed_lead_is_reopened_before_it_closes_another_way() -> None:
    assert transition(S.WON, S.LOST) is None
    assert transition(S.LOST, S.WON) is None
    assert transition(S.NEW, S.WON) is not None  # an open lead may close straight away


def test_every_status_is_reachable_and_every_closed_one_can_be_left() -> None:
    targets = {target for source in LeadStatus for target in allowed_targets(source, Role.ADMIN)}
    assert targets == set(LeadStatus)
    for closed in (S.WON, S.LOST, S.SPAM):
        assert allowed_targets(closed, Role.MANAGER)


class LeadLifecycle(RuleBasedStateMachine):
    """Random moves by random roles: legal ones land in history, illegal ones change nothing."""

    def __init__(self) -> None:
        super().__init__()
        self.lead = new_lead()
        self.expected: list[tuple[str, str | None, str | None]] = [("status", None, "new")]
        self.clock = START

    def _tick(self) -> None:
        self.clock += timedelta(minutes=1)

    @rule(status=st.sampled_from(LeadStatus), actor=st.sampled_from([EMPLOYEE, MANAGER]))
    def change_status(self, status: LeadStatus, actor: Actor) -> None:
        self._tick()
        before = self.lead.status
        move = transition(LeadStatus(before), status)
        if move is not None and actor.role in move.roles:
            self.lead.change_status(status, by=actor, at=self.clock)
            self.expected.append(("status", str(before), str(status)))
        else:
            with pytest.raises(InvalidStatusTransition):
                self.lead.change_status(status, by=actor, at=self.clock)
            assert self.lead.status == before

    @rule(assignee=st.sampled_from([None, 7, 8]))
    def assign(self, assignee: int | None) -> None:
        self._tick()
        before = self.lead.assignee_id
        self.lead.assign(assignee, by=MANAGER, at=self.clock)
        if assignee != before:
            self.expected.append(("assignee", None if before is None else str(before), _s(assignee)))

    @rule(text=st.text(min_size=1, max_size=20).filter(str.strip))
    def note(self, text: str) -> None:
        self._tick()
        self.lead.add_note(text, by=EMPLOYEE, at=self.clock)
        self.expected.append(("note", None, text.strip()))

    @invariant()
    def history_equals_the_changes_made(self) -> None:
        assert [(e.field, e.old, e.new) for e in self.lead.history] == self.expected
        stamps = [e.at for e in self.lead.history]
        assert stamps == sorted(stamps)

    @invariant()
    def the_status_is_the_last_recorded_one(self) -> None:
        last = [new for field, _, new in self.expected if field == "status"][-1]
        assert self.lead.status == last


def _s(value: int | None) -> str | None:
    return None if value is None else str(value)


LeadLifecycle.TestCase.settings = settings(max_examples=200, stateful_step_count=30, deadline=None)
TestLeadLifecycle = LeadLifecycle.TestCase
