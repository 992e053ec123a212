"""Driver errors in the product's own terms."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from sqlalchemy import CursorResult, Engine, Executable, exc
from sqlalchemy.orm import Session

from leadsmanager.domain.errors import StorageError, TransientConflict

T = TypeVar("T")

_COLLIDED = "the change collided with another one at the same moment; reload and try again"
# Another transaction held or changed the rows first, or stored the same unique key: a fresh attempt
# sees what it did, so the caller may retry. Any other refusal would be refused again.
_MYSQL_COLLISIONS = {
    1062,  # duplicate entry for a unique key
    1586,  # duplicate entry, naming the key
    1205,  # lock wait timeout
    1213,  # deadlock
}
_SQLITE_DUPLICATES = {
    1555,  # SQLITE_CONSTRAINT_PRIMARYKEY
    2067,  # SQLITE_CONSTRAINT_UNIQUE
}
_SQLITE_WAITS = {
    5,  # SQLITE_BUSY, and (in the low byte) its extended codes such as BUSY_SNAPSHOT: this transaction
    # read data another one has since changed
    6,  # SQLITE_LOCKED
}


def translate(error: exc.DBAPIError) -> TransientConflict | StorageError:
    if _collided(error.orig):
        return TransientConflict(_COLLIDED)
    if isinstance(error, exc.IntegrityError):  # NOT NULL, foreign key, check: a bug, not a race
        return StorageError("the database refused the change as breaking one of its rules; nothing was saved")
    return StorageError("the database is not available right now; nothing was saved")


def _collided(original: BaseException | None) -> bool:
    code = getattr(original, "sqlite_errorcode", None)
    if isinstance(code, int):
        return code in _SQLITE_DUPLICATES or (code & 0xFF) in _SQLITE_WAITS
    if original is not None and original.args and isinstance(original.args[0], int):
        return original.args[0] in _MYSQL_COLLISIONS
    return False


def run(session: Session, statement: Executable, params: Any = None, *, on_duplicate: str = "") -> Any:
    """Execute, reporting driver failures as TransientConflict or StorageError; `on_duplicate` names a
    duplicate unique key."""
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
    except exc.DBAPIError as e:
        error = translate(e)
        if on_duplicate and isinstance(error, TransientConflict) and isinstance(e, exc.IntegrityError):
            error = TransientConflict(on_duplicate)
        raise error from e


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
