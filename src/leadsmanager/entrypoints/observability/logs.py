"""Log lines: one JSON object per line for log collectors, readable text in a terminal.

A record's structured fields travel in `extra={"fields": {...}}`; the id of the request being
served is added to every line logged while it runs. Credentials in URLs are masked as a last
defence: code never logs a query string, a header or a cookie in the first place.
"""

from __future__ import annotations

import contextvars
import json
import logging
import logging.config
import re
import sys
from datetime import UTC, datetime
from typing import Any, TextIO

REQUEST_ID: contextvars.ContextVar[str | None] = contextvars.ContextVar("request_id", default=None)
URL_PASSWORD = re.compile(r"(?P<head>[a-z][a-z0-9+.-]*://[^\s/:@]*:)[^\s/@]+@", re.IGNORECASE)
FORMATTERS = {
    "json": "leadsmanager.entrypoints.observability.logs.JsonFormatter",
    "text": "leadsmanager.entrypoints.observability.logs.TextFormatter",
}


def masked(text: str) -> str:
    return URL_PASSWORD.sub(r"\g<head>***@", text)


def fields_of(record: logging.LogRecord) -> dict[str, Any]:
    fields: dict[str, Any] = dict(getattr(record, "fields", None) or {})
    request_id = REQUEST_ID.get()
    if request_id is not None:
        fields.setdefault("request_id", request_id)
    return fields


def utc_time(record: logging.LogRecord) -> str:
    return datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        line: dict[str, Any] = {
            "time": utc_time(record),
            "level": record.levelname.lower(),
            "severity": record.levelname,  # the key Google Cloud Logging reads
            "logger": record.name,
            "message": masked(record.getMessage()),
            **fields_of(record),
        }
        if record.exc_info:
            line["error"] = masked(self.formatException(record.exc_info))
        return json.dumps(line, ensure_ascii=False, default=str)


class TextFormatter(logging.Formatter):
    # The message of a request or task line already says these; the text form does not repeat them.
    IN_MESSAGE = frozenset({"method", "route", "status", "task", "outcome"})

    def format(self, record: logging.LogRecord) -> str:
        fields = fields_of(record).items()
        details = " ".join(f"{k}={v}" for k, v in fields if v is not None and k not in self.IN_MESSAGE)
        line = f"{utc_time(record)} {record.levelname:<7} {masked(record.getMessage())}"
        line = f"{line}  [{details}]" if details else line
        if record.exc_info:
            line += "\n" + masked(self.formatException(record.exc_info))
        return line


def chosen_format(setting: str, stream: TextIO | None = None) -> str:
    """`json` or `text`: `auto` means text in a terminal and JSON anywhere else (a container, a pipe)."""
    if setting in FORMATTERS:
        return setting
    return "text" if (stream or sys.stdout).isatty() else "json"


def logging_config(log_format: str, level: str = "INFO") -> dict[str, Any]:
    """A dictConfig sending ours and uvicorn's loggers to stdout; uvicorn applies it in each worker."""
    handler = {"class": "logging.StreamHandler", "formatter": log_format, "stream": "ext://sys.stdout"}
    quiet = {"handlers": ["stdout"], "level": level, "propagate": False}
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "formatters": {name: {"()": path} for name, path in FORMATTERS.items()},
        "handlers": {"stdout": handler},
        "loggers": {
            "leadsmanager": quiet,
            "uvicorn": quiet,
            # Our request log replaces uvicorn's access log, which would print query strings.
            "uvicorn.access": {"handlers": [], "level": "WARNING", "propagate": False},
        },
        "root": {"handlers": ["stdout"], "level": "WARNING"},
    }


def configure_logging(log_format: str, level: str = "INFO") -> None:
    """For processes that do not go through uvicorn: the worker, the scheduler."""
    logging.config.dictConfig(logging_config(chosen_format(log_format), level))
