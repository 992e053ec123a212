"""`leadsmanager import csv`: a summary on stdout, progress on stderr, the refused rows as CSV, a re-run that
imports nothing twice, and one-line errors for a bad map, a missing file and a file that is not CSV."""

from __future__ import annotations

import csv
from pathlib import Path

from tests.csv_files import csv_text
from tests.integration.conftest import Cli

MAP = ("--map", "Nombre=name", "--map", "Correo=email", "--map", "Fecha=date")


def write(path: Path, rows: list[list[str]], separator: str = ";") -> Path:
    path.write_text("\ufeff" + csv_text(rows, separator=separator), encoding="utf-8")
    return path


def test_a_file_is_imported_with_a_summary_progress_and_an_error_report(cli: Cli, tmp_path: Path) -> None:
    rows = [["Nombre", "Correo", "Fecha"], ["Ana", "ana@example.com", "15/01/2024"], ["Bad", "bad@", "=1+1"]]
    leads = write(tmp_path / "leads.csv", rows)
    dry = cli("import", "csv", str(leads), *MAP, "--dry-run")
    assert dry.exit_code == 0, dry.output
    assert dry.stdout.startswith(
        "leads.csv: would import rows 2-3: 1 to create, 0 merged, 0 already imported, 1 refused"
    )
    assert cli("leads", "list").stdout.count("ana@example.com") == 0

    done = cli("import", "csv", str(leads), *MAP, "--errors", "errors.csv", "--progress")
    assert done.exit_code == 0, done.output
    assert "1 new leads, 0 merged, 0 already imported, 1 refused; refused rows in errors.csv" in done.stdout
    assert "  refused 1 (row 3): created_at: '=1+1' is not a date" in done.stdout
    assert done.stderr == "row 3: 1 new, 0 merged, 1 refused\n"
    with (tmp_path / "errors.csv").open(encoding="utf-8-sig") as report:
        table = list(csv.reader(report, delimiter=";"))  # the file's own separator, as Excel in Spanish reads it
    assert table[0] == ["row", "reason", "Nombre", "Correo", "Fecha"]
    assert table[1][0] == "3" and table[1][2:] == ["Bad", "bad@", "'=1+1"]  # a formula is defused
    assert "ana@example.com" in cli("leads", "list").stdout

    again = cli("import", "csv", str(leads), *MAP)
    assert again.exit_code == 0 and "was imported to its end" in again.stdout and "nothing to do" in again.stdout


def test_bad_maps_missing_files_and_files_that_are_not_csv_are_one_line_errors(cli: Cli, tmp_path: Path) -> None:
    leads = write(tmp_path / "leads.csv", [["Nombre", "Correo"], ["Ana", "ana@example.com"]], separator=",")
    (tmp_path / "book.xlsx").write_bytes(b"PK\x03\x04\x14\x00\x06\x00\x08\x00\x00\x00!\x00")
    cases = {
        ("--map", "Nombre=nombre"): "error: unknown field 'nombre'; map a column to one of: name, email",
        ("--map", "Mail=email"): "error: no column 'Mail' in the file; its columns are: 'Nombre', 'Correo'",
        ("--map", "Nombre"): "error: --map 'Nombre': write it as COLUMN=FIELD",
    }
    for options, message in cases.items():
        result = cli("import", "csv", str(leads), *options)
        assert result.exit_code == 3 and result.stderr.startswith(message), result.stderr
    missing = cli("import", "csv", str(tmp_path / "nope.csv"))
    assert missing.exit_code == 3 and missing.stderr.startswith("error: cannot read ") and "nope.csv" in missing.stderr
    binary = cli("import", "csv", str(tmp_path / "book.xlsx"))
    assert binary.exit_code == 3 and "book.xlsx is not a CSV file" in binary.stderr
    assert binary.stderr.count("\n") == 1
