"""The main pages in Spanish, on a desktop and a 390 px phone: Spanish words are longer, and must still fit."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from leadsmanager.adapters.sql.migrate import upgrade
from leadsmanager.application.users import NewUser
from leadsmanager.domain.actor import Actor
from leadsmanager.domain.roles import Role
from leadsmanager.entrypoints.bootstrap.container import Container, build
from leadsmanager.entrypoints.bootstrap.settings import Settings
from tests.browser.conftest import ADMIN_PASSWORD, serving
from tests.browser.test_look import DESKTOP, PHONE, PUBLIC_PAGES, STAFF_PAGES, detail_id, open_page, signed_in

__all__ = ["detail_id", "signed_in"]  # the fixtures of test_look, here on a Spanish-speaking app

Page = Any
# Words each page shows in Spanish, so a page left in English fails here rather than only looking odd.
SPANISH = {
    "sign-in": "Contraseña",
    "public-form": "Contanos qué necesitás",
    "public-form-errors": "Corregí los campos marcados abajo.",
    "dashboard": "Esperando el primer contacto",
    "leads-list": "Todos los leads",
    "lead-detail": "Primera respuesta",
    "lead-edit-errors": "Guardar datos",
    "new-lead-errors": "Corregí los campos marcados abajo.",
    "users": "Claves de API",
    "reports": "Últimos 30 días",
    "jobs": "Tareas en segundo plano",
    "profile": "Idioma de tus páginas",
    "sources": "Envíos fallidos",
    "stages": "Nueva etapa",
}


def spanish_team(data: Path, **more: Any) -> Container:
    """The app of a team in Buenos Aires that works in Spanish, with its admin, its database in `data`;
    `more` settings as a test needs them."""
    settings = Settings(
        data_dir=data,
        database_url=f"sqlite:///{data / 'app.sqlite3'}",
        redis_url=None,
        phone_region="AR",
        secret_key="browser test secret that is long enough",
        allowed_hosts=("127.0.0.1",),
        language="es",
        time_zone="America/Argentina/Buenos_Aires",
        **more,
    )
    container = build(settings)
    upgrade(container.engine())
    admin = NewUser("admin@example.com", "Ada Administradora", Role.ADMIN, ADMIN_PASSWORD)
    container.user_admin().create(admin, by=Actor.system())
    return container


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Container]]:
    container = spanish_team(tmp_path_factory.mktemp("browser-es"))
    with serving(container) as url:
        yield url, container


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "phone"])
def test_the_main_pages_speak_spanish_and_fit_the_screen(
    served: tuple[str, Container],
    detail_id: int,
    signed_in: Callable[..., Page],
    browser: Any,
    screenshot: Callable[[Page, str], None],
    viewport: dict[str, int],
) -> None:
    base, _ = served
    size = "desktop" if viewport is DESKTOP else "phone"
    english, wide, overflowing = {}, {}, {}
    # A visitor's browser in Argentina asks for Spanish (Chromium's default, en-US, gets the form in English).
    visitor = browser.new_context(viewport=viewport, locale="es-AR")
    for staff, names in ((False, PUBLIC_PAGES), (True, (*STAFF_PAGES, "profile"))):
        page = signed_in(viewport=viewport, staff=staff) if staff else visitor.new_page()
        for name in names:
            open_page(page, base, name, detail_id)
            screenshot(page, f"es-{name}-{size}")
            if page.get_attribute("html", "lang") != "es" or SPANISH[name] not in page.inner_text("body"):
                english[name] = page.inner_text("h2")
            width = page.evaluate("document.documentElement.scrollWidth")
            if width > viewport["width"]:
                wide[name] = width
            # A button or a label cut by its box: the longer Spanish words must wrap, not spill.
            spilled = page.evaluate(
                """() => [...document.querySelectorAll('button, label, .w3-bar-item, th')]
                  .filter(e => e.offsetParent && !e.closest('.table-box') && e.scrollWidth > e.clientWidth + 1)
                  .map(e => e.textContent.trim())"""
            )
            if spilled:
                overflowing[name] = spilled
    visitor.close()
    assert english == {}
    assert wide == {}
    assert overflowing == {}


def test_times_show_buenos_aires_with_its_label_and_the_date_day_first(
    served: tuple[str, Container], detail_id: int, signed_in: Callable[..., Page]
) -> None:
    base, _ = served
    page = signed_in(viewport=DESKTOP, staff=True)
    open_page(page, base, "lead-detail", detail_id)
    arrived = page.inner_text('#lead-fields tr:has(th:text-is("Llegó")) td')
    day, clock, label = arrived.split(" ")[:3]
    assert label == "UTC-03" and len(day.split("/")) == 3 and len(day.split("/")[2]) == 4 and ":" in clock
