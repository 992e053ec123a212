"""A lead's campaign: given at intake (API, staff's new lead), corrected on the lead page and by PATCH with its
history, shown, filtered in the lists, and reported by campaign on the page, its CSV and the API's stats. It
is the team's campaign, never the visitor's utm_campaign."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable

import pytest
from starlette.testclient import TestClient

from leadsmanager.application.intake import LeadForm
from leadsmanager.domain.actor import Actor
from leadsmanager.domain.lead import Channel
from leadsmanager.domain.status import LeadStatus
from leadsmanager.entrypoints.bootstrap.container import Container
from tests.web.conftest import Staff, csrf_of
from tests.web.test_languages import choose_language
from tests.web.test_stale_forms import open_page

Keys = dict[str, dict[str, str]]
EXPO = "Expo Logística 2025"


def intake(client: TestClient, keys: Keys, **body: object) -> int:
    response = client.post("/api/v1/leads", json=body, headers=keys["write"])
    assert response.status_code == 201, response.text
    lead_id: int = response.json()["lead"]["id"]
    return lead_id


def listed(client: TestClient, keys: Keys, query: str) -> set[int]:
    response = client.get(f"/api/v1/leads?{query}", headers=keys["read"])
    assert response.status_code == 200, response.text
    return {lead["id"] for lead in response.json()["items"]}


@pytest.fixture
def campaigns(container: Container, staff: Staff) -> dict[str, int]:
    """Three leads of the Expo (one won, one spam), one of the Radio campaign, and the staff's three of none."""
    submit, system = container.submit_lead(), Actor.system()
    made = {}
    for name, campaign in (("won", EXPO), ("expo", EXPO), ("spam", EXPO), ("radio", "Radio")):
        form = LeadForm(Channel.API, name=name, email=f"{name}@example.com", campaign=campaign)
        made[name] = submit(form).lead_id
    for status in (LeadStatus.CONTACTED, LeadStatus.QUALIFIED, LeadStatus.WON):
        container.change_status()(made["won"], status, by=system)
    container.change_status()(made["spam"], LeadStatus.SPAM, by=system)
    return made


def test_the_api_takes_a_campaign_trimmed_and_keeps_utm_campaign_apart(client: TestClient, keys: Keys) -> None:
    given = intake(client, keys, name="Ana", email="ana@example.com", campaign="  Expo   Logística 2025 ")
    tagged = intake(client, keys, name="Bea", email="bea@example.com", utm={"utm_campaign": "spring"})
    read = {n: client.get(f"/api/v1/leads/{n}", headers=keys["read"]).json() for n in (given, tagged)}
    assert read[given]["campaign"] == EXPO
    assert (read[tagged]["campaign"], read[tagged]["utm"]) == (None, {"utm_campaign": "spring"})

    too_long = client.post(
        "/api/v1/leads", json={"name": "Cy", "email": "cy@example.com", "campaign": "c" * 201}, headers=keys["write"]
    )
    assert too_long.status_code == 422
    assert [e["field"] for e in too_long.json()["errors"]] == ["campaign"]
    assert "200" in too_long.json()["errors"][0]["message"]
    assert (
        client.post(
            "/api/v1/leads", json={"name": "Di", "email": "di@x.com", "campaign": 7}, headers=keys["write"]
        ).status_code
        == 422
    )


def test_the_lists_filter_by_campaign_exactly(
    client: TestClient, keys: Keys, as_role: Callable[[str], TestClient], campaigns: dict[str, int]
) -> None:
    assert listed(client, keys, "campaign=Expo%20Log%C3%ADstica%202025") == {campaigns["won"], campaigns["expo"]}
    assert listed(client, keys, "campaign=Radio&sort=score") == {campaigns["radio"]}
    assert listed(client, keys, "campaign=Expo") == set()  # a campaign is matched whole, not by a part
    assert len(listed(client, keys, "campaign=")) == 6  # empty: no filter (spam hidden, as always)

    page = as_role("manager").get("/leads?campaign=Radio")
    assert page.status_code == 200
    assert 'id="filter-campaign" name="campaign" value="Radio"' in page.text
    assert set(map(int, re.findall(r'<td><a href="/leads/(\d+)">', page.text))) == {campaigns["radio"]}


def test_patch_sets_and_clears_the_campaign_with_its_history(client: TestClient, keys: Keys, staff: Staff) -> None:
    lead_id = staff.leads["nobody"]
    url = f"/api/v1/leads/{lead_id}"

    def patch(body: dict[str, object]) -> int:
        etag = client.get(url, headers=keys["read"]).headers["etag"]
        status: int = client.patch(url, json=body, headers={**keys["both"], "If-Match": etag}).status_code
        return status

    assert patch({"campaign": " Radio "}) == 200
    assert patch({"campaign": None}) == 200
    assert patch({"campaign": "r" * 201}) == 422
    lead = client.get(url, headers=keys["read"]).json()
    assert lead["campaign"] is None
    assert [(h["old"], h["new"]) for h in lead["history"] if h["field"] == "campaign"] == [
        (None, "Radio"),
        ("Radio", None),
    ]


def test_the_lead_page_shows_and_corrects_the_campaign_in_spanish(
    as_role: Callable[[str], TestClient], staff: Staff
) -> None:
    lead_id, rep = staff.leads["employee"], as_role("employee")
    choose_language(rep, "es")
    page = rep.get(f"/leads/{lead_id}").text
    assert "<th>Campaña</th>" in page and 'id="campaign" name="campaign"' in page
    token, version = open_page(rep, lead_id)
    details = {"name": "Lead 0", "email": "lead0@example.com", "campaign": "Radio  FM"}
    sent = rep.post(f"/leads/{lead_id}/details", data={"csrf_token": token, "version": version, **details})
    assert sent.status_code == 303
    page = rep.get(f"/leads/{lead_id}").text
    assert '<a href="/leads?campaign=Radio%20FM"' in page
    assert re.search(r"campaña: \(ninguna\) -&gt; Radio FM\s+\(Employee\)", page), page  # campaña is feminine


def test_staff_may_name_a_new_leads_campaign_and_a_visitor_may_not(
    as_role: Callable[[str], TestClient], client: TestClient, keys: Keys
) -> None:
    manager = as_role("manager")
    token = csrf_of(manager.get("/leads/new").text)
    made = manager.post(
        "/leads/new", data={"csrf_token": token, "name": "Eva", "email": "eva@example.com", "campaign": "Radio"}
    )
    assert made.status_code == 303
    lead_id = int(made.headers["location"].split("/")[-1].split("?")[0])
    assert client.get(f"/api/v1/leads/{lead_id}", headers=keys["read"]).json()["campaign"] == "Radio"
    assert 'name="campaign"' not in client.get("/forms/contact").text


def campaigns_table(page: str) -> str:
    found = re.search(r'id="report-campaigns".*?</table>', page, re.S)
    assert found, "no campaigns table"
    return found.group(0)


def test_the_report_counts_leads_won_and_conversion_by_campaign(
    as_role: Callable[[str], TestClient], client: TestClient, keys: Keys, campaigns: dict[str, int]
) -> None:
    manager = as_role("manager")
    table = list(csv.reader(io.StringIO(manager.get("/reports/campaigns.csv").text)))
    assert table == [
        ["Campaign", "Leads", "Won", "Conversion (%)"],
        [EXPO, "3", "1", "50.0"],  # the spam lead is counted, and left out of the conversion
        ["Radio", "1", "0", "0.0"],
        ["(none)", "3", "0", "0.0"],
    ]
    page = manager.get("/reports").text
    assert 'id="report-campaigns"' in page and "Leads and conversion by campaign" in page
    assert '<td class="">(none)</td>' in campaigns_table(page)
    choose_language(manager, "es")
    page = manager.get("/reports").text
    assert "Leads y conversión por campaña" in page
    assert '<td class="">(ninguna)</td>' in campaigns_table(page) and "(ninguno)" not in campaigns_table(page)
    stats = client.get("/api/v1/stats", headers=keys["read"]).json()
    assert stats["by_campaign"][0] == {"campaign": EXPO, "leads": 3, "won": 1, "rate": 0.5}
    assert stats["by_campaign"][-1]["campaign"] is None
    assert as_role("employee").get("/reports/campaigns.csv").text.splitlines()[1:] == ["(none),1,0,0.0"]


def test_the_report_filters_by_campaign_on_the_page_its_csv_files_and_the_api(
    as_role: Callable[[str], TestClient], client: TestClient, keys: Keys, campaigns: dict[str, int]
) -> None:
    manager = as_role("manager")
    page = manager.get("/reports", params={"campaign": EXPO}).text
    assert f'name="campaign" value="{EXPO}"' in page and 'id="report-campaign"' in page
    assert '<h3 data-figure="total">3</h3>' in page and '<h3 data-figure="won">1</h3>' in page
    statuses = list(csv.reader(io.StringIO(manager.get("/reports/campaigns.csv", params={"campaign": EXPO}).text)))
    assert statuses[1:] == [[EXPO, "3", "1", "50.0"]]
    funnel = manager.get("/reports/funnel.csv", params={"campaign": "Radio"}).text.splitlines()
    assert funnel[1].split(",")[:2] == ["new", "1"]  # the Radio campaign's one lead, not the seven of every campaign
    stats = client.get("/api/v1/stats", params={"campaign": EXPO}, headers=keys["read"]).json()
    assert (stats["total"], stats["by_status"]) == (3, {"new": 1, "won": 1, "spam": 1})
    assert client.get("/api/v1/stats", headers=keys["read"]).json()["total"] == 7
    choose_language(manager, "es")
    assert "campaña Radio" in manager.get("/reports", params={"campaign": "Radio"}).text


def test_the_reports_quick_ranges_keep_the_rep_campaign_and_time_zone(
    as_role: Callable[[str], TestClient], staff: Staff, campaigns: dict[str, int]
) -> None:
    manager = as_role("manager")
    rep = str(staff.ids["employee"])
    filters = {"campaign": EXPO, "assignee": rep, "tz": "America/Argentina/Buenos_Aires"}
    page = manager.get("/reports", params={**filters, "from": "2020-01-01", "to": "2020-01-31"}).text
    links = dict(re.findall(r'href="(/reports[^"]*)" id="(last-30-days|all-time)"', page))
    assert set(links.values()) == {"last-30-days", "all-time"}
    for href, button in links.items():
        shown = manager.get(href.replace("&amp;", "&"))
        kept = dict(shown.request.url.params)
        assert {k: kept.get(k) for k in filters} == filters, button
        assert (kept.get("from"), kept.get("to")) == ((None, None) if button == "last-30-days" else ("", ""))
        assert f'name="campaign" value="{EXPO}"' in shown.text and 'id="report-campaign"' in shown.text
        assert f'<option value="{rep}" selected>' in shown.text
