"""The admins' CSV import page: upload, map the columns over a preview, dry run, import, download the refused rows."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from pathlib import Path

import pytest
from httpx import Response
from starlette.testclient import TestClient

from leadsmanager.entrypoints.bootstrap.container import Container
from tests.csv_files import csv_text
from tests.web.conftest import Staff, csrf_of

ROWS = [
    ["Nombre", "Correo", "Fecha", "Notas"],
    ["Ana Paz", "ana@example.com", "15/01/2024", "llamar"],
    ["Bea", "bea@", "45306", ""],
    ["Carla", "carla@example.com", "2024-01-16 10:00", ""],
]


def upload(admin: TestClient, data: bytes, name: str = "clientes.csv") -> Response:
    page = admin.get("/imports/csv")
    assert page.status_code == 200 and 'enctype="multipart/form-data"' in page.text
    response: Response = admin.post(
        "/imports/csv", data={"csrf_token": csrf_of(page.text)}, files={"file": (name, data, "text/csv")}
    )
    return response


def uploaded(admin: TestClient, data: bytes, name: str = "clientes.csv") -> str:
    response = upload(admin, data, name)
    assert response.status_code == 303, response.text
    return str(response.headers["location"])


def test_an_admin_uploads_maps_dry_runs_imports_and_downloads_the_refused_rows(
    as_role: Callable[[str], TestClient], tmp_path: Path, staff: Staff
) -> None:
    admin = as_role("admin")
    mapping_url = uploaded(admin, ("\ufeff" + csv_text(ROWS, separator=";")).encode())
    assert len(list((tmp_path / "imports").glob("*.csv"))) == 1  # kept in the data dir until imported
    page = admin.get(mapping_url)
    assert page.status_code == 200
    assert "<th>Nombre<br>" in page.text and "<td>Ana Paz</td>" in page.text and "<td>bea@</td>" in page.text
    form = {
        "csrf_token": csrf_of(page.text),
        "separator": ";",
        "column:Nombre": "name",
        "column:Correo": "email",
        "column:Fecha": "created_at",
        "column:Notas": "extra",
    }
    dry = admin.post(mapping_url, data={**form, "action": "dry-run"})
    assert dry.status_code == 200
    assert '<b id="would-create">2</b>' in dry.text and '<b id="would-refuse">1</b>' in dry.text
    assert "1 refused (row 3): email: There must be something after the @-sign." in dry.text
    assert "ana@example.com" not in admin.get("/leads").text  # a dry run stores nothing

    done = admin.post(mapping_url, data={**form, "action": "import"})
    assert done.status_code == 303
    summary = admin.get(done.headers["location"])
    assert "<b>2</b> new leads" in summary.text and "<b>1</b> refused" in summary.text
    assert list((tmp_path / "imports").glob("*.csv")) == []
    assert "ana@example.com" in admin.get("/leads?source=import").text
    refused = admin.get(done.headers["location"] + "/refused.csv")
    assert refused.status_code == 200 and refused.headers["content-type"].startswith("text/csv")
    # In the file's own `;`, as the CLI's --errors writes it: a Spanish Excel opens it in columns.
    table = list(csv.reader(io.StringIO(refused.content.decode("utf-8-sig")), delimiter=";"))
    assert table == [["row", "reason", *ROWS[0]], ["3", "email: There must be something after the @-sign.", *ROWS[2]]]
    assert admin.get(mapping_url).status_code == 404  # the upload is gone once imported


def test_a_file_that_is_not_csv_is_refused_with_a_clear_message(
    as_role: Callable[[str], TestClient], tmp_path: Path, staff: Staff
) -> None:
    admin = as_role("admin")
    page = upload(admin, b"PK\x03\x04\x14\x00binary", "book.xlsx")
    assert page.status_code == 400 and "book.xlsx is not a CSV file" in page.text
    assert list((tmp_path / "imports").glob("*")) == []


def test_an_upload_may_be_larger_than_other_requests_up_to_its_own_limit(
    as_role: Callable[[str], TestClient], container: Container, staff: Staff
) -> None:
    admin = as_role("admin")
    big = csv_text([ROWS[0], *([["Ana", "ana@example.com", "", "x" * 1000]] * 1200)]).encode()
    assert len(big) > container.settings().max_body_bytes
    assert admin.get(uploaded(admin, big)).status_code == 200
    assert admin.post("/leads/new", content=b"x" * (container.settings().max_body_bytes + 1)).status_code == 413


@pytest.mark.parametrize(("role", "status"), [("anonymous", 303), ("employee", 403), ("manager", 403)])
def test_only_admins_import(as_role: Callable[[str], TestClient], staff: Staff, role: str, status: int) -> None:
    client = as_role(role)
    assert client.get("/imports/csv", follow_redirects=False).status_code == status
    assert ('href="/imports/csv"' in client.get("/").text) is False
