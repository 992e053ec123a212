"""Pipelines each team defines: stages as data, and the legal moves computed from their kinds."""

from __future__ import annotations

from leadsmanager.domain.pipeline.change import CLI_ACTOR, StageChange
from leadsmanager.domain.pipeline.pipeline import Pipeline, StatusTransition
from leadsmanager.domain.pipeline.presets import DEFAULT, INTRALOG, PRESETS, preset
from leadsmanager.domain.pipeline.stage import LANGUAGES, Reason, Stage, StageKind

__all__ = [
    "CLI_ACTOR",
    "DEFAULT",
    "INTRALOG",
    "LANGUAGES",
    "PRESETS",
    "Pipeline",
    "Reason",
    "Stage",
    "StageChange",
    "StageKind",
    "StatusTransition",
    "preset",
]
