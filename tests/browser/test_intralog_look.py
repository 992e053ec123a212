"""A Spanish team on the intralog pipeline: the reports and the dashboard name its stages by their Spanish
labels, on a desktop and a 390 px phone, and the longer labels still fit."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest

from leadsmanager.application.intake import LeadForm
from leadsmanager.application.intake.routing import StageRoute
from leadsmanager.domain.actor import Actor
from leadsmanager.domain.lead import Channel
from leadsmanager.entrypoints.bootstrap.container import Container
from tests.browser.conftest import ARTIFACTS, serving
from tests.browser.test_look import DESKTOP, PHONE, signed_in
from tests.browser.test_spanish_look import spanish_team

__all__ = ["signed_in"]  # test_look's fixture, here on this module's app

Page = Any
# Each lead's moves along the intralog stages.
MOVES: tuple[list[str], ...] = (
    [],
    ["faltaCotizar"],
    ["faltaCotizar", "cotizado"],
    ["faltaCotizar", "cotizado", "avanzando", "nuevoCliente"],
    ["faltaCotizar", "noAvanzo"],
    ["negativo"],
)


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Container]]:
    container = spanish_team(tmp_path_factory.mktemp("browser-intralog"))
    container.apply_preset()("intralog", actor="cli")
    for n, moves in enumerate(MOVES):
        campaign = "Expo Logística 2025" if n % 2 else ""
        form = LeadForm(
            Channel.API, name=f"Empresa {n}", email=f"e{n}@example.com", service="Almacenamiento", campaign=campaign
        )
        lead_id = container.submit_lead()(form).lead_id
        for stage in moves:
            container.change_status()(lead_id, stage, by=Actor.system())
    synced_and_routed(container)
    with serving(container) as url:
        yield url, container


def synced_and_routed(container: Container) -> None:
    """A WordPress lead of form 3 sent twice, the second time with a phone, and a job seeker routed to negativo."""
    submit = container.submit_lead()
    for day, phone in (("13", ""), ("14", "011 4321-5678")):
        extras = {"submitted_at": f"2025-01-{day}T13:12:00+00:00", "Razón social": "Nueva SA"}
        form = LeadForm(
            Channel.WORDPRESS,
            name="Ana Paz",
            email="ana@nueva.example.com",
            phone=phone,
            message="Necesito cotizar almacenamiento para 200 pallets",
            site="intralog",
            form_id="3",
            external_id=f"intralog/3/{day}",
            extras=extras,
        )
        submit(form)
    route = StageRoute("Me interesa el servicio", "Busco trabajo/ Ofrezco productos o servicios", "negativo")
    job = LeadForm(
        Channel.WORDPRESS, name="Juan Pérez", email="juan@example.com", site="intralog", form_id="3", route=route
    )
    submit(job)


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "phone"])
def test_a_synced_resubmitted_lead_and_a_routed_one_read_in_spanish_and_fit(
    served: tuple[str, Container],
    signed_in: Callable[..., Page],
    screenshot: Callable[[Page, str], None],
    viewport: dict[str, int],
) -> None:
    base, _ = served
    size = "desktop" if viewport is DESKTOP else "phone"
    page = signed_in(viewport=viewport, staff=True)
    page.goto(f"{base}/leads?q=ana%40nueva.example.com")
    page.click("#leads a[href^='/leads/']")
    screenshot(page, f"es-intralog-resubmitted-lead-{size}")
    body = page.inner_text("body")
    assert "Enviado el" in body and "13/01/2025 10:12 UTC-03" in body and "submitted_at" not in body
    assert "Llegó por: WordPress" in page.inner_text("#history") and '"channel"' not in body
    assert page.evaluate("document.documentElement.scrollWidth") <= viewport["width"]
    page.goto(f"{base}/leads?q=juan%40example.com")
    page.click("#leads a[href^='/leads/']")
    screenshot(page, f"es-intralog-routed-lead-{size}")
    assert "enviado a 8) Negativo por la respuesta" in page.inner_text("#history")
    assert page.evaluate("document.documentElement.scrollWidth") <= viewport["width"]
    page.goto(f"{base}/reports?from=&to=&campaign=Expo+Log%C3%ADstica+2025")
    screenshot(page, f"es-intralog-reports-campaign-{size}")
    assert page.inner_text("#headline [data-figure='total']") == "3"
    assert page.evaluate("document.documentElement.scrollWidth") <= viewport["width"]


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "phone"])
def test_reports_and_dashboard_name_the_stages_in_spanish_and_fit(
    served: tuple[str, Container],
    signed_in: Callable[..., Page],
    screenshot: Callable[[Page, str], None],
    viewport: dict[str, int],
) -> None:
    base, _ = served
    size = "desktop" if viewport is DESKTOP else "phone"
    page = signed_in(viewport=viewport, staff=True)
    page.goto(f"{base}/reports?from=&to=")
    screenshot(page, f"es-intralog-reports-{size}")
    funnel = page.locator("#report-funnel td[data-stage]").all_inner_texts()
    stages = ["1) Esperando datos", "2) Falta cotizar", "3) Cotizado", "4) Avanzando", "7) Nuevo cliente"]
    assert funnel == [*stages, "Perdidos"]  # the lost leads' row, in words
    statuses = page.locator("#report-statuses td[data-stage]").all_inner_texts()
    assert "8) Negativo" in statuses and "esperandoDatos" not in page.inner_text("body")
    assert page.evaluate("document.documentElement.scrollWidth") <= viewport["width"]
    page.goto(f"{base}/")
    screenshot(page, f"es-intralog-dashboard-{size}")
    tags = page.locator("#status-counts .w3-tag").all_inner_texts()
    assert tags[:2] == ["1) Esperando datos", "2) Falta cotizar"] and "8) Negativo" in tags
    assert page.evaluate("document.documentElement.scrollWidth") <= viewport["width"]


OVERLAPS = """() => [...document.querySelectorAll('svg.chart')].flatMap(svg => {
  const empty = svg.querySelector('.chart-empty');
  if (!empty) return [];
  const e = empty.getBoundingClientRect();
  return [...svg.querySelectorAll('text:not(.chart-empty), rect')].filter(t => {
    const r = t.getBoundingClientRect();
    return r.width > 0 && r.left < e.right && e.left < r.right && r.top < e.bottom && e.top < r.bottom;
  }).map(t => svg.getAttribute('aria-label') + ': ' + t.textContent);
})"""


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "phone"])
@pytest.mark.parametrize("period", ["with-leads", "empty"])
def test_the_team_chart_and_table_say_unassigned_in_spanish_and_nothing_overlaps(
    served: tuple[str, Container],
    signed_in: Callable[..., Page],
    screenshot: Callable[[Page, str], None],
    viewport: dict[str, int],
    period: str,
) -> None:
    base, _ = served
    size = "desktop" if viewport is DESKTOP else "phone"
    page = signed_in(viewport=viewport, staff=True)
    page.goto(f"{base}/reports?" + ("from=&to=" if period == "with-leads" else "from=2020-01-01&to=2020-01-31"))
    screenshot(page, f"es-reports-{period}-{size}")
    page.locator("#report-reps").screenshot(path=str(ARTIFACTS / f"es-reports-team-{period}-{size}.png"))
    assert page.evaluate(OVERLAPS) == []
    empty = page.locator("#report-reps .chart-empty")
    if period == "empty":  # said as readable text, not drawn at a phone's scale of the chart
        assert empty.inner_text() == "nada en este período" and empty.bounding_box()["height"] >= 12
    team = page.inner_text("#report-reps")
    assert "unassigned" not in team
    if period == "with-leads":  # the leads nobody holds yet, and nobody answered them
        assert "(sin asignar)" in page.locator("#report-reps td").all_inner_texts()
        assert "nada en este período" not in team
    assert page.evaluate("document.documentElement.scrollWidth") <= viewport["width"]
