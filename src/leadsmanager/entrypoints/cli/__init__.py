"""The `leadsmanager` command."""
