"""The stage editor in a real browser, without script, on a desktop and a 390 px phone, in English and in
Spanish: add a stage, move it, give a lost stage its reasons and ask for one, retire a stage, and a lead's
move into the stage that asks, with its reason in the history."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from leadsmanager.application.intake import LeadForm
from leadsmanager.domain.lead import Channel
from leadsmanager.entrypoints.bootstrap.container import Container
from tests.browser.conftest import ADMIN_PASSWORD, ARTIFACTS
from tests.browser.test_journeys import sign_in
from tests.browser.test_look import DESKTOP, PHONE

Page = Any
RUNS = {"desktop": (DESKTOP, "en"), "phone": (PHONE, "en"), "phone-es": (PHONE, "es"), "desktop-es": (DESKTOP, "es")}
# Words the pages show in each language, the log's and the flash's sentences too.
WORDS = {
    "en": {
        "saved": "Saved: added stage",
        "reason": "(reason: Too expensive)",
        "heading": "New stage",
        "retired": "retired stage {key}; its 1 lead keeps it",
    },
    "es": {
        "saved": "Guardado: se agregó la etapa",
        "reason": "(motivo: Muy caro)",
        "heading": "Nueva etapa",
        "retired": "se retiró la etapa {key}; su 1 lead la conserva",
    },
}


@pytest.mark.parametrize("run", list(RUNS))
def test_an_admin_edits_the_stages_and_a_lead_moves_with_a_reason(
    served: tuple[str, Container], browser: Any, screenshot: Callable[[Page, str], None], run: str
) -> None:
    base, container = served
    viewport, language = RUNS[run]
    context = browser.new_context(viewport=viewport, java_script_enabled=False)  # every change is a plain form
    try:
        page = context.new_page()
        sign_in(page, base, "admin@example.com", ADMIN_PASSWORD)
        set_language(page, base, language)
        edit_stages(page, base, container, screenshot, run, WORDS[language])
    finally:
        context.close()


def set_language(page: Page, base: str, language: str) -> None:
    page.goto(f"{base}/profile")
    page.select_option("#language", language)
    page.click("#save-profile")
    page.wait_for_load_state("load")


def fits(page: Page) -> None:
    width = page.viewport_size["width"]
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    spilled = page.evaluate(
        """() => [...document.querySelectorAll('button, label, input, select')]
          .filter(e => e.offsetParent && !e.closest('.table-box') && e.getBoundingClientRect().right > innerWidth)
          .map(e => e.id || e.textContent.trim())"""
    )
    assert spilled == []


def edit_stages(
    page: Page, base: str, container: Container, screenshot: Callable[[Page, str], None], run: str, say: dict[str, str]
) -> None:
    key = "lost" + run.replace("-", "").title()[:10]  # each run adds its own stage
    page.goto(f"{base}/settings/stages")
    page.fill("#new-stage-key", key)
    page.fill("#new-stage-en", f"Lost on price {run}")
    page.fill("#new-stage-es", f"Perdido por precio {run}")
    page.select_option("#new-stage-kind", "lost")
    page.click("#new-stage button[type=submit]")
    page.wait_for_selector("#flash")
    assert say["saved"] in page.inner_text("#flash") and say["heading"] in page.inner_text("#add-stage")
    card = f"#stage-{key}"
    page.click(f'{card} button[data-change="up"]')
    page.wait_for_selector("#flash")

    page.click(f"{card} summary")
    reason_form = f'{card} form[data-form="add_reason"]'
    page.fill(f"{reason_form} input[name=label_en]", "Too expensive")
    page.fill(f"{reason_form} input[name=label_es]", "Muy caro")
    page.click(f"{reason_form} button")
    page.wait_for_selector("#flash")
    page.click(f"{card} summary")
    page.click(f'{card} form[data-form="require_reason"] button')
    page.wait_for_selector("#flash")
    assert page.is_visible(f'{card} [data-fact="reason"]')
    page.click(f"{card} summary")  # open again for the picture: its reasons and forms
    screenshot(page, f"stages-editor-{run}")
    page.locator(card).screenshot(path=str(ARTIFACTS / f"stages-editor-card-{run}.png"))  # the edited card, full size
    fits(page)

    lead_id = container.submit_lead()(
        LeadForm(Channel.API, name=f"Rita {run}", email=f"rita.{run}@example.com")
    ).lead_id
    page.goto(f"{base}/leads/{lead_id}")
    page.select_option("#status", key)
    page.click("#change-status")
    page.wait_for_selector('[data-error-for="reason"]')
    assert page.input_value("#status") == key  # the choice is kept
    screenshot(page, f"stages-reason-refused-{run}")
    fits(page)
    page.select_option("#reason", f"{key}:tooExpensive")
    page.click("#change-status")
    page.wait_for_selector("#flash")
    assert say["reason"] in page.inner_text("#history")

    page.goto(f"{base}/settings/stages")
    page.click(f'{card} button[data-change="retire"]')
    page.wait_for_selector("#flash")
    assert page.is_visible(f'{card} [data-fact="retired"]') and page.is_visible(f'{card} [data-fact="leads"]')
    assert not page.is_visible(f'{card} button[data-change="delete"]')  # a lead holds it
    assert page.locator('#stage-log li[data-action="retire"]').count() >= 1
    assert say["retired"].format(key=key) in page.locator("#stage-log li").first.inner_text()
    screenshot(page, f"stages-log-{run}")
    page.locator("#stage-log").screenshot(path=str(ARTIFACTS / f"stages-log-card-{run}.png"))
    fits(page)
