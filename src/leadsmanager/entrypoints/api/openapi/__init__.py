"""The OpenAPI 3.1 description of API v1: its schemas, and the document that puts them on the paths."""

from __future__ import annotations

from leadsmanager.entrypoints.api.openapi.document import document

__all__ = ["document"]
