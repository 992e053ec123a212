"""A report as tables of plain cells, so that the page, its CSV files and the CLI show the same numbers."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from datetime import timedelta

from attrs import frozen

from leadsmanager.application.report_figures import RepFigures, ResponseTimes
from leadsmanager.application.reports import Report
from leadsmanager.application.tallies import RESPONSE_LIMITS
from leadsmanager.entrypoints.formats.spreadsheet import spreadsheet_cell
from leadsmanager.entrypoints.formats.terminal import printable

Cell = str | int | float | timedelta | None
OVER = f"over {RESPONSE_LIMITS[-1].days} days"  # a percentile in the last, unbounded bucket
NONE = "(none)"
LOST_ROW = "lost"  # the funnel's last row: the leads in a lost stage, whichever


@frozen
class Column:
    header: str
    # text, campaign (text whose blank, NONE, a page says as a campaign's), stage (a stage's key: the page
    # shows its label), source (a channel's key: the page shows its name), count, share (0-1), or within (a
    # first-response bound)
    kind: str = "text"

    @property
    def numeric(self) -> bool:
        return self.kind not in ("text", "campaign", "stage", "source")


@frozen
class Table:
    name: str  # in the CSV file's address
    title: str
    columns: tuple[Column, ...]
    rows: list[tuple[Cell, ...]]


def report_tables(report: Report) -> list[Table]:
    return [
        _funnel(report),
        _sources(report),
        _campaigns(report),
        _table("sites", "Leads by site and form", ("Site", "Form"), [(s or NONE, f, n) for s, f, n in report.sites]),
        _table("services", "Leads by service", ("Service",), [(s or NONE, n) for s, n in report.services]),
        _reps(report),
        _table("statuses", "Leads by status now", ("Status",), _statuses(report), kind="stage"),
    ]


TABLE_NAMES = ["funnel", "sources", "campaigns", "sites", "services", "reps", "statuses"]


def table_named(report: Report, name: str) -> Table | None:
    return next((t for t in report_tables(report) if t.name == name), None)


def _table(name: str, title: str, keys: tuple[str, ...], rows: list[tuple[Cell, ...]], kind: str = "text") -> Table:
    return Table(name, title, (*(Column(k, kind) for k in keys), Column("Leads", "count")), rows)


def _statuses(report: Report) -> list[tuple[Cell, ...]]:
    """Every stage of the pipeline in its order, then any key it lacks that leads still hold."""
    keys = [*report.pipeline.keys, *sorted(set(report.by_status) - set(report.pipeline.keys))]
    return [(key, report.by_status.get(key, 0)) for key in keys]


def _funnel(report: Report) -> Table:
    entered = report.funnel[0].leads if report.funnel else 0
    rows: list[tuple[Cell, ...]] = [(f.stage, f.leads, _share(f.leads, entered)) for f in report.funnel]
    lost = report.lost
    columns = (Column("Stage", "stage"), Column("Leads", "count"), Column("Of the leads that came in", "share"))
    return Table("funnel", "Funnel", columns, [*rows, (LOST_ROW, lost, _share(lost, entered))])


def _sources(report: Report) -> Table:
    columns = (
        Column("Source", "source"),
        Column("Leads", "count"),
        Column("Spam", "count"),
        Column("Won", "count"),
        Column("Conversion", "share"),
    )
    rows: list[tuple[Cell, ...]] = [(s.source, s.leads, s.spam, s.won, s.conversion) for s in report.sources]
    return Table("sources", "Leads and conversion by source", columns, rows)


def _campaigns(report: Report) -> Table:
    columns = (
        Column("Campaign", "campaign"),
        Column("Leads", "count"),
        Column("Won", "count"),
        Column("Conversion", "share"),
    )
    rows: list[tuple[Cell, ...]] = [(c.campaign or NONE, c.leads, c.won, c.conversion) for c in report.campaigns]
    return Table("campaigns", "Leads and conversion by campaign", columns, rows)


def _reps(report: Report) -> Table:
    columns = (
        Column("Rep"),
        *(Column(h, "count") for h in ("Leads", "Open", "Won", "Lost", "Waiting past follow-up", "Answered")),
        Column("Median first response", "within"),
        Column("90th percentile", "within"),
    )
    rows = [_rep_row(r.name, r) for r in report.reps]
    if len(report.reps) > 1:
        everyone = RepFigures(
            None,
            "Everyone",
            report.total,
            sum(r.open for r in report.reps),
            sum(r.won for r in report.reps),
            sum(r.lost for r in report.reps),
            report.waiting,
            report.response,
        )
        rows.append(_rep_row("Everyone", everyone))
    return Table("reps", "Team: leads and time to first response", columns, rows)


def _rep_row(name: str, r: RepFigures) -> tuple[Cell, ...]:
    first = r.response
    counts = (r.leads, r.open, r.won, r.lost, r.waiting, first.answered)
    return (name, *counts, within(first, first.median_bucket), within(first, first.p90_bucket))


def within(times: ResponseTimes, bucket: int | None) -> Cell:
    """The bound a percentile falls within; OVER past the last one; None when nothing was answered."""
    if bucket is None or not times.answered:
        return None
    return OVER if bucket >= len(RESPONSE_LIMITS) else RESPONSE_LIMITS[bucket]


def _share(part: int, whole: int) -> float | None:
    return part / whole if whole else None


def duration(span: timedelta) -> str:
    """A wait in the words people use: 45 min, 1 h 30 min, 36 h, 3 days."""
    minutes = int(span.total_seconds() // 60)
    if minutes < 1:
        return "under 1 min"
    if minutes < 60:
        return f"{minutes} min"
    hours, rest = divmod(minutes, 60)
    if hours < 72:
        return f"{hours} h {rest} min" if rest else f"{hours} h"
    days, hours = divmod(hours, 24)
    return f"{days} days {hours} h" if hours else f"{days} days"


def shown(cell: Cell, kind: str) -> str:
    """A cell as a person reads it."""
    if cell is None:
        return "—"
    return _SHOWN.get(kind, str)(cell)


def exported(cell: Cell, kind: str) -> str:
    """A cell as a spreadsheet reads it: shares in percent, first-response bounds in minutes."""
    if cell is None:
        return ""
    if kind == "share" and isinstance(cell, float):
        return f"{cell * 100:.1f}"
    if kind == "within" and isinstance(cell, timedelta):
        return str(int(cell.total_seconds() // 60))
    return str(cell)


def as_csv(table: Table) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow([spreadsheet_cell(exported_header(c)) for c in table.columns])
    writer.writerows(
        [spreadsheet_cell(exported(cell, c.kind)) for cell, c in zip(row, table.columns, strict=True)]
        for row in table.rows
    )
    return buffer.getvalue()


def as_lines(table: Table) -> list[str]:
    """The table as aligned plain text, numbers to the right; names and sites escaped for the terminal."""
    cells = [[c.header for c in table.columns]]
    cells += [
        [printable(shown(cell, c.kind)) for cell, c in zip(row, table.columns, strict=True)] for row in table.rows
    ]
    widths = [max(len(row[i]) for row in cells) for i in range(len(table.columns))]
    lines = [table.title]
    for row in cells:
        parts = [
            value.rjust(width) if column.numeric else value.ljust(width)
            for value, width, column in zip(row, widths, table.columns, strict=True)
        ]
        lines.append("  " + "  ".join(parts).rstrip())
    return lines if table.rows else [*lines, "  no leads in this period"]


def exported_header(column: Column) -> str:
    return {"share": f"{column.header} (%)", "within": f"{column.header} (minutes, at most)"}.get(
        column.kind, column.header
    )


_SHOWN: dict[str, Callable[[Cell], str]] = {
    "count": lambda n: f"{n:,}",
    "share": lambda x: f"{x:.1%}" if isinstance(x, float) else str(x),
    "within": lambda w: f"≤ {duration(w)}" if isinstance(w, timedelta) else str(w),
}
