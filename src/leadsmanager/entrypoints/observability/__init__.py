"""Logs, Prometheus metrics and the hooks that feed them, for every process role."""
