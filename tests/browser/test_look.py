"""How the pages look and read in a real browser: nothing refused by our own CSP, a layout that holds on a phone."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest

from leadsmanager.application.intake import LeadForm
from leadsmanager.domain.actor import Actor
from leadsmanager.domain.lead import Channel
from leadsmanager.domain.status import LeadStatus
from leadsmanager.entrypoints.container import Container
from tests.browser.conftest import ADMIN_PASSWORD
from tests.browser.test_journeys import sign_in

Page = Any
DESKTOP = {"width": 1280, "height": 800}
PHONE = {"width": 390, "height": 844}
MESSAGE = "Hello,\nwe need three quotes:\n- the roof\n- the garage"
NOTE = "Called back.\nShe wants a visit on Monday."
# Every status the app knows, on one lead each, so every tag colour is on the list page.
ROUTES = {
    LeadStatus.CONTACTED: [LeadStatus.CONTACTED],
    LeadStatus.QUALIFIED: [LeadStatus.CONTACTED, LeadStatus.QUALIFIED],
    LeadStatus.PROPOSAL: [LeadStatus.CONTACTED, LeadStatus.QUALIFIED, LeadStatus.PROPOSAL],
    LeadStatus.WON: [LeadStatus.CONTACTED, LeadStatus.QUALIFIED, LeadStatus.PROPOSAL, LeadStatus.WON],
    LeadStatus.LOST: [LeadStatus.CONTACTED, LeadStatus.LOST],
    LeadStatus.SPAM: [LeadStatus.SPAM],
}

# The page that records every CSP violation the document reports, whatever the console says.
RECORD_VIOLATIONS = """
window.__violations = [];
window.addEventListener('securitypolicyviolation', e =>
  window.__violations.push(`${e.violatedDirective} ${e.blockedURI || 'inline'} on ${e.target.nodeName || 'document'}`));
"""


@pytest.fixture(scope="module")
def detail_id(served: tuple[str, Container]) -> int:
    """A lead with a multi-line message and a multi-line note, and one lead in each other status."""
    _, container = served
    submit, system = container.submit_lead(), Actor.system()
    lead_id = submit(LeadForm(Channel.API, name="Mona Multiline", email="mona@example.com", message=MESSAGE)).lead_id
    container.add_note()(lead_id, NOTE, by=system)
    for n, (status, route) in enumerate(ROUTES.items()):
        other = submit(LeadForm(Channel.API, name=f"{status.value.title()} Person", email=f"p{n}@example.com"))
        for step in route:
            container.change_status()(other.lead_id, step, by=system)
    return lead_id


def open_page(page: Page, base: str, name: str, lead_id: int) -> None:
    """Go to one of the main pages as a person would, filling forms where the page is about their errors."""
    if name == "sign-in":
        page.goto(f"{base}/login")
    elif name == "public-form":
        page.goto(f"{base}/forms/contact")
    elif name == "public-form-errors":
        page.goto(f"{base}/forms/contact")
        page.fill("#name", "Eve Errors")
        page.fill("#email", "eve@localhost")
        page.fill("#phone", "12")
        page.wait_for_timeout(3200)  # sent sooner, it would be kept as likely spam rather than corrected
        page.click("#public-form button[type=submit]")
        page.wait_for_selector(".field-error")
    elif name == "new-lead-errors":
        page.goto(f"{base}/leads/new")
        page.fill("#name", "Eve Errors")
        page.fill("#email", "eve@localhost")
        page.fill("#phone", "12")
        page.click("#new-lead button[type=submit]")
        page.wait_for_selector(".field-error")
    else:
        path = {"dashboard": "/", "leads-list": "/leads", "lead-detail": f"/leads/{lead_id}"}.get(name, f"/{name}")
        page.goto(f"{base}{path}")
    page.wait_for_load_state("load")


STAFF_PAGES = ("dashboard", "leads-list", "lead-detail", "new-lead-errors", "users", "reports", "jobs")
PUBLIC_PAGES = ("sign-in", "public-form", "public-form-errors")


@pytest.fixture
def signed_in(served: tuple[str, Container], browser: Any) -> Iterator[Callable[..., Page]]:
    """New browser contexts at a given size, signed in as the admin when asked; closed afterwards."""
    base, _ = served
    contexts: list[Any] = []

    def open_context(*, viewport: dict[str, int], staff: bool, bypass_csp: bool = False) -> Page:
        context = browser.new_context(viewport=viewport, bypass_csp=bypass_csp)
        contexts.append(context)
        page = context.new_page()
        if staff:
            sign_in(page, base, "admin@example.com", ADMIN_PASSWORD)
        return page

    yield open_context
    for context in contexts:
        context.close()


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "phone"])
def test_no_main_page_breaks_the_content_security_policy(
    served: tuple[str, Container],
    detail_id: int,
    signed_in: Callable[..., Page],
    screenshot: Callable[[Page, str], None],
    viewport: dict[str, int],
) -> None:
    base, _ = served
    size = "desktop" if viewport is DESKTOP else "phone"
    refused: dict[str, list[str]] = {}
    for staff, names in ((False, PUBLIC_PAGES), (True, STAFF_PAGES)):
        page = signed_in(viewport=viewport, staff=staff)
        page.add_init_script(RECORD_VIOLATIONS)
        console: list[str] = []
        page.on("console", lambda message, into=console: into.append(message.text))
        for name in names:
            console.clear()
            open_page(page, base, name, detail_id)
            screenshot(page, f"look-{name}-{size}")
            found = page.evaluate("window.__violations") + [t for t in console if "Content Security Policy" in t]
            if found:
                refused[name] = found
    assert refused == {}


def test_a_multi_line_message_and_note_keep_their_lines(
    served: tuple[str, Container], detail_id: int, signed_in: Callable[..., Page]
) -> None:
    base, _ = served
    page = signed_in(viewport=DESKTOP, staff=True)
    open_page(page, base, "lead-detail", detail_id)
    for cell, lines in (('#lead-fields tr:has(th:text-is("Message")) td', 4), ('#history [data-field="note"]', 2)):
        height, line = page.eval_on_selector(
            cell, "e => [e.getBoundingClientRect().height, parseFloat(getComputedStyle(e).lineHeight)]"
        )
        assert height >= lines * line, f"{cell} is {height}px high, less than {lines} lines of {line}px"


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "phone"])
def test_narrow_cards_stay_narrow_and_nothing_scrolls_sideways(
    served: tuple[str, Container], signed_in: Callable[..., Page], viewport: dict[str, int]
) -> None:
    base, _ = served
    page = signed_in(viewport=viewport, staff=False)
    open_page(page, base, "sign-in", 0)
    width = page.eval_on_selector("form[action='/login']", "e => e.closest('.w3-card').getBoundingClientRect().width")
    assert width <= 420
    assert page.evaluate("document.documentElement.scrollWidth") <= viewport["width"]
