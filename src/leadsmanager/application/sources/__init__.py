"""The Sources page's read model: each configured site's forms, how their sync and intake are going, and the
failed-submissions inbox."""

from leadsmanager.application.sources.health import FormHealth, SourceHealth, SourceSite, SourcesView

__all__ = ["FormHealth", "SourceHealth", "SourceSite", "SourcesView"]
