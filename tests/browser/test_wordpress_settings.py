"""Settings → LeadsManager in a real WordPress admin, driven by Chromium: what an administrator sees and saves."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest

from tests.integration.real_wordpress import RealWordPress, real_wordpress

pytestmark = pytest.mark.mariadb

SECRET = "a long webhook secret shared with LeadsManager"
HOSTILE = 'https://leads.example/"><img id=injected src=x onerror=alert(1)>'


@pytest.fixture(scope="module")
def wordpress(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RealWordPress]:
    yield from real_wordpress(tmp_path_factory.mktemp("wordpress"))


@pytest.fixture
def admin_page(browser: Any, wordpress: RealWordPress) -> Iterator[Any]:
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.goto(wordpress.url + "/wp-login.php")
    page.fill("#user_login", "admin")
    page.fill("#user_pass", wordpress.passwords["admin-login"])
    page.click("#wp-submit")
    page.wait_for_url("**/wp-admin/**")
    page.goto(wordpress.url + "/wp-admin/options-general.php?page=leadsmanager-forms")
    yield page
    context.close()


def save(page: Any, url: str, site: str, secret: str) -> None:
    page.fill("#leadsmanager-url", url)
    page.fill("#leadsmanager-site", site)
    page.fill("#leadsmanager-secret", secret)
    page.click("#submit")
    page.wait_for_load_state()


def test_an_administrator_sets_up_the_push_and_sees_the_recorded_forms(
    admin_page: Any, wordpress: RealWordPress, screenshot: Callable[[Any, str], None]
) -> None:
    page = admin_page
    assert page.inner_text("h1") == "LeadsManager"
    assert "No submission recorded yet" in page.inner_text("#wpbody-content")
    assert "Pushing is off." in page.inner_text("#wpbody-content")

    page.evaluate("document.querySelector('#leadsmanager-site').removeAttribute('pattern')")
    save(page, "http://leads.example.com", "Blog Site!", "short")
    errors = page.inner_text("#wpbody-content")
    assert "must start with https://" in errors and "1-40 lower-case letters" in errors
    assert "at least 16 characters" in errors
    assert wordpress.cli("push-settings-read") == {"url": "", "site": "", "secret": ""}

    save(page, "https://leads.example.com/", "blog", SECRET)
    text = page.inner_text("#wpbody-content")
    assert "Pushing to https://leads.example.com/api/v1/intake/wordpress/blog; nothing pushed yet." in text
    assert page.input_value("#leadsmanager-secret") == "" and SECRET not in page.content()
    saved = {"url": "https://leads.example.com/", "site": "blog", "secret": SECRET}
    assert wordpress.cli("push-settings-read") == saved

    save(page, "https://leads.example.com/", "blog", "")  # an empty secret field keeps the secret
    assert wordpress.cli("push-settings-read")["secret"] == SECRET

    wordpress.submit("cf7", {"form": 57, "posted": {"your-email": "ana@example.com"}})
    page.reload()
    row = page.inner_text("table.widefat tbody tr")
    assert row.split("\t")[:3] == ["cf7-57", "cf7", "1"]
    screenshot(page, "wordpress-settings-desktop")
    page.set_viewport_size({"width": 390, "height": 844})
    screenshot(page, "wordpress-settings-phone")


def test_stored_values_are_escaped_on_the_page(admin_page: Any, wordpress: RealWordPress) -> None:
    wordpress.cli("push-settings", {"url": HOSTILE, "site": "<b>blog</b>", "secret": SECRET})
    admin_page.reload()
    assert admin_page.input_value("#leadsmanager-url") == HOSTILE
    assert admin_page.input_value("#leadsmanager-site") == "<b>blog</b>"
    assert admin_page.query_selector("#injected") is None
    wordpress.cli("push-settings", {})
