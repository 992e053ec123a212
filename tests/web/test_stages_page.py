"""The admins' stage editor: every change a small form that works without script, refused with the
page as it is now (the typed labels kept) when the domain or a newer version of the stages says no."""

from __future__ import annotations

import html
import re
from collections.abc import Callable

import pytest
from starlette.testclient import TestClient

from leadsmanager.domain.pipeline import CLI_ACTOR, DEFAULT, StageChange
from leadsmanager.entrypoints.bootstrap.container import Container
from tests.support import START
from tests.web.conftest import Staff, csrf_of

VERSION = re.compile(r'name="version" value="([0-9a-f]+)"')


def version_of(page: str) -> str:
    found = VERSION.search(page)
    assert found, "the page carries no version of the stages"
    return found.group(1)


def change(client: TestClient, page: str, change: str, **fields: str) -> object:
    form = {"csrf_token": csrf_of(page), "version": version_of(page), "change": change, **fields}
    return client.post("/settings/stages", data=form)


def stage_keys(page: str) -> list[str]:
    return re.findall(r'data-stage="([^"]+)"', page)


def card(page: str, key: str) -> str:
    found = re.search(rf'<li [^>]*data-stage="{key}">(.*?)</details>', page, re.S)
    assert found, f"no card for {key}"
    return found.group(1)


def test_an_admin_adds_renames_moves_and_retires_stages_and_sees_each_in_the_log(
    as_role: Callable[[str], TestClient], container: Container, staff: Staff
) -> None:
    admin = as_role("admin")
    page = admin.get("/settings/stages")
    assert page.status_code == 200 and 'href="/settings/stages"' in page.text
    assert stage_keys(page.text) == ["new", "contacted", "qualified", "proposal", "won", "lost", "spam"]
    assert 'data-fact="start"' in card(page.text, "new") and "3 leads" in card(page.text, "new")
    added = change(
        admin, page.text, "add", key="noBudget", label_en="No budget", label_es="Sin presupuesto", kind="lost"
    )
    assert added.status_code == 303  # type: ignore[attr-defined]
    page = admin.get("/settings/stages")
    assert "Saved: added stage noBudget (lost)" in page.text
    assert stage_keys(page.text)[-1] == "noBudget" and "Sin presupuesto" in card(page.text, "noBudget")
    change(admin, page.text, "up", key="noBudget")
    page = admin.get("/settings/stages")
    change(admin, page.text, "rename", key="contacted", label_en="Called", label_es="Llamado")
    page = admin.get("/settings/stages")
    change(admin, page.text, "retire", key="new")  # the start: refused, shown on the page
    refused = change(admin, page.text, "retire", key="new")
    assert refused.status_code == 400  # type: ignore[attr-defined]
    assert "where new leads start: choose another starting stage first" in refused.text  # type: ignore[attr-defined]
    change(admin, page.text, "retire", key="contacted")
    page = admin.get("/settings/stages")
    assert stage_keys(page.text)[-2:] == ["noBudget", "spam"]
    assert 'data-fact="retired"' in card(page.text, "contacted") and "Called" in card(page.text, "contacted")
    log = re.findall(r'<li data-action="([^"]+)">.*?<span data-actor>([^<]+)</span>', page.text)
    assert log == [(a, "admin@example.com") for a in ("retire", "rename", "reorder", "add")]  # newest first


def test_a_stale_form_changes_nothing_and_says_so(
    as_role: Callable[[str], TestClient], container: Container, staff: Staff
) -> None:
    admin = as_role("admin")
    before = admin.get("/settings/stages").text  # opened in two tabs
    change(admin, before, "rename", key="won", label_en="Signed")
    stale = change(admin, before, "rename", key="won", label_en="Closed won", label_es="Cerrado")
    assert stale.status_code == 409  # type: ignore[attr-defined]
    assert "the stages were changed meanwhile" in stale.text  # type: ignore[attr-defined]
    assert 'value="Closed won"' in card(stale.text, "won")  # type: ignore[attr-defined]  # what was typed is kept
    assert container.stages()().label("won") == "Signed"


def test_a_stage_in_use_has_no_delete_button_and_a_forged_delete_is_refused(
    as_role: Callable[[str], TestClient], container: Container, staff: Staff
) -> None:
    admin = as_role("admin")
    page = admin.get("/settings/stages").text
    assert 'data-change="delete"' not in card(page, "new")  # three leads hold it
    assert 'data-change="delete"' in card(page, "qualified")
    refused = change(admin, page, "delete", key="new")
    assert refused.status_code == 409  # type: ignore[attr-defined]
    assert "a stage in use can only be retired" in refused.text  # type: ignore[attr-defined]
    change(admin, page, "delete", key="qualified")
    assert "qualified" not in container.stages()().keys


@pytest.mark.parametrize("role", ["manager", "employee"])
def test_only_admins_change_the_stages(as_role: Callable[[str], TestClient], staff: Staff, role: str) -> None:
    client = as_role(role)
    token = csrf_of(client.get("/").text)
    assert 'href="/settings/stages"' not in client.get("/").text
    form = {"csrf_token": token, "version": "x", "change": "rename", "key": "won", "label_en": "Mine"}
    assert client.post("/settings/stages", data=form).status_code == 403


def spanish_admin(as_role: Callable[[str], TestClient]) -> TestClient:
    admin = as_role("admin")
    profile = admin.get("/profile").text
    admin.post("/profile", data={"csrf_token": csrf_of(profile), "change": "language", "language": "es"})
    return admin


def test_the_page_is_in_spanish_for_a_spanish_admin(
    as_role: Callable[[str], TestClient], container: Container, staff: Staff
) -> None:
    page = spanish_admin(as_role).get("/settings/stages").text
    assert "<h2>Etapas</h2>" in page and "nuevo" in card(page, "new") and "Nueva etapa" in page


def test_a_refusal_is_said_in_spanish_with_the_stages_label(
    as_role: Callable[[str], TestClient], container: Container, staff: Staff
) -> None:
    admin = spanish_admin(as_role)
    page = admin.get("/settings/stages").text
    refused = change(admin, page, "delete", key="new")
    assert "No se guardó: leads en nuevo: 3; una etapa en uso solo se puede retirar" in refused.text  # type: ignore[attr-defined]
    deleted = change(admin, page, "delete", key="qualified")
    assert deleted.status_code == 303  # type: ignore[attr-defined]
    again = change(admin, page, "delete", key="proposal")  # the page read before that delete
    assert "las etapas cambiaron mientras tanto" in again.text  # type: ignore[attr-defined]


def test_the_log_and_the_saved_message_speak_the_readers_language_and_old_entries_keep_their_words(
    as_role: Callable[[str], TestClient], container: Container, staff: Staff
) -> None:
    with container.uow() as uow:  # logged before entries kept their parameters: English words only
        uow.pipeline.replace(uow.pipeline.current(), StageChange(START, CLI_ACTOR, "apply", "applied preset default"))
        uow.commit()
    admin = spanish_admin(as_role)
    page = admin.get("/settings/stages").text
    change(admin, page, "add", key="noBudget", label_en="No budget", label_es="Sin presupuesto", kind="lost")
    page = admin.get("/settings/stages").text
    assert "Guardado: se agregó la etapa noBudget (perdida): en 'No budget' / es 'Sin presupuesto'" in html.unescape(
        page
    )
    change(admin, page, "retire", key="new")
    change(admin, page, "start", key="contacted")
    change(admin, admin.get("/settings/stages").text, "retire", key="new")
    change(admin, admin.get("/settings/stages").text, "kind", key="noBudget", kind="excluded")
    container.apply_preset()("default", actor=CLI_ACTOR, moves={"noBudget": "lost"})
    said = re.findall(r'<span class="prose">([^<]+)</span>', admin.get("/settings/stages").text)
    assert [html.unescape(s) for s in said] == [
        "se aplicó el preset default: new (abierta), contacted (abierta), qualified (abierta), proposal (abierta),"
        " won (ganada), lost (perdida), spam (spam)",
        "la etapa noBudget ahora es excluida (era perdida)",
        "se retiró la etapa new; sus 3 leads la conservan",
        "los leads nuevos empiezan en contacted (era new)",
        "se agregó la etapa noBudget (perdida): en 'No budget' / es 'Sin presupuesto'",
        "applied preset default",
    ]
    assert container.stage_log()()[-1].detail == "applied preset default: " + ", ".join(
        f"{s.key} ({s.kind})" for s in DEFAULT.stages
    )


def test_a_spanish_team_names_stages_and_reasons_in_spanish_only_and_a_nameless_one_is_refused(
    as_role: Callable[[str], TestClient], container: Container, staff: Staff
) -> None:
    admin = spanish_admin(as_role)
    page = admin.get("/settings/stages").text
    added = change(admin, page, "add", key="sinPresupuesto", label_en="", label_es="Sin presupuesto", kind="lost")
    assert added.status_code == 303  # type: ignore[attr-defined]
    page = admin.get("/settings/stages").text
    change(admin, page, "add_reason", key="sinPresupuesto", label_en="", label_es="Precio muy alto")
    stage = container.stages()().stage("sinPresupuesto")
    assert (stage.label("en"), [(r.key, r.label("en")) for r in stage.reasons]) == (
        "Sin presupuesto",
        [("precioMuyAlto", "Precio muy alto")],
    )
    page = admin.get("/settings/stages").text
    nameless = change(admin, page, "add", key="otra", label_en=" ", label_es="", kind="open")
    assert nameless.status_code == 400  # type: ignore[attr-defined]
    assert "ponele un nombre, en inglés o en español" in html.unescape(nameless.text)  # type: ignore[attr-defined]
    assert "otra" not in stage_keys(admin.get("/settings/stages").text)
