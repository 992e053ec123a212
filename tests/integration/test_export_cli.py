"""`leadsmanager leads export`: CSV on stdout or to a file; progress on stderr, when asked or on a terminal."""

from __future__ import annotations

import csv
import io
from pathlib import Path

from leadsmanager.entrypoints.cli.progress import CLEAR_LINE, Progress
from leadsmanager.entrypoints.formats.lead_csv import COLUMNS
from tests.integration.conftest import Cli


def rows(text: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(text)))


def test_export_writes_the_filtered_leads_as_csv_and_progress_only_when_asked(cli: Cli, tmp_path: Path) -> None:
    cli("leads", "add", "--name", "Ana", "--email", "ana@example.com", "--service", "roofing")
    cli("leads", "add", "--name", "=cmd()", "--phone", "(202) 555-0143", "--service", "roofing")
    cli("leads", "add", "--name", "Other", "--email", "other@example.com", "--service", "solar")
    quiet = cli("leads", "export", "--service", "roofing")
    assert quiet.exit_code == 0 and quiet.stderr == ""
    table = rows(quiet.stdout)
    assert table[0] == list(COLUMNS)
    names = [dict(zip(COLUMNS, row, strict=True))["contact_name"] for row in table[1:]]
    assert names == ["'=cmd()", "Ana"]  # newest first; a formula is defused
    shown = cli("leads", "export", "--progress", "--output", str(tmp_path / "all.csv"))
    assert shown.exit_code == 0 and shown.stdout == ""
    assert shown.stderr == "3 leads exported\n"
    assert len(rows((tmp_path / "all.csv").read_text())) == 4


def test_a_bad_filter_is_one_line_and_nothing_is_written(cli: Cli) -> None:
    result = cli("leads", "export", "--status", "dormant")
    assert result.exit_code == 3 and result.stdout == ""
    assert result.stderr.startswith("error: ") and result.stderr.count("\n") == 1


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_progress_rewrites_one_line_on_a_terminal_and_prints_lines_elsewhere() -> None:
    terminal, pipe = Terminal(), io.StringIO()
    for stream in (terminal, pipe):
        progress = Progress.chosen(None if stream is terminal else True, stream)
        progress.show("1000 leads exported")
        progress.show("2000 leads exported")
        progress.done()
    assert terminal.getvalue() == f"{CLEAR_LINE}1000 leads exported{CLEAR_LINE}2000 leads exported\n"
    assert pipe.getvalue() == "1000 leads exported\n2000 leads exported\n"
    silent = io.StringIO()
    Progress.chosen(None, silent).show("not shown to a pipe unless asked")
    assert silent.getvalue() == ""
