"""The configured pipeline: reading it, its audit log, and applying a preset."""

from __future__ import annotations

from leadsmanager.application.pipeline.stages import ApplyPreset, StageLog, Stages

__all__ = ["ApplyPreset", "StageLog", "Stages"]
