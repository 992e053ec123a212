"""Pages in each person's language: their own choice, the team's default, and the public form's visitor."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from attrs import evolve
from starlette.testclient import TestClient

from leadsmanager.domain.errors import ValidationError
from leadsmanager.entrypoints.bootstrap.container import Container
from leadsmanager.entrypoints.bootstrap.settings import Settings
from leadsmanager.entrypoints.web.app import create_app
from tests.support import FakeClock
from tests.web.conftest import Staff, csrf_of, deployment, sign_in
from tests.web.test_public_form import open_form, person


def choose_language(client: TestClient, language: str) -> None:
    token = csrf_of(client.get("/profile").text)
    saved = client.post("/profile", data={"language": language, "csrf_token": token})
    assert saved.status_code == 303 and saved.headers["location"] == "/profile"


def test_each_person_sees_the_pages_in_the_language_they_chose(
    as_role: Callable[[str], TestClient], staff: Staff
) -> None:
    spanish, english = as_role("employee"), as_role("manager")
    choose_language(spanish, "es")
    profile = spanish.get("/profile")
    assert 'id="flash"' in profile.text and "Tu perfil quedó guardado." in profile.text
    assert '<html lang="es">' in profile.text and '<option value="es" lang="es" selected>' in profile.text
    dashboard = spanish.get("/")
    assert "Esperando el primer contacto" in dashboard.text and "Mis leads abiertos" in dashboard.text
    assert ">Salir</button>" in dashboard.text and 'href="/profile"' in dashboard.text
    assert "Ningún lead coincide" in spanish.get("/leads/mine?q=nobody-like-this").text
    lead = spanish.get(f"/leads/{staff.leads['employee']}").text
    assert "datos de contacto" in lead and "sin teléfono" in lead and "envió nuestro formulario web" in lead
    assert "responsable: nadie -&gt;" not in lead and "responsable: " in lead and "(sistema)" in lead

    page = english.get("/")
    assert '<html lang="en">' in page.text and "Waiting for first contact" in page.text
    assert "Esperando" not in page.text

    choose_language(spanish, "")  # back to the team's language
    assert "Waiting for first contact" in spanish.get("/").text


def test_a_language_we_do_not_speak_is_refused_and_nothing_changes(as_role: Callable[[str], TestClient]) -> None:
    client = as_role("employee")
    token = csrf_of(client.get("/profile").text)
    refused = client.post("/profile", data={"language": "fr", "csrf_token": token})
    assert refused.status_code == 303
    page = client.get("/profile")
    assert "Choose one of the languages offered." in page.text and '<html lang="en">' in page.text


def test_the_profile_page_needs_a_signed_in_person(client: TestClient) -> None:
    assert client.get("/profile").headers["location"] == "/login?next=/profile"


@pytest.fixture
def spanish_team(tmp_path: Path, container: Container, clock: FakeClock) -> Iterator[Container]:
    """A team whose deployment speaks Spanish and keeps Buenos Aires time."""
    settings = evolve(
        container.settings(), language="es", time_zone="America/Argentina/Buenos_Aires", data_dir=tmp_path / "es"
    )
    yield from deployment(settings, clock)


def test_the_deployment_language_is_everyones_until_they_choose_and_times_are_local(
    spanish_team: Container, clock: FakeClock
) -> None:
    staff = Staff(spanish_team)  # leads arrive at 09:00 UTC on 1 March 2026: 06:00 in Buenos Aires
    with TestClient(create_app(spanish_team), follow_redirects=False) as client:
        assert "Contraseña" in client.get("/login").text
        token = csrf_of(client.get("/login").text)
        refused = client.post("/login", data={"email": "manager@example.com", "password": "wrong", "csrf_token": token})
        assert "el email o la contraseña no son correctos" in refused.text
        sign_in(client, "manager@example.com")
        assert "Hola, Manager" in client.get("/").text
        listing = client.get("/leads").text
        assert "Todos los leads" in listing and "Llegó" in listing
        arrived = re.findall(r'<td class="nowrap">([^<]+)</td>', listing)
        assert arrived and all(re.fullmatch(r"01/03/2026 06:0\d UTC-03", cell) for cell in arrived), arrived
        report = client.get("/reports?from=&to=").text
        assert "Embudo" in report and "Leads por estado actual" in report and "(ninguno)" in report
        assert "01/03/2026 a hoy" not in report and "el primer lead a hoy" in report
        history = client.get(f"/leads/{staff.leads['nobody']}").text
        assert "estado: nuevo  (sistema)" in history  # the stage's Spanish label, not its key
        clock.current += timedelta(minutes=90)  # within the session's 2 h idle limit
        assert "esperando 1 h 30 min" in client.get("/leads").text
        choose_language(client, "en")
        listing = client.get("/leads").text
        assert "All leads" in listing and "2026-03-01 06:0" in listing and "UTC-03" in listing


def test_the_public_form_follows_the_address_then_the_browser_then_the_team(client: TestClient) -> None:
    assert "Contanos qué necesitás" in client.get("/forms/contact?lang=es").text
    asked = client.get("/forms/contact", headers={"accept-language": "fr-FR, es-AR;q=0.8, en;q=0.5"}).text
    assert '<html lang="es">' in asked and "Enviar" in asked
    address_wins = client.get("/forms/contact?lang=en", headers={"accept-language": "es"}).text
    assert "Tell us what you need" in address_wins
    assert "Tell us what you need" in client.get("/forms/contact", headers={"accept-language": "de, fr"}).text


def test_a_visitor_who_asked_for_spanish_keeps_it_through_mistakes_and_the_thanks(
    client: TestClient, clock: FakeClock
) -> None:
    started = open_form(client, "/forms/contact?lang=es")
    page = client.get("/forms/contact?lang=es").text
    assert 'action="/forms/contact?lang=es"' in page
    clock.current += timedelta(seconds=5)
    wrong = client.post("/forms/contact?lang=es", data={**person(1, started), "email": "not an address"})
    assert wrong.status_code == 400 and "Corregí los campos marcados abajo." in wrong.text
    assert 'data-error-for="email">no es un email válido<' in wrong.text
    thanks = client.post("/forms/contact?lang=es", data=person(1, started))
    assert "¡Gracias!" in thanks.text and 'href="/forms/contact?lang=es"' in thanks.text


@pytest.fixture
def forms_in_two_languages(tmp_path: Path, container: Container, clock: FakeClock) -> Iterator[Container]:
    """An English team with a Spanish contact form, as `LEADSMANAGER_PUBLIC_FORMS=contact,contacto:es`."""
    env = {"LEADSMANAGER_PUBLIC_FORMS": "contact, contacto:ES", "LEADSMANAGER_DATA_DIR": str(tmp_path / "forms")}
    read = Settings.from_env(env, env_file=None)
    assert read.public_forms == ("contact", "contacto") and read.form_language("contacto") == "es"
    settings = evolve(
        container.settings(),
        public_forms=read.public_forms,
        public_form_languages=read.public_form_languages,
        data_dir=tmp_path / "forms",
    )
    yield from deployment(settings, clock)


def test_a_form_given_a_language_speaks_it_unless_its_address_asks_for_another(
    forms_in_two_languages: Container, clock: FakeClock
) -> None:
    english_browser = {"accept-language": "en-US, en;q=0.9"}
    with TestClient(create_app(forms_in_two_languages), follow_redirects=False) as client:
        spanish = client.get("/forms/contacto", headers=english_browser).text  # the form's language over the browser's
        assert '<html lang="es">' in spanish and "Contanos qué necesitás" in spanish
        assert "Tell us what you need" in client.get("/forms/contacto?lang=en", headers=english_browser).text
        other = client.get("/forms/contact", headers={"accept-language": "es"}).text  # no language: the browser's
        assert '<html lang="es">' in other
        started = open_form(client, "/forms/contacto")
        clock.current += timedelta(seconds=5)
        wrong = client.post("/forms/contacto", data={**person(1, started), "email": "not an address"})
        assert wrong.status_code == 400 and "Corregí los campos marcados abajo." in wrong.text


def test_a_form_language_we_do_not_speak_is_refused_at_start() -> None:
    with pytest.raises(ValidationError, match="LEADSMANAGER_PUBLIC_FORMS language of contacto must be one of en, es"):
        Settings.from_env({"LEADSMANAGER_PUBLIC_FORMS": "contact,contacto:fr"}, env_file=None)
