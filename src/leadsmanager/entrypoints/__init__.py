"""Entrypoints, one package per delivery mechanism (web, api, cli, worker), wired in bootstrap."""
