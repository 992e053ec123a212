"""A lead's page says its stored values in the reader's words: how it came, when the form was sent (in the
deployment's zone), what each re-submission brought, and the note of a lead a form's answer routed."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from starlette.testclient import TestClient

from leadsmanager.application.intake import LeadForm
from leadsmanager.application.intake.routing import StageRoute
from leadsmanager.domain.lead import Channel
from leadsmanager.entrypoints.bootstrap.container import Container
from tests.support import FakeClock
from tests.web.conftest import Staff, deployment, web_settings
from tests.web.test_languages import choose_language

SENT = "2025-01-13T13:12:00+00:00"  # 10:12 in Buenos Aires
SENT_AGAIN = "2025-01-14T22:05:00+00:00"  # 19:05 there


@pytest.fixture
def container(tmp_path: Path, clock: FakeClock) -> Iterator[Container]:
    settings = web_settings(tmp_path, time_zone="America/Argentina/Buenos_Aires")
    yield from deployment(settings, clock)


def wordpress(email: str, phone: str, sent: str, message: str) -> LeadForm:
    return LeadForm(
        Channel.WORDPRESS,
        name="Ana Paz",
        email=email,
        phone=phone,
        message=message,
        site="intralog",
        form_id="3",
        external_id=f"intralog/3/{sent[8:10]}",
        extras={"submitted_at": sent, "Empresa": "Nueva SA"},
    )


def spanish_page(as_role: Callable[[str], TestClient], lead_id: int) -> str:
    manager = as_role("manager")
    choose_language(manager, "es")
    return str(manager.get(f"/leads/{lead_id}").text)


def test_a_synced_lead_and_its_resubmission_read_in_spanish_in_local_time(
    container: Container, staff: Staff, as_role: Callable[[str], TestClient]
) -> None:
    submit = container.submit_lead()
    lead_id = submit(wordpress("ana@example.com", "", SENT, "Cotizar un envío")).lead_id
    again = submit(wordpress("ana@example.com", "+54 11 4321 5678", SENT_AGAIN, "Cotizar un envío"))
    assert again.lead_id == lead_id
    page = spanish_page(as_role, lead_id)
    assert "<td>WordPress intralog 3" in page and "wordpress" not in page.replace("WordPress", "")
    assert "<th>Enviado el</th>" in page and "13/01/2025 10:12 UTC-03" in page
    assert SENT not in page and "submitted_at" not in page
    history = page[page.index('id="history"') :]
    assert '"channel"' not in history and "{" not in history  # no JSON
    resubmission = re.search(r'<li data-field="resubmission">.*?</ul></li>', history, re.DOTALL)
    assert resubmission is not None, history
    said = resubmission.group(0)
    assert "nuevo envío  (sistema)" in said and '<b>Llegó por</b>: <span class="prose">WordPress</span>' in said
    assert '<b>Enviado el</b>: <span class="prose">14/01/2025 19:05 UTC-03</span>' in said
    phone = re.search(r"<b>teléfono</b>: .*?</li>", said)
    assert phone is not None and "distinto del lead" in phone.group(0)  # the lead had no phone
    message = re.search(r"<b>mensaje</b>: .*?</li>", said)
    assert message is not None and "distinto del lead" not in message.group(0)


def test_an_imported_lead_says_its_source_in_spanish(
    container: Container, staff: Staff, as_role: Callable[[str], TestClient]
) -> None:
    lead_id = container.submit_lead()(LeadForm(Channel.IMPORT, name="Bea", email="bea@example.com")).lead_id
    page = spanish_page(as_role, lead_id)
    assert "<td>importación" in page


def test_a_routed_leads_note_reads_in_the_readers_language(
    container: Container, staff: Staff, as_role: Callable[[str], TestClient]
) -> None:
    route = StageRoute("Me interesa el servicio", "Busco trabajo", "lost")
    form = LeadForm(Channel.WORDPRESS, name="Juan", email="juan@example.com", route=route)
    lead_id = container.submit_lead()(form).lead_id
    page = spanish_page(as_role, lead_id)
    said = "nota: enviado a perdido por la respuesta &#34;Busco trabajo&#34; a &#34;Me interesa el servicio&#34;"
    assert said in page  # the stage by its Spanish label
    assert "routed to" not in page
    manager = as_role("manager")
    choose_language(manager, "en")
    english = manager.get(f"/leads/{lead_id}").text
    assert "note: routed to lost by the form&#39;s answer &#34;Busco trabajo&#34;" in english
