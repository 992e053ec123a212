"""The configured pipeline as the API answers it."""

from __future__ import annotations

from typing import Any

from leadsmanager.domain.pipeline import Pipeline


def stages_json(pipeline: Pipeline) -> dict[str, Any]:
    items = [
        {
            "key": s.key,
            "order": s.order,
            "kind": s.kind.value,
            "labels": dict(s.labels),
            "retired": s.retired,
            "requires_reason": s.requires_reason,
            "reasons": [{"key": r.key, "labels": dict(r.labels), "retired": r.retired} for r in s.reasons],
        }
        for s in pipeline.stages
    ]
    return {"start": pipeline.start, "items": items}
