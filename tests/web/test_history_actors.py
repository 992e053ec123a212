"""Who made each change on a lead's page: a person by name, the system, or a user since deleted (a change
imported from another system whose user is gone), each said apart in the page's language."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import timedelta

from starlette.testclient import TestClient

from leadsmanager.domain.lead import HistoryEntry, HistoryField, Lead
from leadsmanager.domain.pipeline import DEFAULT
from leadsmanager.entrypoints.bootstrap.container import Container
from tests.support import START, submission
from tests.web.conftest import Staff
from tests.web.test_languages import choose_language

HOUR = timedelta(hours=1)


def history_of(page: str) -> list[str]:
    return [re.sub(r"\s+", " ", line).strip() for line in re.findall(r'<li data-field="\w+">(.*?)</li>', page, re.S)]


def test_a_deleted_users_change_is_theirs_not_the_systems(
    container: Container, staff: Staff, as_role: Callable[[str], TestClient], keys: dict[str, dict[str, str]]
) -> None:
    manager = staff.ids["manager"]
    history = [
        HistoryEntry(HistoryField.STATUS, None, "new", None, START),  # the system's
        HistoryEntry(HistoryField.STATUS, "new", "contacted", None, START + HOUR, actor_deleted=True),
        HistoryEntry(HistoryField.STATUS, "contacted", "qualified", manager, START + 2 * HOUR),
    ]
    lead = Lead.imported(submission(9), status="qualified", history=history, pipeline=DEFAULT, at=START)
    with container.uow() as uow:
        uow.leads.add(lead)
        uow.commit()
    client = as_role("manager")
    lines = history_of(client.get(f"/leads/{lead.id}").text)  # newest first
    assert [line.rsplit(" (", 1)[-1] for line in lines] == ["Manager)", "a deleted user)", "system)"]
    assert lines[1].endswith("status: new -&gt; contacted (a deleted user)")
    choose_language(client, "es")
    lines = history_of(client.get(f"/leads/{lead.id}").text)
    assert [line.rsplit(" (", 1)[-1] for line in lines] == ["Manager)", "un usuario eliminado)", "sistema)"]
    read = client.get(f"/api/v1/leads/{lead.id}", headers=keys["read"]).json()["history"]
    assert [(h["actor_id"], h["actor_deleted"]) for h in read] == [(None, False), (None, True), (manager, False)]
