"""Importing a CSV file in a real browser, on a desktop and on a 390 px phone: upload, the mapping over a
preview (a select per column), the dry run's counts, the import, and the link to the refused rows."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from leadsmanager.entrypoints.bootstrap.container import Container
from tests.browser.conftest import ADMIN_PASSWORD
from tests.browser.test_journeys import sign_in
from tests.browser.test_look import DESKTOP, PHONE
from tests.csv_files import csv_text

Page = Any
HEADER = ["Nombre", "Apellido", "Correo electrónico", "Teléfono", "Empresa", "Fecha de alta", "Comentarios"]


def rows(size: str) -> list[list[str]]:
    return [
        HEADER,
        [
            "Ana",
            "Paz",
            f"ana.{size}@example.com",
            "(202) 555-0101" if size == "desktop" else "(202) 555-0102",  # the other run's lead is open
            "Transportes del Sur",
            "15/01/2024 10:30",
            "Cotizar",
        ],
        ["Bruno", "Díaz", f"bruno.{size}@", "", "Logística Norte SA", "45306", ""],
        ["Carla", "Ruiz", f"carla.{size}@example.com", "", "", "2024-01-16", "Dos camiones\na Rosario"],
    ]


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "phone"])
def test_an_admin_imports_a_csv_file(
    served: tuple[str, Container],
    browser: Any,
    screenshot: Callable[[Page, str], None],
    viewport: dict[str, int],
    tmp_path: Path,
) -> None:
    base, _ = served
    size = "desktop" if viewport is DESKTOP else "phone"
    file = tmp_path / f"clientes-{size}.csv"
    file.write_text("\ufeff" + csv_text(rows(size), separator=";"), encoding="utf-8")
    context = browser.new_context(viewport=viewport)
    try:
        page = context.new_page()
        sign_in(page, base, "admin@example.com", ADMIN_PASSWORD)
        page.goto(f"{base}/imports/csv")
        page.set_input_files("#file", str(file))
        page.click("#upload-csv button[type=submit]")
        page.wait_for_selector("#preview")
        assert page.locator("#preview tr").count() == 4  # the header with its selects, and three rows
        page.select_option("select[name='column:Nombre']", "name")
        page.select_option("select[name='column:Apellido']", "name")
        page.select_option("select[name='column:Fecha de alta']", "created_at")
        page.select_option("select[name='column:Comentarios']", "message")
        page.select_option("select[name='column:Correo electrónico']", "email")
        page.select_option("select[name='column:Teléfono']", "phone")
        screenshot(page, f"csv-import-mapping-{size}")
        page.click("button[value=dry-run]")
        page.wait_for_selector("#dry-run")
        screenshot(page, f"csv-import-dry-run-{size}")
        assert page.inner_text("#would-create") == "2", page.inner_text("#dry-run")
        assert page.inner_text("#would-refuse") == "1"
        assert page.locator("select[name='column:Apellido']").input_value() == "name"  # the choice is kept
        page_width = page.evaluate("document.documentElement.scrollWidth")
        assert page_width <= viewport["width"], "the page scrolls sideways; only the preview table may"
        page.click("button[value=import]")
        page.wait_for_selector("#import-summary")
        assert "2 new leads" in page.inner_text("#import-summary")
        assert page.locator("#refused-csv").count() == 1
        screenshot(page, f"csv-import-done-{size}")
        page.goto(f"{base}/leads?source=import&q=Ana")
        assert f"ana.{size}@example.com" in page.content() and "Ana Paz" in page.content()
    finally:
        context.close()
