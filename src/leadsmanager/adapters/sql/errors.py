"""Driver errors in the product's own terms."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from sqlalchemy import CursorResult, Engine, Executable, exc
from sqlalchemy.orm import Session

from leadsmanager.domain.errors import StorageError, TransientConflict

T = TypeVar("T")

# Another transaction held or changed the rows first; the caller may retry.
_COLLISIONS = {
    1205,  # MySQL lock wait timeout
    1213,  # MySQL deadlock
    5,  # SQLite busy
    517,  # SQLite busy snapshot: this transaction read data another one has since changed
}


def translate(error: exc.DBAPIError) -> TransientConflict | StorageError:
    original = error.orig
    code = getattr(original, "sqlite_errorcode", None)
    if code is None and original is not None and original.args:
        code = original.args[0]
    if isinstance(error, exc.IntegrityError) or code in _COLLISIONS:
        return TransientConflict("the change collided with another one at the same moment; reload and try again")
    return StorageError("the database is not available right now; nothing was saved")


def run(session: Session, statement: Executable, params: Any = None, *, on_duplicate: str = "") -> Any:
    """Execute, reporting driver failures as Conflict or StorageError; `on_duplicate` names a clash."""
    return translated(lambda: _execute(session, statement, params), on_duplicate)


def run_driver_sql(session: Session, sql: str, params: Any, *, on_duplicate: str = "") -> CursorResult[Any]:
    """`run` for SQL written in the driver's own placeholders, in the session's transaction; a list of
    tuples executes it once per tuple."""
    return translated(
        lambda: _retried(session, lambda: session.connection().exec_driver_sql(sql, params)), on_duplicate
    )


def translated(execute: Callable[[], T], on_duplicate: str) -> T:
    try:
        return execute()
    except exc.IntegrityError as e:
        raise TransientConflict(on_duplicate or str(translate(e))) from e
    except exc.DBAPIError as e:
        raise translate(e) from e


def _execute(session: Session, statement: Executable, params: Any) -> Any:
    return _retried(session, lambda: session.execute(statement, params))


def _retried(session: Session, execute: Callable[[], T]) -> T:
    """The pool does not ping a connection before handing it out (a round trip per transaction), so a
    pooled connection the server has since closed (a restart, a timeout) fails on first use. If it fails
    the first statement of a transaction whose connection the session took from the pool, nothing was
    done on it: SQLAlchemy has dropped it (and every other connection of the pool made before the
    failure), and the statement runs once more on a fresh one."""
    first = not session.in_transaction() and isinstance(session.bind, Engine)
    try:
        return execute()
    except exc.DBAPIError as e:
        if not (first and e.connection_invalidated):
            raise
    session.rollback()
    return execute()
