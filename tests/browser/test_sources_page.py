"""The Sources page in Chromium, as an admin reads it after a sync: a desktop and a 390 px phone, the wide
forms table scrolling inside its card, a replay from the inbox, and nothing refused by the CSP or by axe."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from dependency_injector import providers

from leadsmanager.adapters.form_sources.site import SiteKind, WordPressSite
from leadsmanager.adapters.memory.forms import MemoryFormSource
from leadsmanager.adapters.sql.migrate import upgrade
from leadsmanager.application.sync_types import FormSourceUnavailable, RemoteSubmission
from leadsmanager.application.users import NewUser
from leadsmanager.domain.actor import Actor
from leadsmanager.domain.roles import Role
from leadsmanager.entrypoints.bootstrap.container import Container, build
from leadsmanager.entrypoints.bootstrap.settings import Settings
from tests.browser.conftest import ADMIN_PASSWORD, serving
from tests.browser.test_journeys import sign_in
from tests.browser.test_look import DESKTOP, PHONE, RECORD_VIOLATIONS, RUN_AXE, WCAG_AA
from tests.browser.test_stage_editor import set_language

Page = Any
AXE = Path(__file__).with_name("axe") / "axe.min.js"
TOKEN = "Zr8w3Tq-pL0_vY7nK2sD9hXc4b"
SITES = (
    WordPressSite(
        "intralog",
        "http://127.0.0.1:9",
        "leads",
        "app password",
        {
            "3": {"E-mail": "email"},
            "4": {"Correo electrónico": "email"},
            "5": {"Correo electrónico empresarial": "email"},
        },
        kind=SiteKind.INTRALOG_LEGACY,
    ),
    WordPressSite("landing", "", "", "", {"contacto": {"Correo": "email"}}, push_token=TOKEN, id_key="item_id"),
)


@pytest.fixture(scope="module")
def sourced(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Container]]:
    """The app with two sites configured, after a sync: form 3 imported, form 4 failing, one push refused."""
    data = tmp_path_factory.mktemp("sources")
    settings = Settings(
        data_dir=data,
        database_url=f"sqlite:///{data / 'app.sqlite3'}",
        redis_url=None,
        phone_region="US",
        secret_key="browser test secret that is long enough",
        allowed_hosts=("127.0.0.1",),
        wordpress_sites=SITES,
    )
    container = build(settings)
    source = MemoryFormSource()
    container.form_source.override(providers.Object(source))
    upgrade(container.engine())
    admin = NewUser("admin@example.com", "Ada Admin", Role.ADMIN, ADMIN_PASSWORD)
    container.user_admin().create(admin, by=Actor.system())
    sent = datetime.now(UTC) - timedelta(hours=2)
    source.add("intralog", "3", *(entry(n, sent + timedelta(minutes=n)) for n in range(1, 13)))
    source.add("intralog", "4")
    source.add("intralog", "5", entry(1, sent))
    source.fail_next(FormSourceUnavailable("HTTP 503 from the site: Service Unavailable", site="intralog", form_id="4"))
    sync = container.sync_forms()
    for form_id in ("4", "3", "5"):
        sync(site="intralog", form_id=form_id)
    inbox = container.failed_submissions()
    unreadable = "the body is not JSON or a PHP form: Expecting value: line 1 column 1 (char 0)"
    inbox.record("landing", "contacto", unreadable, body="Nombre=Ana&Tel%C3%A9fono=%2B54+11+5555", submission_id="77")
    inbox.record("landing", "contacto", "earlier refusal", fields={"Correo": "rosa@example.com"}, submission_id="78")
    with serving(container) as url:
        yield url, container
    container.shutdown_resources()


def entry(n: int, at: datetime) -> RemoteSubmission:
    fields = {"E-mail": f"persona{n}@example.com", "Correo electrónico empresarial": f"empresa{n}@example.com"}
    return RemoteSubmission(str(n), at, fields)


@pytest.fixture
def admin_page(sourced: tuple[str, Container], browser: Any) -> Iterator[Callable[[dict[str, int]], Page]]:
    base, _ = sourced
    contexts: list[Any] = []

    def open_page(viewport: dict[str, int], *, bypass_csp: bool = False) -> Page:
        context = browser.new_context(viewport=viewport, bypass_csp=bypass_csp)
        contexts.append(context)
        page = context.new_page()
        page.add_init_script(RECORD_VIOLATIONS)
        sign_in(page, base, "admin@example.com", ADMIN_PASSWORD)
        page.goto(f"{base}/sources")
        return page

    yield open_page
    for context in contexts:
        context.close()


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "phone"])
def test_the_admin_reads_each_forms_health_at_any_width(
    admin_page: Callable[..., Page], screenshot: Callable[[Page, str], None], viewport: dict[str, int]
) -> None:
    page = admin_page(viewport)
    size = "desktop" if viewport is DESKTOP else "phone"
    screenshot(page, f"sources-{size}")
    cells = page.locator('tr[data-form="intralog/3"] td').all_inner_texts()
    assert cells[:3] == ["intralog", "intralog-legacy", "3"]
    assert cells[5:8] == ["1 h 48 min", "12", "12"]  # the newest entry was sent 1 h 48 min ago
    assert "HTTP 503" in page.inner_text('tr[data-form="intralog/4"] td[data-cell="error"]')
    assert page.inner_text('tr[data-form="landing/contacto"] td[data-cell="failed"]') == "2"
    assert page.evaluate("window.__violations") == []
    assert page.evaluate("document.documentElement.scrollWidth") <= viewport["width"]
    box = page.locator("#forms-card .table-box")
    card = page.locator("#forms-card").bounding_box()
    assert card is not None and card["x"] >= 0 and card["x"] + card["width"] <= viewport["width"]
    if viewport is PHONE:  # the table is wider than the phone: it scrolls inside its card, the page does not
        assert box.evaluate("e => e.scrollWidth > e.clientWidth")
        box.evaluate("e => { e.scrollLeft = e.scrollWidth }")
        screenshot(page, "sources-phone-scrolled")


def test_a_replay_from_the_page_makes_the_lead_and_says_so(admin_page: Callable[..., Page]) -> None:
    page = admin_page(DESKTOP)
    page.click('tr[data-failed="2"] button')
    page.wait_for_selector("#flash")
    assert page.inner_text("#flash").startswith("Submission 2 (landing/contacto, entry 78) made lead #")
    assert page.locator('tr[data-failed="2"]').count() == 0
    page.click("#replay-all button")
    page.wait_for_selector("#flash.w3-pale-red")
    flash = page.inner_text("#flash")
    assert flash.startswith("Replayed 1 submission(s): 0 made or joined a lead, 1 still refused: Submission 1 ("), flash
    assert page.locator('tr[data-failed="1"] td').nth(5).inner_text() == "2"  # tried on arrival and by the replay


def test_the_page_passes_axe_at_wcag_aa(admin_page: Callable[..., Page]) -> None:
    page = admin_page(DESKTOP, bypass_csp=True)  # only so that axe itself can be injected
    page.add_script_tag(path=str(AXE))
    assert page.evaluate(RUN_AXE, WCAG_AA) == []


@pytest.mark.parametrize(("viewport", "language"), [(DESKTOP, "en"), (PHONE, "es")], ids=["desktop", "phone-es"])
def test_a_long_inbox_reads_fifty_at_a_time_without_javascript(
    sourced: tuple[str, Container],
    browser: Any,
    screenshot: Callable[[Page, str], None],
    viewport: dict[str, int],
    language: str,
) -> None:
    base, container = sourced
    inbox = container.failed_submissions()
    for n in range(100, 160 - len(inbox.waiting())):  # 60 waiting in all, whichever ran before
        inbox.record("landing", "contacto", "no email and no phone", fields={"Nombre": f"n{n}"}, submission_id=str(n))
    context = browser.new_context(viewport=viewport, java_script_enabled=False)
    try:
        page = context.new_page()
        sign_in(page, base, "admin@example.com", ADMIN_PASSWORD)
        set_language(page, base, language)
        page.goto(f"{base}/sources#failed-submissions")
        words = {"en": "60 submissions are waiting.", "es": "60 envíos en espera."}[language]
        assert words in page.inner_text("#failed-count")
        assert page.locator("tr[data-failed]").count() == 50
        size = "desktop" if viewport is DESKTOP else "phone"
        screenshot(page, f"sources-inbox-{size}-{language}")
        page.click("#next-page")
        assert page.locator("tr[data-failed]").count() == 10
        assert page.locator("#next-page").count() == 0 and page.locator("#newest-failed").count() == 1
        assert page.evaluate("document.documentElement.scrollWidth") <= viewport["width"]
        screenshot(page, f"sources-inbox-next-{size}-{language}")
    finally:
        context.close()
