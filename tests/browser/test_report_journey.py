"""A manager reads the reports page in a real browser, narrows it to one rep, and a rep sees their own."""

from __future__ import annotations

import random
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from leadsmanager.application.users import NewUser
from leadsmanager.domain.actor import Actor
from leadsmanager.domain.lead import Channel, Lead
from leadsmanager.domain.roles import Role
from leadsmanager.domain.status import LeadStatus
from leadsmanager.entrypoints.bootstrap.container import Container
from tests.browser.conftest import ADMIN_PASSWORD
from tests.browser.test_journeys import sign_in
from tests.support import submission

Page = Any
S = LeadStatus
REPS = ("Rita Rep", "Oscar Other", "Nina New")
PATHS = [
    (S.CONTACTED, S.QUALIFIED, S.PROPOSAL, S.WON),
    (S.CONTACTED, S.QUALIFIED, S.PROPOSAL),
    (S.CONTACTED, S.LOST),
    (S.CONTACTED, S.QUALIFIED, S.LOST),
    (S.CONTACTED,),
    (),
]


def busy_month(container: Container) -> dict[str, int]:
    """Forty leads over the last three weeks, answered within minutes to days, some won, some lost."""
    system, rng = Actor.system(), random.Random(8)
    admin = container.user_admin()
    ids = {
        name: admin.create(
            NewUser(f"{name.split()[0].lower()}@example.com", name, Role.EMPLOYEE, "a long password"), by=system
        ).id
        for name in REPS
    }
    now = datetime.now(UTC)
    services, sites = ["Solar", "Heat pump", "Roofing", ""], [("www.solarly.example", "quote"), ("", "")]
    with container.uow() as uow:
        for n in range(40):
            arrived = now - timedelta(days=rng.uniform(1, 21))
            site, form = rng.choice(sites)
            channel = Channel.WEB_FORM if site else rng.choice([Channel.API, Channel.MANUAL])
            sub = submission(n, channel=channel, site=site, form_id=form, service=rng.choice(services))
            owner = ids[REPS[n % 3]] if n % 7 else None
            lead = Lead.from_submission(sub, at=arrived, assignee_id=owner)
            rep = Actor(owner, Role.EMPLOYEE, "rep") if owner else Actor(None, Role.ADMIN, "system")
            moment = arrived + timedelta(minutes=rng.choice([4, 25, 90, 300, 1500, 3000]) * (1 + n % 3))
            for status in rng.choice(PATHS) if owner else ():
                lead.change_status(status, by=rep, at=min(moment, now))
                moment += timedelta(hours=rng.uniform(2, 48))
            uow.leads.add(lead)
        uow.commit()
    return {name: user_id for name, user_id in ids.items() if user_id is not None}


@pytest.fixture(scope="module")
def team(served: tuple[str, Container]) -> dict[str, int]:
    return busy_month(served[1])


def figure(page: Page, name: str) -> str:
    return str(page.inner_text(f'[data-figure="{name}"]'))


def test_a_manager_reads_the_reports(
    served: tuple[str, Container], team: dict[str, int], browser: Any, screenshot: Callable[[Page, str], None]
) -> None:
    base, _ = served
    page = browser.new_page(viewport={"width": 1400, "height": 900})
    sign_in(page, base, "admin@example.com", ADMIN_PASSWORD)
    page.click("nav >> text=Reports")
    page.wait_for_selector("#report-funnel svg")
    assert figure(page, "total") == "40"
    assert page.locator("#report-funnel tr").nth(1).inner_text().split() == ["new", "40", "100.0%"]
    assert page.locator("#report-reps svg rect").count() >= 3
    assert page.get_attribute('[data-csv="funnel"]', "href") == "/reports/funnel.csv?"
    screenshot(page, "reports")

    page.select_option("#assignee", label="Rita Rep")
    page.click("#show-report")
    page.wait_for_url("**assignee=**")
    rows = page.locator("#report-reps tr")
    assert rows.count() == 2 and rows.nth(1).inner_text().startswith("Rita Rep")
    total = int(figure(page, "total"))
    assert 0 < total < 40
    with page.expect_download() as download:
        page.click('[data-csv="sources"]')
    assert download.value.suggested_filename.startswith("sources-")
    page.click("#all-time")  # the whole history, still of Rita's leads
    page.wait_for_url("**from=**")
    assert "assignee=" in page.url and page.locator("#assignee option:checked").inner_text() == "Rita Rep"
    assert int(figure(page, "total")) == total
    page.click("#last-30-days")
    page.wait_for_url("**assignee=**")
    assert "from=" not in page.url and page.locator("#assignee option:checked").inner_text() == "Rita Rep"
    screenshot(page, "reports-one-rep")


def test_a_rep_sees_only_their_own_figures(
    served: tuple[str, Container], team: dict[str, int], browser: Any, screenshot: Callable[[Page, str], None]
) -> None:
    base, _ = served
    context = browser.new_context(viewport={"width": 1400, "height": 900})
    rep = context.new_page()
    sign_in(rep, base, "oscar@example.com", "a long password")
    rep.click("nav >> text=Reports")
    rep.wait_for_selector("#report-funnel svg")
    assert "your leads" in rep.inner_text("#report-period")
    assert [row.split("\t")[0] for row in rep.locator("#report-reps tr").all_inner_texts()[1:]] == ["Oscar Other"]
    assert rep.locator("#assignee").count() == 0
    screenshot(rep, "reports-employee")
    context.close()
