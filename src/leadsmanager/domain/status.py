"""The keys of the default pipeline's stages, and its moves, for code that speaks of those stages.

Stages are data (domain/pipeline): a lead's status is the key of a stage of the configured pipeline.
These names are the default preset's keys; the rules are the pipeline's, computed from stage kinds.
"""

from __future__ import annotations

import enum

from leadsmanager.domain.pipeline import DEFAULT, StatusTransition
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
        return DEFAULT.is_open(self)


# The stages a lead passes on its way to a sale, in order. Lost and spam are outcomes, not stages.
PIPELINE = tuple(LeadStatus(key) for key in DEFAULT.progression)


def furthest(reached: LeadStatus, status: LeadStatus) -> LeadStatus:
    """The later pipeline stage of the two; an outcome off the pipeline reaches nothing new."""
    return LeadStatus(DEFAULT.furthest(reached, status))


def transition(source: LeadStatus, target: LeadStatus) -> StatusTransition | None:
    return DEFAULT.transition(source, target)


def allowed_targets(source: LeadStatus, role: Role) -> list[LeadStatus]:
    """Statuses `role` may move a lead to from `source`, in pipeline order."""
    return [LeadStatus(key) for key in DEFAULT.allowed_targets(source, role)]


def parse_status(value: str) -> LeadStatus:
    return LeadStatus(DEFAULT.parse(value.lower()))
