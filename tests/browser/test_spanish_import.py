"""The CSV import page in Spanish, on a desktop and a 390 px phone: a file it cannot read, a file over its
limit, and a file it reads, mapped and dry-run, each said in Spanish."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from leadsmanager.entrypoints.bootstrap.container import Container
from tests.browser.conftest import ARTIFACTS, serving
from tests.browser.test_csv_import import rows
from tests.browser.test_look import DESKTOP, PHONE, signed_in
from tests.browser.test_spanish_look import spanish_team
from tests.csv_files import csv_text

__all__ = ["signed_in"]  # test_look's fixture, here on this module's app

Page = Any
LIMIT = 1_000_000


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Container]]:
    container = spanish_team(tmp_path_factory.mktemp("browser-es-import"), import_max_bytes=LIMIT)
    with serving(container) as url:
        yield url, container


def send(page: Page, base: str, file: Path) -> None:
    page.goto(f"{base}/imports/csv")
    page.set_input_files("#file", str(file))
    page.click("#upload-csv button[type=submit]")
    page.wait_for_load_state("load")


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "phone"])
def test_the_import_page_says_in_spanish_why_a_file_is_refused_and_what_a_dry_run_would_do(
    served: tuple[str, Container],
    signed_in: Callable[..., Page],
    screenshot: Callable[[Page, str], None],
    viewport: dict[str, int],
    tmp_path: Path,
) -> None:
    base, _ = served
    size = "desktop" if viewport is DESKTOP else "phone"
    page = signed_in(viewport=viewport, staff=True)
    workbook = tmp_path / "clientes.xlsx"
    workbook.write_bytes(b"PK\x03\x04" + b"\x00" * 200)
    send(page, base, workbook)
    said = page.inner_text("#upload-error")
    assert said.startswith("clientes.xlsx no es un archivo CSV (¿un libro de planilla de cálculo"), said
    screenshot(page, f"es-csv-import-refused-{size}")
    big = tmp_path / "enorme.csv"
    big.write_bytes(b"Nombre,Correo\n" + b"Ana,ana@example.com\n" * (LIMIT // 20 + 10))
    send(page, base, big)
    said = page.inner_text("#upload-error")
    assert said.startswith("Ese archivo pesa más de 1 MB, lo máximo que acepta esta página"), said
    screenshot(page, f"es-csv-import-too-large-{size}")
    assert page.evaluate("document.documentElement.scrollWidth") <= viewport["width"]

    good = tmp_path / f"clientes-{size}.csv"
    good.write_text(csv_text(rows(f"es{size}"), separator=";"), encoding="utf-8")
    send(page, base, good)
    page.wait_for_selector("#preview")
    choices = page.locator("select[name='column:Fecha de alta'] option").all_inner_texts()
    assert choices[:3] == ["Nombre", "Email", "Teléfono"] and "Fecha del contacto" in choices
    page.select_option("select[name='column:Correo electrónico']", "email")
    page.select_option("select[name='column:Nombre']", "name")
    page.click("button[value=dry-run]")
    page.wait_for_selector("#dry-run")
    screenshot(page, f"es-csv-import-dry-run-{size}")
    page.locator("#dry-run").screenshot(path=str(ARTIFACTS / f"es-csv-import-dry-run-card-{size}.png"))
    english = [w for w in ("refused", "would", "row") if w in page.inner_text("#dry-run")]
    assert english == [], page.inner_text("#dry-run")
