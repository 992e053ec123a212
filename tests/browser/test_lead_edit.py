"""Correcting a lead in a real browser, on a desktop and on a 390 px phone: the details form, the history's
old -> new, and the refusals that keep what was typed (another open lead's contact, a page gone stale)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from leadsmanager.application.intake import LeadForm
from leadsmanager.application.leads import LeadChanges
from leadsmanager.domain.actor import Actor
from leadsmanager.domain.lead import Channel
from leadsmanager.entrypoints.bootstrap.container import Container
from tests.browser.conftest import ADMIN_PASSWORD
from tests.browser.test_journeys import sign_in
from tests.browser.test_look import DESKTOP, PHONE

Page = Any
# The ids of the form's fields that reach past the form's own box.
OVERFLOWING = """form => { const box = document.querySelector(form).getBoundingClientRect();
  return [...document.querySelectorAll(form + ' input:not([type=hidden]), ' + form + ' textarea')]
    .filter(e => e.getBoundingClientRect().right > box.right + 0.5).map(e => e.id); }"""


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "phone"])
def test_staff_correct_a_lead_on_its_page(
    served: tuple[str, Container], browser: Any, screenshot: Callable[[Page, str], None], viewport: dict[str, int]
) -> None:
    base, container = served
    context = browser.new_context(viewport=viewport)
    try:
        correct_a_lead(base, container, context.new_page(), screenshot, "desktop" if viewport is DESKTOP else "phone")
    finally:
        context.close()


def correct_a_lead(
    base: str, container: Container, page: Page, screenshot: Callable[[Page, str], None], size: str
) -> None:
    sign_in(page, base, "admin@example.com", ADMIN_PASSWORD)
    width = page.viewport_size["width"]
    submit = container.submit_lead()
    typo = LeadForm(
        Channel.API, name="Carla Corect", email=f"carla.{size}@exampel.com", message="Two trucks\nto Rosario"
    )
    lead_id = submit(typo).lead_id
    other = submit(LeadForm(Channel.API, name=f"Otto Other {size}", email=f"otto.{size}@example.com")).lead_id
    page.goto(f"{base}/leads/{lead_id}")

    page.click("#edit-details summary")
    page.fill("#edit-lead #name", "Carla Correa")
    page.fill("#edit-lead #email", f"carla.{size}@example.com")
    digits = "0142" if size == "desktop" else "0143"  # the other run's lead, still open, has the other
    page.fill("#edit-lead #phone", f"(202) 555-{digits}")
    page.fill("#edit-lead #company", "Correa Logística")
    screenshot(page, f"lead-edit-form-{size}")
    overflowing = page.evaluate(OVERFLOWING, "#edit-lead")
    assert overflowing == [], f"fields wider than their form: {overflowing}"
    page.click("#save-details")
    page.wait_for_selector("#flash")
    history = page.inner_text("#history")
    assert "name: Carla Corect -> Carla Correa" in history
    assert f"email: carla.{size}@exampel.com -> carla.{size}@example.com" in history
    assert f"phone: (none) -> +1202555{digits}" in history and "company: (none) -> Correa Logística" in history
    assert "Correa Logística" in page.inner_text("#lead-fields")
    screenshot(page, f"lead-edit-saved-{size}")
    assert page.evaluate("document.documentElement.scrollWidth") <= width

    page.click("#edit-details summary")
    page.fill("#edit-lead #email", f"OTTO.{size}@example.com")
    page.click("#save-details")
    page.wait_for_selector("#edit-lead .field-error")
    link = page.locator(f'#edit-lead a[data-taken-by="{other}"]')
    assert link.inner_text() == f"Open lead #{other} (Otto Other {size})"
    assert page.input_value("#edit-lead #email") == f"OTTO.{size}@example.com"
    screenshot(page, f"lead-edit-taken-{size}")
    assert page.evaluate("document.documentElement.scrollWidth") <= width

    page.fill("#edit-lead #email", f"carla.{size}@example.com")
    page.fill("#edit-lead #service", "Freight")
    container.update_lead()(lead_id, LeadChanges(details={"message": "Three trucks"}), by=Actor.system())
    page.click("#save-details")
    page.wait_for_selector("#action-error")
    assert "changed by someone else" in page.inner_text("#action-error")
    assert page.input_value("#edit-lead #service") == "Freight"  # kept, to send again
    screenshot(page, f"lead-edit-stale-{size}")
    page.click("#save-details")
    page.wait_for_selector("#flash")
    assert "service: (none) -> Freight" in page.inner_text("#history")

    link_page = page.context.new_page()
    link_page.goto(f"{base}/leads/{other}")
    assert link_page.inner_text("h2").startswith(f"Otto Other {size}")
