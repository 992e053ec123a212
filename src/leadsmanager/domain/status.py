"""The lead pipeline: statuses and the table of legal moves between them."""

from __future__ import annotations

import enum

from attrs import frozen

from leadsmanager.domain.errors import ValidationError
from leadsmanager.domain.roles import Role


class LeadStatus(enum.StrEnum):
    NEW = "new"
    CONTACTED = "contacted"
    QUALIFIED = "qualified"
    PROPOSAL = "proposal"
    WON = "won"
    LOST = "lost"
    SPAM = "spam"

    @property
    def is_open(self) -> bool:
        return self not in CLOSED_STATUSES


CLOSED_STATUSES = frozenset({LeadStatus.WON, LeadStatus.LOST, LeadStatus.SPAM})
# The stages a lead passes on its way to a sale, in order. Lost and spam are outcomes, not stages.
PIPELINE = (LeadStatus.NEW, LeadStatus.CONTACTED, LeadStatus.QUALIFIED, LeadStatus.PROPOSAL, LeadStatus.WON)


def furthest(reached: LeadStatus, status: LeadStatus) -> LeadStatus:
    """The later pipeline stage of the two; an outcome off the pipeline reaches nothing new."""
    if status not in PIPELINE:
        return reached
    return max(reached, status, key=PIPELINE.index)


_EVERYONE = frozenset(Role)
_LEADS = frozenset({Role.ADMIN, Role.MANAGER})


@frozen
class StatusTransition:
    """A legal move and the roles allowed to make it."""

    source: LeadStatus
    target: LeadStatus
    roles: frozenset[Role]


def _moves(source: LeadStatus, roles: frozenset[Role], *targets: LeadStatus) -> list[StatusTransition]:
    return [StatusTransition(source, target, roles) for target in targets]


S = LeadStatus
TRANSITIONS: tuple[StatusTransition, ...] = (
    *_moves(S.NEW, _EVERYONE, S.CONTACTED, S.QUALIFIED, S.LOST),
    *_moves(S.CONTACTED, _EVERYONE, S.QUALIFIED, S.PROPOSAL, S.LOST),
    *_moves(S.QUALIFIED, _EVERYONE, S.CONTACTED, S.PROPOSAL, S.WON, S.LOST),
    *_moves(S.PROPOSAL, _EVERYONE, S.QUALIFIED, S.WON, S.LOST),
    # Marking spam hides a lead from everyone's queue; reopening undoes a closed outcome.
    *_moves(S.NEW, _LEADS, S.SPAM),
    *_moves(S.CONTACTED, _LEADS, S.SPAM),
    *_moves(S.WON, _LEADS, S.QUALIFIED, S.PROPOSAL),
    *_moves(S.LOST, _LEADS, S.CONTACTED, S.QUALIFIED),
    *_moves(S.SPAM, _LEADS, S.NEW),
)
_BY_MOVE = {(t.source, t.target): t for t in TRANSITIONS}


def transition(source: LeadStatus, target: LeadStatus) -> StatusTransition | None:
    return _BY_MOVE.get((source, target))


def allowed_targets(source: LeadStatus, role: Role) -> list[LeadStatus]:
    """Statuses `role` may move a lead to from `source`, in pipeline order."""
    return [s for s in LeadStatus if (t := _BY_MOVE.get((source, s))) is not None and role in t.roles]


def parse_status(value: str) -> LeadStatus:
    try:
        return LeadStatus(value.strip().lower())
    except ValueError:
        allowed = ", ".join(s.value for s in LeadStatus)
        message = f"unknown status {value!r}; use one of: {allowed}"
        raise ValidationError(message, {"status": message}) from None
