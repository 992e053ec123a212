"""Refusals in Spanish in a real browser, on a desktop and a 390 px phone: a status change refused because a
colleague changed the lead meanwhile, and a failed submission's reason and its replay on the Sources page."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from leadsmanager.application.failed_submissions.reasons import Unreachable
from leadsmanager.application.intake import LeadForm
from leadsmanager.domain.actor import Actor
from leadsmanager.domain.lead import Channel
from leadsmanager.entrypoints.bootstrap.container import Container
from tests.browser.test_look import DESKTOP, PHONE
from tests.browser.test_spanish_look import served, signed_in

__all__ = ["served", "signed_in"]  # the Spanish-speaking app of test_spanish_look

Page = Any


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "phone"])
def test_refusals_are_said_in_spanish_and_fit_the_screen(
    served: tuple[str, Container],
    signed_in: Callable[..., Page],
    screenshot: Callable[[Page, str], None],
    viewport: dict[str, int],
) -> None:
    base, container = served
    size = "desktop" if viewport is DESKTOP else "phone"
    form = LeadForm(Channel.API, name=f"Rita Rechazo {size}", email=f"rita-{size}@example.com")
    lead_id = container.submit_lead()(form).lead_id
    page = signed_in(viewport=viewport, staff=True)
    page.goto(f"{base}/leads/{lead_id}")
    container.change_status()(lead_id, "contacted", by=Actor.system())  # a colleague, meanwhile
    page.click("#change-status")
    refusal = page.inner_text("#action-error")
    assert f"No se guardó: otra persona cambió el lead {lead_id}; recargalo y probá de nuevo." in refusal
    assert page.evaluate("document.documentElement.scrollWidth") <= viewport["width"]
    screenshot(page, f"es-refused-status-{size}")

    inbox = container.failed_submissions()
    inbox.record("web", f"form-{size}", str(Unreachable({"tel": "x", "your-name": "Ana"})), fields={"tel": "x"})
    page.goto(f"{base}/sources")
    assert "sin email ni teléfono: asigná los campos del formulario" in page.inner_text("#failed-submissions")
    assert page.evaluate("document.documentElement.scrollWidth") <= viewport["width"]
    screenshot(page, f"es-sources-refused-{size}")
