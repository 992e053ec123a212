"""A request's body, read from a plain `def` route.

Routes that call use cases are plain functions, which Starlette runs in its thread pool so that
argon2, the database or SMTP never hold up the event loop. Only reading the body has to happen on the
loop: these hand that one step back to it and wait for it.
"""

from __future__ import annotations

import anyio.from_thread
from starlette.datastructures import FormData
from starlette.requests import Request


def posted_form(request: Request) -> FormData:
    """The posted form (parsed once per request; later calls get the same one)."""
    return anyio.from_thread.run(_form, request)


def posted_body(request: Request) -> bytes:
    return anyio.from_thread.run(request.body)


async def _form(request: Request) -> FormData:
    return await request.form()
