"""The failed-submissions inbox and its replays as the lines an operator reads."""

from __future__ import annotations

from collections.abc import Sequence

from leadsmanager.application.failed_submissions import Replay
from leadsmanager.application.intake import Outcome
from leadsmanager.domain.failed_submission import FailedSubmission
from leadsmanager.entrypoints.formats.terminal import printable

HEADER = ("id", "received (UTC)", "via", "site/form", "entry", "reason")
_DONE = {Outcome.CREATED: "created lead", Outcome.MERGED: "joined lead", Outcome.DUPLICATE: "already lead"}
REPLAY_HINT = (
    "once the site's mapping (_FIELDS) is fixed, `leadsmanager sync --replay ID` (or --replay-all) makes them leads"
)


def failed_lines(waiting: Sequence[FailedSubmission]) -> list[str]:
    """One row a waiting submission under a header, in columns; the reason, last, runs on."""
    rows = [HEADER, *(_row(f) for f in waiting)]
    return aligned([tuple(printable(cell) for cell in row) for row in rows])


def _row(failed: FailedSubmission) -> tuple[str, ...]:
    received = f"{failed.received_at:%Y-%m-%d %H:%M:%S}"
    return (
        str(failed.id),
        received,
        failed.received_by.value,
        _where(failed),
        failed.submission_id or "-",
        failed.reason,
    )


def aligned(rows: Sequence[tuple[str, ...]]) -> list[str]:
    widths = [max(len(row[n]) for row in rows) for n in range(len(rows[0]) - 1)]
    return ["  ".join([*(cell.ljust(w) for cell, w in zip(row, widths, strict=False)), row[-1]]) for row in rows]


def replay_line(replay: Replay) -> str:
    """What a replay made of one submission: the lead, or why it is still refused."""
    before, after = replay.before, replay.after
    what = f"failed submission {before.id} ({_where(before)} entry {before.submission_id or '-'})"
    if replay.outcome is None:
        return printable(f"{what}: still refused: {after.reason}")
    return printable(f"{what}: replayed, {_DONE[replay.outcome]} {after.lead_id}")


def _where(failed: FailedSubmission) -> str:
    return f"{failed.site}/{failed.form_id}"
