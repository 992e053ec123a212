"""A lead's campaign in a real browser, on a desktop and a 390 px phone, in English and Spanish: the list
filtered by campaign, the campaign on the lead's page, corrected there with its history line."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from leadsmanager.application.intake import LeadForm
from leadsmanager.application.users import NewUser
from leadsmanager.domain.actor import Actor
from leadsmanager.domain.lead import Channel
from leadsmanager.domain.roles import Role
from leadsmanager.entrypoints.bootstrap.container import Container
from tests.browser.test_journeys import sign_in
from tests.browser.test_look import DESKTOP, PHONE

Page = Any
WORDS = {
    "en": {"label": "Campaign", "change": "campaign: Expo Rosario {run} -> Radio Mitre {run}"},
    "es": {"label": "Campaña", "change": "campaña: Expo Rosario {run} -> Radio Mitre {run}"},
}


@pytest.mark.parametrize("language", ["en", "es"])
@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "phone"])
def test_the_list_filters_by_campaign_and_the_lead_page_shows_and_corrects_it(
    served: tuple[str, Container],
    browser: Any,
    screenshot: Callable[[Page, str], None],
    viewport: dict[str, int],
    language: str,
) -> None:
    base, container = served
    run = f"{language}-{'desktop' if viewport is DESKTOP else 'phone'}"
    email = f"campaigns.{run}@example.com"
    person = NewUser(email, f"Camila {run}", Role.ADMIN, "campaign test password")
    container.user_admin().create(person, by=Actor.system())
    submit = container.submit_lead()
    ours = [
        submit(
            LeadForm(
                Channel.API, name=f"Expo {n} {run}", email=f"{n}.{run}@example.com", campaign=f"Expo Rosario {run}"
            )
        ).lead_id
        for n in range(2)
    ]
    submit(LeadForm(Channel.API, name=f"Other {run}", email=f"other.{run}@example.com", campaign="Radio"))
    context = browser.new_context(viewport=viewport)
    try:
        page = context.new_page()
        sign_in(page, base, email, "campaign test password")
        page.goto(f"{base}/profile")
        page.select_option("#language", language)
        page.click("#save-profile")
        page.wait_for_selector("#flash")
        page.goto(f"{base}/leads")
        assert page.inner_text("label[for=filter-campaign]") == WORDS[language]["label"]
        page.fill("#filter-campaign", f"Expo Rosario {run}")
        page.click("#apply-filters")
        page.wait_for_url("**/leads?*campaign=Expo*")
        listed = page.eval_on_selector_all("#leads td:first-child a", "links => links.map(a => +a.textContent)")
        assert sorted(listed) == sorted(ours)
        screenshot(page, f"campaign-list-{run}")
        assert page.evaluate("document.documentElement.scrollWidth") <= viewport["width"]

        page.goto(f"{base}/leads/{ours[0]}")
        assert page.inner_text("#lead-campaign") == f"Expo Rosario {run}"
        page.click("#edit-details summary")
        page.fill("#edit-lead #campaign", f"  Radio   Mitre {run} ")
        screenshot(page, f"campaign-edit-{run}")
        page.click("#save-details")
        page.wait_for_selector("#flash")
        assert page.inner_text("#lead-campaign") == f"Radio Mitre {run}"
        assert WORDS[language]["change"].format(run=run) in page.inner_text("#history")
        screenshot(page, f"campaign-lead-{run}")
        assert page.evaluate("document.documentElement.scrollWidth") <= viewport["width"]
        page.click("#lead-campaign a")  # the campaign links to its leads
        page.wait_for_url("**/leads?campaign=*")
        assert page.input_value("#filter-campaign") == f"Radio Mitre {run}"
    finally:
        context.close()
