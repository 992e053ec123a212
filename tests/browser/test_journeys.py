"""What people do in a real browser: sign in, work leads, send the public form, manage users."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from leadsmanager.application.intake import LeadForm
from leadsmanager.domain.lead import Channel
from leadsmanager.entrypoints.bootstrap.container import Container
from tests.browser.conftest import ADMIN_PASSWORD

Page = Any


def sign_in(page: Page, base: str, email: str, password: str) -> None:
    page.goto(f"{base}/login")
    page.fill("#email", email)
    page.fill("#password", password)
    page.click("button[type=submit]")
    page.wait_for_url(f"{base}/")


def test_a_visitor_sends_the_form_and_staff_work_the_lead(
    served: tuple[str, Container], browser: Any, screenshot: Callable[[Page, str], None]
) -> None:
    base, container = served
    for n in range(3):
        container.submit_lead()(LeadForm(Channel.API, name=f"Other Lead {n}", email=f"other{n}@example.com"))
    visitor = browser.new_page()
    visitor.goto(f"{base}/forms/contact?utm_source=browser-test")
    screenshot(visitor, "public-form")
    visitor.fill("#name", "Bruno Browser")
    visitor.fill("#email", "bruno@example.com")
    visitor.fill("#phone", "(202) 555-0199")
    visitor.fill("#message", "Please call me about logistics")
    visitor.wait_for_timeout(3200)  # people take a few seconds; bots do not
    visitor.click("button[type=submit]")
    visitor.wait_for_selector("#thanks")
    screenshot(visitor, "public-thanks")

    page = browser.new_page()
    sign_in(page, base, "admin@example.com", ADMIN_PASSWORD)
    screenshot(page, "dashboard")
    assert page.inner_text('[data-status="new"]') == "4"

    page.click("text=All leads")
    page.fill("#search", "bruno")
    page.click("#apply-filters")
    page.wait_for_url("**q=bruno**")
    rows = page.locator("#leads tr")
    assert rows.count() == 2  # header and Bruno
    screenshot(page, "leads-list")
    page.click("text=Bruno Browser")
    assert page.inner_text("#lead-status") == "new"
    assert "utm_source" in page.inner_text("#lead-fields")

    page.select_option("#status", "contacted")
    page.click("#change-status")
    page.wait_for_selector("#flash")
    assert page.inner_text("#lead-status") == "contacted"
    page.select_option("#assignee", label="Ada Admin (admin)")
    page.click("#assign")
    page.wait_for_selector("#flash")
    assert page.inner_text("#lead-assignee") == "Ada Admin"
    page.fill("#note", "Called, sending a quote")
    page.click("#add-note")
    page.wait_for_selector("#flash")
    history = page.inner_text("#history")
    assert "status: new -> contacted" in history and "Called, sending a quote" in history
    screenshot(page, "lead-detail")


def test_an_admin_creates_a_user_who_then_signs_in(
    served: tuple[str, Container], browser: Any, screenshot: Callable[[Page, str], None]
) -> None:
    base, _ = served
    admin = browser.new_page()
    sign_in(admin, base, "admin@example.com", ADMIN_PASSWORD)
    admin.click("text=Users")
    admin.fill("#user-email", "rita@example.com")
    admin.fill("#user-full_name", "Rita Rep")
    assert admin.inner_text("#user-password-rule") == "At least 10 characters."  # told before typing
    admin.fill("#user-password", "short")
    admin.click("#new-user button[type=submit]")  # the browser holds it back: too short
    assert admin.eval_on_selector("#user-password", "e => e.validity.tooShort")
    assert admin.input_value("#user-email") == "rita@example.com"
    admin.fill("#user-password", "rita's long password")
    admin.select_option("#user-role", "employee")
    admin.click("#new-user button[type=submit]")
    admin.wait_for_selector("#flash")
    screenshot(admin, "users")

    rep_context = browser.new_context()
    rep = rep_context.new_page()
    sign_in(rep, base, "rita@example.com", "rita's long password")
    assert "Users" not in rep.inner_text("nav")
    rep.goto(f"{base}/users")
    assert "Not allowed" in rep.inner_text("h2")
    rep.goto(f"{base}/leads/1")
    assert "Not found" in rep.inner_text("h2")
    screenshot(rep, "employee-not-found")
    rep_context.close()
