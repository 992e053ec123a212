"""Refusals on the pages in the reader's language: the real errors of the domain and use cases, said in
Spanish (so a reworded English message cannot slip by untranslated), and a refused change on a lead's page."""

from __future__ import annotations

import html
import io
from collections.abc import Callable
from datetime import UTC, date
from typing import BinaryIO
from zoneinfo import ZoneInfo

import pytest
from starlette.testclient import TestClient

from leadsmanager.application.failed_submissions.reasons import Unreachable, refusal_reason
from leadsmanager.application.imports.csv_file import shape
from leadsmanager.application.imports.dates import parse_date
from leadsmanager.application.imports.runs import reason
from leadsmanager.application.intake import LeadForm
from leadsmanager.application.intake.form import to_submission
from leadsmanager.application.parsing import calendar_day
from leadsmanager.application.push.payload import json_fields
from leadsmanager.domain.actor import Actor
from leadsmanager.domain.channel import Channel
from leadsmanager.domain.errors import LeadsManagerError, ValidationError
from leadsmanager.domain.period import Period, time_zone
from leadsmanager.domain.pipeline import DEFAULT
from leadsmanager.domain.roles import Role
from leadsmanager.entrypoints.bootstrap.container import Container
from leadsmanager.entrypoints.web.i18n.catalogues import translations
from leadsmanager.entrypoints.web.i18n.field_errors import FieldErrors
from leadsmanager.entrypoints.web.i18n.refusals import Refusals
from tests.support import START, new_lead
from tests.web.conftest import Staff, csrf_of
from tests.web.test_languages import choose_language
from tests.web.test_sources_page import flash_of, source  # noqa: F401  (the fixture of configured sites)
from tests.web.test_stale_forms import open_page

SPANISH = translations("es").gettext
ENGLISH = translations("en").gettext
IN_ENGLISH = Refusals(ENGLISH, FieldErrors(ENGLISH, translated=False))
IN_SPANISH = Refusals(SPANISH, FieldErrors(SPANISH, translated=True), stage=lambda key: DEFAULT.label(key, "es"))


def refused(action: Callable[[], object]) -> LeadsManagerError:
    with pytest.raises(LeadsManagerError) as caught:
        action()
    return caught.value


def test_the_stage_refusals_are_said_in_spanish_with_the_stages_labels() -> None:
    unknown = refused(lambda: DEFAULT.parse("closed"))
    assert IN_SPANISH(str(unknown)).startswith("etapa desconocida 'closed'; usá una de: new, contacted")
    lead = new_lead(1, at=START)
    manager, employee = Actor(1, Role.MANAGER, "Mara"), Actor(2, Role.EMPLOYEE, "Eli")
    lead.change_status("won", by=manager, at=START, pipeline=DEFAULT)
    assert IN_SPANISH(str(refused(lambda: lead.change_status("won", by=manager, at=START, pipeline=DEFAULT)))) == (
        "el lead ya está en ganado"
    )
    reopen = refused(lambda: lead.change_status("new", by=employee, at=START, pipeline=DEFAULT))
    assert IN_SPANISH(str(reopen)) == "solo un gerente o un administrador puede pasar un lead de ganado a nuevo"


def test_intake_and_import_refusals_are_said_in_spanish() -> None:
    form = LeadForm(Channel.MANUAL, name="", email="", phone="12")
    refusal = refused(lambda: to_submission(form, region="AR"))
    assert isinstance(refusal, ValidationError)
    assert IN_SPANISH(str(refusal)) == (
        "el lead no fue aceptado (teléfono: no es un teléfono válido; nombre: ingresá un nombre)"
    )
    assert IN_SPANISH(reason(refusal)) == "teléfono: no es un teléfono válido; nombre: ingresá un nombre"
    date = refused(lambda: parse_date("31/31/2026", zone=UTC))
    assert isinstance(date, ValidationError)
    assert IN_SPANISH(reason(date)).startswith("fecha: '31/31/2026' no es una fecha (dd/mm/aaaa")


def test_a_failed_submissions_reason_is_said_in_spanish() -> None:
    unreachable = Unreachable({"your-name": "Ana", "tel": "x"})
    assert IN_SPANISH(str(unreachable)) == (
        "sin email ni teléfono: asigná los campos del formulario en _FIELDS del sitio "
        "(los campos recibidos son 'tel', 'your-name')"
    )
    form = LeadForm(Channel.WEB_FORM, name="Ana", extras={"tel": "x"})
    intake = refused(lambda: to_submission(form, region="AR"))
    assert isinstance(intake, ValidationError)
    said = IN_SPANISH(refusal_reason(intake, form))
    assert said.endswith("; campos sin asignar a un campo del lead: tel")
    assert said.startswith("el lead no fue aceptado (email: ") and "enter" not in said


def test_an_unknown_refusal_stays_as_it_was_written() -> None:
    assert IN_SPANISH("the moon is in the way") == "the moon is in the way"


def test_a_refused_change_on_a_leads_page_is_said_in_the_readers_language(
    as_role: Callable[[str], TestClient], staff: Staff, container: Container
) -> None:
    lead_id = staff.leads["employee"]
    rep = as_role("employee")
    choose_language(rep, "es")
    token, version = open_page(rep, lead_id)
    container.add_note()(lead_id, "a colleague's note", by=Actor.system())
    container.change_status()(lead_id, "contacted", by=Actor.system())  # meanwhile

    stale = rep.post(f"/leads/{lead_id}/status", data={"csrf_token": token, "version": version, "status": "lost"})
    assert stale.status_code == 409
    assert f"No se guardó: otra persona cambió el lead {lead_id}; recargalo y probá de nuevo." in stale.text

    token, version = open_page(rep, lead_id)
    unknown = rep.post(f"/leads/{lead_id}/status", data={"csrf_token": token, "version": version, "status": "x"})
    assert unknown.status_code == 400 and "etapa desconocida &#39;x&#39;; usá una de: new" in unknown.text
    assert "unknown status" not in unknown.text

    missing = rep.get("/leads/99999")
    assert missing.status_code == 404 and "no se encontró el lead 99999" in missing.text
    forbidden = rep.get("/users")
    assert forbidden.status_code == 403 and "tu rol no permite ver esta página" in forbidden.text


@pytest.mark.usefixtures("source")
def test_the_failed_submissions_inbox_and_its_replays_speak_the_readers_language(
    as_role: Callable[[str], TestClient], container: Container
) -> None:
    inbox = container.failed_submissions()
    kept = inbox.record("hooks", "5", str(Unreachable({"tel": "x"})), fields={"tel": "x"}, submission_id="7")
    unreadable = inbox.record("hooks", "5", "the body is not JSON", body="{oops")
    assert kept is not None and unreadable is not None
    admin = as_role("admin")
    choose_language(admin, "es")
    page = admin.get("/sources").text
    assert "sin email ni teléfono: asigná los campos del formulario en _FIELDS del sitio" in page
    assert "no email and no phone" not in page

    replayed = admin.post(f"/sources/failed/{unreadable.id}/replay", data={"csrf_token": csrf_of(page)})
    assert flash_of(admin, replayed).startswith(
        f"error: El envío {unreadable.id} (hooks/5) sigue rechazado: no se pudo leer su contenido, así que no se "
    )


def _csv_refusal(content: bytes, name: str = "clientes.csv") -> str:
    def opened() -> BinaryIO:
        return io.BytesIO(content)

    error = refused(lambda: shape(opened, name))
    return str(error)


@pytest.mark.parametrize(
    ("content", "spanish"),
    [
        (b"", "clientes.csv está vacío"),
        (b"\n\nname,email\n", "clientes.csv no es un archivo CSV: su primera línea, el encabezado que nombra las"),
        (b"PK\x03\x04 a workbook", "clientes.csv no es un archivo CSV (¿un libro de planilla de cálculo u otro"),
        ("Nombre;Correo\nPeña;p@x.com\n".encode("latin-1"), "clientes.csv no es un archivo CSV en UTF-8: guardalo"),
        (b"name,email,name\n", "clientes.csv: el encabezado nombra dos veces una columna: 'name'"),
    ],
)
def test_a_csv_file_the_import_cannot_read_is_refused_in_spanish(content: bytes, spanish: str) -> None:
    assert IN_SPANISH(_csv_refusal(content)).startswith(spanish)
    assert IN_ENGLISH(_csv_refusal(content)) == _csv_refusal(content)  # an English page reads what was raised


def test_the_pages_and_the_reports_own_refusals_are_said_in_spanish() -> None:
    assert IN_SPANISH(str(refused(lambda: json_fields(b"<html>")))) == "el cuerpo no es JSON"
    assert IN_SPANISH(str(refused(lambda: json_fields(b"[1, 2]")))).startswith("el cuerpo es una lista JSON de 2")
    assert IN_SPANISH(str(refused(lambda: json_fields(b"3")))) == "el cuerpo es JSON pero no un objeto con campos"
    assert IN_SPANISH(str(refused(lambda: time_zone("Mars/Olympus")))).startswith("zona horaria desconocida")
    backwards = refused(lambda: Period.of(date(2026, 3, 2), date(2026, 3, 1), ZoneInfo("UTC")))
    assert IN_SPANISH(str(backwards)) == "el período termina antes de empezar"
    assert IN_SPANISH(str(refused(lambda: calendar_day("ayer", "from")))) == (
        "la fecha Desde tiene que ser como 2026-03-01"
    )
    assert IN_SPANISH("there is no such action") == "no existe esa acción"
    for raised in (
        lambda: calendar_day("ayer", "from"),
        lambda: time_zone("Mars/Olympus"),
        lambda: json_fields(b"[1]"),
    ):
        assert IN_ENGLISH(str(refused(raised))) == str(refused(raised))


def test_a_csv_file_refused_at_upload_and_a_forged_action_are_said_in_the_readers_language(
    as_role: Callable[[str], TestClient], staff: Staff
) -> None:
    admin = as_role("admin")
    choose_language(admin, "es")
    page = admin.get("/imports/csv").text
    sent = admin.post(
        "/imports/csv", data={"csrf_token": csrf_of(page)}, files={"file": ("vacio.csv", b"", "text/csv")}
    )
    assert sent.status_code == 400 and "vacio.csv está vacío" in sent.text
    names_only = admin.post(
        "/imports/csv", data={"csrf_token": csrf_of(page)}, files={"file": ("n.csv", b"Nombre\nAna\n", "text/csv")}
    )
    mapping = admin.get(names_only.headers["location"]).text
    dry = admin.post(names_only.headers["location"], data={"csrf_token": csrf_of(mapping), "action": "dry-run"})
    assert dry.status_code == 400
    assert "ninguna columna llena el email ni el teléfono" in dry.text and "'Nombre'" in html.unescape(dry.text)
    lead_page = admin.get(f"/leads/{staff.leads['employee']}").text
    forged = admin.post(f"/leads/{staff.leads['employee']}/fly", data={"csrf_token": csrf_of(lead_page)})
    assert forged.status_code == 404 and "no existe esa acción" in forged.text
