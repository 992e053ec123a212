"""What `leadsmanager serve` sets up around uvicorn: logging, shared metrics and a clean exit on SIGTERM."""

from __future__ import annotations

import logging
import os
import signal
import sys
import tempfile
from pathlib import Path
from types import FrameType
from typing import Any

from leadsmanager.entrypoints.bootstrap.settings import Settings
from leadsmanager.entrypoints.observability.logs import chosen_format, logging_config
from leadsmanager.entrypoints.observability.metrics import MULTIPROCESS_DIR


def log_config(settings: Settings, *, access_log: bool) -> dict[str, Any]:
    config = logging_config(chosen_format(settings.log_format))
    if not access_log:
        config["loggers"]["leadsmanager.request"] = {"level": "WARNING"}
    logging.config.dictConfig(config)  # this process too: its start-up lines are logged the same way
    return config


def share_metrics(workers: int) -> None:
    """Several web processes need one directory for their metrics: a fresh one unless it is configured.

    A configured directory is left as it is: counters carry on from files of earlier processes, and
    Prometheus reads a restart's drop in a counter as the reset it is.
    """
    if workers > 1 and MULTIPROCESS_DIR not in os.environ:
        os.environ[MULTIPROCESS_DIR] = tempfile.mkdtemp(prefix="leadsmanager-metrics-")
    if directory := os.environ.get(MULTIPROCESS_DIR):
        Path(directory).mkdir(parents=True, exist_ok=True)


def exit_cleanly_on_sigterm() -> None:
    """uvicorn finishes the requests in flight on SIGTERM, then raises the signal again: exit 0 then.

    An orchestrator stopping a container (Cloud Run, Docker) sends SIGTERM; a clean stop is no failure.
    """

    def stop(signum: int, frame: FrameType | None) -> None:
        sys.exit(0)

    signal.signal(signal.SIGTERM, stop)
