"""The configured pipeline: reading it, its audit log, applying a preset, and editing its stages."""

from __future__ import annotations

from leadsmanager.application.pipeline.editing import EditStages, StageEditor, StageSheet
from leadsmanager.application.pipeline.stages import ApplyPreset, StageLog, Stages

__all__ = ["ApplyPreset", "EditStages", "StageEditor", "StageLog", "StageSheet", "Stages"]
