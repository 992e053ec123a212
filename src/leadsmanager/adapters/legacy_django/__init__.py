"""The original Django system's MySQL database, read (never written) for `leadsmanager import legacy`."""

from leadsmanager.adapters.legacy_django.source import DjangoLegacySource

__all__ = ["DjangoLegacySource"]
