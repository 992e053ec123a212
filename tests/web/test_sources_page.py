"""The admins' Sources page: each configured site's forms with their sync, errors, lag and recent leads, and
the failed-submissions inbox with a replay of one submission or all, each a CSRF-checked POST."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import datetime, timedelta

import pytest
from attrs import evolve
from dependency_injector import providers
from starlette.testclient import TestClient

from leadsmanager.adapters.form_sources.site import SiteKind, WordPressSite
from leadsmanager.adapters.memory.forms import MemoryFormSource
from leadsmanager.application.sync_types import FormSourceAuthFailed, RemoteSubmission
from leadsmanager.entrypoints.bootstrap.container import Container
from tests.support import START, FakeClock
from tests.web.conftest import Staff, csrf_of
from tests.web.test_languages import choose_language

TOKEN = "Zr8w3Tq-pL0_vY7nK2sD9hXc4b"
SITES = (
    WordPressSite(
        "shop",
        "https://shop.example",
        "sync",
        "app password",
        {"3": {"E-mail": "email", "Razón social": "company"}, "4": {"Correo electrónico": "email"}},
        kind=SiteKind.INTRALOG_LEGACY,
    ),
    WordPressSite("hooks", "", "", "", {"5": {"Correo": "email", "Nombre": "name"}}, push_token=TOKEN),
)


def entry(n: int, sent: datetime, **fields: str) -> RemoteSubmission:
    return RemoteSubmission(str(n), sent, {"E-mail": f"person{n}@example.com", **fields})


@pytest.fixture
def source(container: Container, staff: Staff) -> MemoryFormSource:
    """The sites above configured, read through an in-memory source: shop's forms 3 and 4."""
    container.settings.override(providers.Object(evolve(container.settings(), wordpress_sites=SITES)))
    forms = MemoryFormSource()
    forms.add("shop", "3")
    forms.add("shop", "4")
    container.form_source.override(providers.Object(forms))
    return forms


def row(page: str, form: str) -> str:
    found = re.search(rf'<tr data-form="{re.escape(form)}">(.*?)</tr>', page, re.S)
    assert found, f"no row for {form}"
    return found.group(1)


def cell(page: str, form: str, name: str) -> str:
    found = re.search(rf'<td data-cell="{name}"[^>]*>(.*?)</td>', row(page, form), re.S)
    assert found, f"no {name} cell for {form}"
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", found.group(1))).strip()


def push(client: TestClient, fields: dict[str, str]) -> int:
    headers = {"Authorization": f"Bearer {TOKEN}"}
    return int(client.post("/api/v1/intake/webhook/hooks/5", json=fields, headers=headers).status_code)


def test_an_admin_sees_each_form_with_its_sync_its_leads_and_its_inbox(
    as_role: Callable[[str], TestClient], container: Container, source: MemoryFormSource, clock: FakeClock
) -> None:
    sync = container.sync_forms()
    source.add("shop", "3", entry(1, START - timedelta(hours=1)))
    sync(site="shop", form_id="3")  # a lead made on 1 March
    clock.current = later = START + timedelta(days=2)
    nobody = RemoteSubmission("3", later - timedelta(hours=4), {"Razón social": "Sin Contacto SA"})
    source.add("shop", "3", entry(2, later - timedelta(hours=3), **{"Razón social": "Acme"}), nobody)
    sync(site="shop", form_id="3")  # one more lead on 3 March, from an entry sent at 06:00; one kept in the inbox
    source.fail_next(FormSourceAuthFailed("HTTP 401: the application password was refused", site="shop", form_id="4"))
    sync(site="shop", form_id="4")
    admin = as_role("admin")
    assert push(admin, {"Correo": "ana@example.com", "Nombre": "Ana"}) == 200
    assert push(admin, {"Nombre": "Nadie"}) == 202  # no email and no phone: kept in the inbox
    clock.current = later + timedelta(minutes=30)

    page = admin.get("/sources")

    assert page.status_code == 200
    assert '<a href="/sources"' in page.text  # the admin's menu leads here
    text = page.text
    assert cell(text, "shop/3", "succeeded") == "2026-03-03 09:00 UTC"  # labelled with LEADSMANAGER_TIME_ZONE
    assert cell(text, "shop/3", "error") == "—"
    assert cell(text, "shop/3", "lag") == "3 h 30 min"  # the newest entry was sent at 06:00
    assert (cell(text, "shop/3", "day"), cell(text, "shop/3", "month"), cell(text, "shop/3", "failed")) == (
        "1",  # a lead counts from when it was made, here: the one of 1 March is older than a day
        "2",
        "1",  # the entry with no email and no phone
    )
    assert "intralog-legacy" in row(text, "shop/3")
    assert cell(text, "shop/4", "succeeded") == "never"
    assert cell(text, "shop/4", "error") == "HTTP 401: the application password was refused 2026-03-03 09:00 UTC"
    assert cell(text, "shop/4", "lag") == "—"
    assert "pushes only" in row(text, "hooks/5") and "leadsmanager" in row(text, "hooks/5")
    assert cell(text, "hooks/5", "succeeded") == "— (not synced)"
    assert (cell(text, "hooks/5", "day"), cell(text, "hooks/5", "month"), cell(text, "hooks/5", "failed")) == (
        "1",
        "1",
        "1",
    )
    synced, waiting = container.failed_submissions().waiting()
    kept = re.search(rf'<tr data-failed="{synced.id}">(.*?)</tr>', text, re.S)
    assert kept and "shop/3" in kept.group(1) and "<td>3</td>" in kept.group(1)  # the site's entry id
    assert "no email and no phone" in kept.group(1)
    listed = re.search(rf'<tr data-failed="{waiting.id}">(.*?)</tr>', text, re.S)
    assert listed and "hooks/5" in listed.group(1) and "2026-03-03 09:00" in listed.group(1)
    assert "no email and no phone" in listed.group(1)
    assert f'action="/sources/failed/{waiting.id}/replay"' in text and 'action="/sources/failed/replay"' in text


def flash_of(client: TestClient, response: object) -> str:
    """The message the page the browser is sent to shows."""
    assert getattr(response, "status_code", None) == 303
    page = client.get("/sources").text
    found = re.search(r'<div class="w3-panel ([^"]*)"[^>]*id="flash">\s*<p>(.*?)</p>', page, re.S)
    assert found, "no flash message"
    return ("error: " if "w3-pale-red" in found.group(1) else "") + found.group(2)


def test_a_replay_makes_the_lead_once_the_mapping_takes_it_or_says_why_not(
    as_role: Callable[[str], TestClient], container: Container, source: MemoryFormSource
) -> None:
    inbox = container.failed_submissions()
    # Kept while the mapping was wrong; the mapping configured now takes its "Correo".
    fields = {"Correo": "rosa@example.com"}
    fixed = inbox.record("hooks", "5", "no email and no phone", fields=fields, submission_id="41")
    still = inbox.record("hooks", "5", "the body is not JSON", body="{oops")  # nothing a mapping can read
    assert fixed is not None and still is not None
    admin = as_role("admin")
    token = csrf_of(admin.get("/sources").text)

    made = admin.post(f"/sources/failed/{fixed.id}/replay", data={"csrf_token": token})
    message = flash_of(admin, made)
    lead_id = inbox_lead(container, fixed.id)
    assert message == f"Submission {fixed.id} (hooks/5, entry 41) made lead #{lead_id}"
    assert made.headers["location"] == "/sources#failed-submissions"

    refused = admin.post(f"/sources/failed/{still.id}/replay", data={"csrf_token": token})
    assert flash_of(admin, refused).startswith(f"error: Submission {still.id} (hooks/5) is still refused: ")
    page = admin.get("/sources").text
    assert f'data-failed="{fixed.id}"' not in page and f'data-failed="{still.id}"' in page
    assert [s.attempts for s in inbox.waiting()] == [2]
    assert admin.post(f"/sources/failed/{fixed.id}/replay", data={"csrf_token": token}).status_code == 404


def test_replay_all_tries_every_waiting_submission(
    as_role: Callable[[str], TestClient], container: Container, source: MemoryFormSource
) -> None:
    inbox = container.failed_submissions()
    for n in (1, 2):
        inbox.record("hooks", "5", "unmapped", fields={"Correo": f"p{n}@example.com"}, submission_id=str(n))
    inbox.record("hooks", "5", "the body is not JSON", body="{oops", submission_id="3")
    admin = as_role("admin")
    response = admin.post("/sources/failed/replay", data={"csrf_token": csrf_of(admin.get("/sources").text)})
    message = flash_of(admin, response)
    assert message.startswith("error: Replayed 3 submission(s): 2 made or joined a lead, 1 still refused: Submission")
    assert "(hooks/5, entry 3) is still refused" in message
    assert [s.submission_id for s in inbox.waiting()] == ["3"]
    token = csrf_of(admin.get("/sources").text)
    with container.uow() as uow:  # the last one leaves the inbox by other means (a replay from the CLI, say)
        [last] = uow.failed_submissions.waiting()
        uow.failed_submissions.save(last.replayed(1, at=START))
        uow.commit()
    assert "No failed submissions are waiting." in admin.get("/sources").text
    assert flash_of(admin, admin.post("/sources/failed/replay", data={"csrf_token": token})) == (
        "No failed submission was waiting."
    )


def test_the_inbox_shows_the_newest_fifty_with_the_count_and_a_link_to_the_next_fifty(
    as_role: Callable[[str], TestClient], container: Container, source: MemoryFormSource
) -> None:
    inbox = container.failed_submissions()
    kept = [
        inbox.record("hooks", "5", "unmapped", fields={"Nombre": f"n{n}"}, submission_id=str(n)) for n in range(120)
    ]
    ids = [k.id for k in kept if k is not None]
    admin = as_role("admin")

    def listed(page: str) -> list[int]:
        return [int(i) for i in re.findall(r'<tr data-failed="(\d+)">', page)]

    def next_link(page: str) -> str | None:
        found = re.search(r'id="next-page" href="([^"]+)"', page)
        return found.group(1).replace("&amp;", "&") if found else None

    first = admin.get("/sources").text
    assert listed(first) == ids[::-1][:50]  # the newest first
    assert "120 submissions are waiting." in first
    assert "Replay all (120)" in first
    assert cell(first, "hooks/5", "failed") == "120"
    link = next_link(first)
    assert link is not None and link.startswith("/sources?before=")
    second = admin.get(link).text
    assert listed(second) == ids[::-1][50:100]
    assert "120 submissions are waiting." in second and 'id="newest-failed" href="/sources' in second
    third_link = next_link(second)
    assert third_link is not None
    third = admin.get(third_link).text
    assert listed(third) == ids[::-1][100:]
    assert next_link(third) is None  # the last page
    assert listed(admin.get("/sources?before=nonsense").text) == listed(first)

    choose_language(admin, "es")
    spanish = admin.get("/sources").text
    assert "120 envíos en espera." in spanish and "Se muestran 50, los más recientes primero." in spanish
    assert "Página siguiente" in spanish


def inbox_lead(container: Container, failed_id: int | None) -> int | None:
    with container.uow() as uow:
        assert failed_id is not None
        found = uow.failed_submissions.get(failed_id)
    return None if found is None else found.lead_id


@pytest.mark.parametrize("token", [None, "forged-token"])
def test_a_replay_without_the_pages_token_or_from_another_site_changes_nothing(
    as_role: Callable[[str], TestClient], container: Container, source: MemoryFormSource, token: str | None
) -> None:
    kept = container.failed_submissions().record("hooks", "5", "unmapped", fields={"Correo": "x@example.com"})
    assert kept is not None
    admin = as_role("admin")
    data = {} if token is None else {"csrf_token": token}
    for path in (f"/sources/failed/{kept.id}/replay", "/sources/failed/replay"):
        assert admin.post(path, data=data).status_code == 403
    real = {"csrf_token": csrf_of(admin.get("/sources").text)}
    elsewhere = {"Origin": "https://evil.example"}
    assert admin.post("/sources/failed/replay", data=real, headers=elsewhere).status_code == 403
    assert [s.id for s in container.failed_submissions().waiting()] == [kept.id]


@pytest.mark.parametrize(("role", "status"), [("anonymous", 303), ("employee", 403), ("manager", 403)])
def test_only_admins_reach_the_sources(
    as_role: Callable[[str], TestClient], container: Container, source: MemoryFormSource, role: str, status: int
) -> None:
    kept = container.failed_submissions().record("hooks", "5", "unmapped", fields={"Correo": "x@example.com"})
    assert kept is not None
    client = as_role(role)
    assert client.get("/sources").status_code == status
    token = csrf_of(client.get("/").text) if role != "anonymous" else "none"
    for path in (f"/sources/failed/{kept.id}/replay", "/sources/failed/replay"):
        assert client.post(path, data={"csrf_token": token}).status_code == status
    if role != "anonymous":
        assert 'href="/sources"' not in client.get("/").text
    assert [s.id for s in container.failed_submissions().waiting()] == [kept.id]
