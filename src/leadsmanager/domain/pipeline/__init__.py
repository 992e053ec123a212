"""Pipelines each team defines: stages as data, and the legal moves computed from their kinds."""

from __future__ import annotations

from leadsmanager.domain.pipeline.pipeline import Pipeline, StatusTransition
from leadsmanager.domain.pipeline.presets import DEFAULT, INTRALOG, PRESETS, preset
from leadsmanager.domain.pipeline.stage import LANGUAGES, Stage, StageKind

__all__ = [
    "DEFAULT",
    "INTRALOG",
    "LANGUAGES",
    "PRESETS",
    "Pipeline",
    "Stage",
    "StageKind",
    "StatusTransition",
    "preset",
]
