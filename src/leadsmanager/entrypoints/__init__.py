"""Entrypoints: the CLI and (later) the web app, wired by one container."""
