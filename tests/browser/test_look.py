"""How the pages look and read in a real browser: nothing refused by our own CSP, a layout that holds on a phone."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from leadsmanager.application.intake import LeadForm
from leadsmanager.domain.actor import Actor
from leadsmanager.domain.lead import Channel
from leadsmanager.domain.status import LeadStatus
from leadsmanager.entrypoints.bootstrap.container import Container
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
    elif name == "public-thanks":
        page.goto(f"{base}/forms/contact")
        page.fill("#name", "Tom Thanks")
        page.fill("#email", "tom@example.com")
        page.wait_for_timeout(3200)
        page.click("#public-form button[type=submit]")
        page.wait_for_selector("#thanks")
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
    elif name == "lead-edit-errors":
        page.goto(f"{base}/leads/{lead_id}")
        page.click("#edit-details summary")
        page.fill("#edit-lead #email", "eve@localhost")
        page.fill("#edit-lead #phone", "12")
        page.click("#save-details")
        page.wait_for_selector("#edit-lead .field-error")
    else:
        paths = {
            "dashboard": "/",
            "leads-list": "/leads",
            "lead-detail": f"/leads/{lead_id}",
            "stages": "/settings/stages",
        }
        path = paths.get(name, f"/{name}")
        page.goto(f"{base}{path}")
    page.wait_for_load_state("load")


STAFF_PAGES = (
    *("dashboard", "leads-list", "lead-detail", "lead-edit-errors", "new-lead-errors", "users", "reports", "jobs"),
    "sources",
    "stages",
)
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
def test_the_sign_in_card_stays_narrow(
    served: tuple[str, Container], signed_in: Callable[..., Page], viewport: dict[str, int]
) -> None:
    base, _ = served
    page = signed_in(viewport=viewport, staff=False)
    open_page(page, base, "sign-in", 0)
    width = page.eval_on_selector("form[action='/login']", "e => e.closest('.w3-card').getBoundingClientRect().width")
    assert width <= 420


def test_no_main_page_scrolls_sideways_on_a_phone(
    served: tuple[str, Container], detail_id: int, signed_in: Callable[..., Page]
) -> None:
    """Wide tables scroll inside their own box; the page itself fits the phone's width."""
    base, _ = served
    wide: dict[str, int] = {}
    for staff, names in ((False, PUBLIC_PAGES), (True, STAFF_PAGES)):
        page = signed_in(viewport=PHONE, staff=staff)
        for name in names:
            open_page(page, base, name, detail_id)
            width = page.evaluate("document.documentElement.scrollWidth")
            if width > PHONE["width"]:
                wide[name] = width
            if spilled := page.evaluate(SPILLING_OUT_OF_CARDS):
                wide[f"{name}: {spilled}"] = width
    assert wide == {}


# Elements whose right edge passes their card's: the page may fit the phone while a table pokes out of
# the white card it belongs in (it should scroll inside a .table-box instead).
SPILLING_OUT_OF_CARDS = """Array.from(document.querySelectorAll('.w3-card table, .w3-card input, .w3-card select'))
  .filter(e => e.getClientRects().length && !e.closest('.table-box'))
  .filter(e => e.getBoundingClientRect().right > e.closest('.w3-card').getBoundingClientRect().right + 1)
  .map(e => e.id || e.name || e.tagName).join(', ')"""


AXE = Path(__file__).with_name("axe") / "axe.min.js"
WCAG_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22a", "wcag22aa"]
RUN_AXE = """tags => axe.run(document, {runOnly: {type: 'tag', values: tags}}).then(r => r.violations
  .filter(v => v.impact === 'serious' || v.impact === 'critical')
  .map(v => `${v.id} (${v.impact}): ${v.help}; ` + v.nodes.slice(0, 3).map(n => n.target.join(' ')).join(', ')))"""


def test_every_main_page_passes_axe_at_wcag_aa(
    served: tuple[str, Container], detail_id: int, signed_in: Callable[..., Page]
) -> None:
    base, _ = served
    failures: dict[str, list[str]] = {}
    for staff, names in ((False, (*PUBLIC_PAGES, "public-thanks")), (True, STAFF_PAGES)):
        # Only here is the CSP bypassed, so that axe itself can be injected; the CSP test runs without it.
        page = signed_in(viewport=DESKTOP, staff=staff, bypass_csp=True)
        for name in names:
            open_page(page, base, name, detail_id)
            page.add_script_tag(path=str(AXE))
            found = page.evaluate(RUN_AXE, WCAG_AA)
            if found:
                failures[name] = found
    assert failures == {}, "\n".join(f"{page}: {problem}" for page, found in failures.items() for problem in found)


def contrast(foreground: str, background: str) -> float:
    """WCAG contrast ratio of two computed CSS colours, 'rgb(r, g, b)' or 'rgba(r, g, b, 1)'."""

    def luminance(colour: str) -> float:
        channels = [int(part) / 255 for part in colour[colour.index("(") + 1 : -1].split(",")[:3]]
        linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
        return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]

    light, dark = sorted((luminance(foreground), luminance(background)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


def test_keyboard_focus_is_visible_in_the_top_bar(
    served: tuple[str, Container], signed_in: Callable[..., Page]
) -> None:
    base, _ = served
    page = signed_in(viewport=DESKTOP, staff=True)
    page.goto(f"{base}/reports")
    for _ in range(3):
        page.keyboard.press("Tab")
        style = page.evaluate("""() => { const e = document.activeElement, s = getComputedStyle(e);
            return {inBar: !!e.closest('nav'), text: e.textContent.trim(), outline: s.outlineStyle,
                    width: parseFloat(s.outlineWidth), colour: s.outlineColor,
                    bar: getComputedStyle(e.closest('nav') || document.body).backgroundColor}; }""")
        assert style["inBar"], f"Tab reached {style['text']!r}, outside the top bar"
        assert style["outline"] != "none" and style["width"] >= 2, f"no visible focus on {style['text']!r}"
        assert contrast(style["colour"], style["bar"]) >= 3, f"focus on {style['text']!r} is hard to see"


def test_list_filter_labels_name_their_controls(
    served: tuple[str, Container], detail_id: int, signed_in: Callable[..., Page]
) -> None:
    base, _ = served
    page = signed_in(viewport=DESKTOP, staff=True)
    open_page(page, base, "leads-list", detail_id)
    labels = page.eval_on_selector_all("#filters label", "ls => ls.map(l => [l.textContent.trim(), !!l.control])")
    assert len(labels) >= 10
    assert [text for text, tied in labels if not tied] == []
    page.get_by_label("Status").select_option("won")
    page.get_by_label("Search").fill("person")
    page.click("#apply-filters")
    page.wait_for_url("**status=won**")
    assert page.locator("#leads tr").count() == 2


def test_every_status_tag_reads_at_4_5_to_1(
    served: tuple[str, Container], detail_id: int, signed_in: Callable[..., Page]
) -> None:
    base, _ = served
    page = signed_in(viewport=DESKTOP, staff=True)
    page.goto(f"{base}/leads?" + "&".join(f"status={s.value}" for s in LeadStatus))  # spam is listed only when asked
    tags = page.eval_on_selector_all(
        "#leads .w3-tag",
        "ts => ts.map(t => [t.textContent, getComputedStyle(t).color, getComputedStyle(t).backgroundColor])",
    )
    assert {status for status, _, _ in tags} == {s.value for s in LeadStatus}
    ratios = {status: round(contrast(fg, bg), 2) for status, fg, bg in tags}
    assert {status: r for status, r in ratios.items() if r < 4.5} == {}


@pytest.mark.parametrize("form", ["new-lead", "public-form"])
def test_form_errors_are_tied_to_their_fields_and_the_first_gets_the_focus(
    served: tuple[str, Container], signed_in: Callable[..., Page], form: str
) -> None:
    base, _ = served
    page = signed_in(viewport=DESKTOP, staff=form == "new-lead")
    page.goto(f"{base}/leads/new" if form == "new-lead" else f"{base}/forms/contact")
    page.fill("#name", "Eve Errors")
    page.fill("#email", "eve@localhost")
    page.fill("#phone", "12")
    page.fill("#company", "x" * 201)
    if form == "public-form":
        page.wait_for_timeout(3200)  # sent sooner, it would be kept as likely spam rather than corrected
    page.click(f"#{form} button[type=submit]")
    page.wait_for_selector(".field-error")
    assert page.evaluate("document.activeElement.id") == "email"
    described = {}
    for field in ("email", "phone", "company"):
        control = page.locator(f"#{field}")
        assert control.get_attribute("aria-invalid") == "true"
        ids = (control.get_attribute("aria-describedby") or "").split()
        described[field] = " ".join(page.inner_text(f"#{i}") for i in ids)
    assert "not a valid phone number" in described["phone"]
    assert "at most 200 characters" in described["company"]
    assert page.get_attribute("#name", "aria-invalid") is None


def test_the_public_form_offers_autofill_and_marks_required_fields(
    served: tuple[str, Container], signed_in: Callable[..., Page]
) -> None:
    base, _ = served
    page = signed_in(viewport=DESKTOP, staff=False)
    page.goto(f"{base}/forms/contact")
    tokens = {f: page.get_attribute(f"#{f}", "autocomplete") for f in ("name", "email", "phone", "company")}
    assert tokens == {"name": "name", "email": "email", "phone": "tel", "company": "organization"}
    assert page.get_attribute("#name", "required") is not None
    assert "*" in page.inner_text("label[for=name]")
    assert "required" in page.inner_text("#public-form")
