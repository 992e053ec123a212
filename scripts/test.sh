#!/usr/bin/env bash
# Installs the project with its development tools into .venv (once), then runs every check:
# ruff, mypy --strict, import-linter's contracts, bandit (medium and high severity fail) and the whole
# pytest suite.
set -euo pipefail
cd "$(dirname "$0")/.."
if [ ! -x .venv/bin/python ]; then
    python3 -m venv .venv
fi
.venv/bin/python -m pip install --quiet --upgrade pip
.venv/bin/python -m pip install --quiet -e '.[dev]'
.venv/bin/ruff check
.venv/bin/ruff format --check src tests
.venv/bin/mypy
.venv/bin/lint-imports --no-cache  # the layer contracts in pyproject.toml
.venv/bin/bandit --quiet --recursive src --severity-level medium
.venv/bin/python -m pytest "$@"
