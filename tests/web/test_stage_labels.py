"""Pages show each status by its stage's label in the configured pipeline, not by its key."""

from __future__ import annotations

from collections.abc import Callable

from attrs import evolve
from starlette.requests import Request
from starlette.testclient import TestClient

from leadsmanager.domain.pipeline import CLI_ACTOR, DEFAULT, StageChange
from leadsmanager.entrypoints.bootstrap.container import Container
from leadsmanager.entrypoints.web.app import create_app
from tests.support import START
from tests.web.conftest import Staff

RELABELLED = evolve(
    DEFAULT,
    stages=tuple(evolve(s, labels={"en": f"Stage {s.key.title()}", "es": s.label("es")}) for s in DEFAULT.stages),
)


def test_lists_the_dashboard_and_a_lead_show_the_configured_labels(
    as_role: Callable[[str], TestClient], staff: Staff, container: Container
) -> None:
    with container.uow() as uow:
        uow.pipeline.replace(RELABELLED, StageChange(START, CLI_ACTOR, "apply", "relabelled"))
        uow.commit()
    boss = as_role("admin")
    lead_page = boss.get(f"/leads/{staff.leads['employee']}").text
    assert '<span class="w3-tag status-new" id="lead-status">Stage New</span>' in lead_page
    assert '<option value="contacted">Stage Contacted</option>' in lead_page
    assert ">Stage New</span>" in boss.get("/leads").text
    assert ">Stage Qualified</span>" in boss.get("/").text


def test_a_template_asks_for_a_label_in_a_language_and_gets_english_when_there_is_none(container: Container) -> None:
    app = create_app(container)
    request = Request({"type": "http", "app": app, "headers": [], "state": {}})
    page = app.state.templates["en"].env.from_string(
        "{{ stage_label('won', 'es') }}|{{ stage_label('won') }}|{{ stage_label('won', 'fr') }}|{{ stage_label('x') }}"
    )
    assert page.render(request=request) == "ganado|won|won|x"
    spanish = app.state.templates["es"].env.from_string("{{ stage_label('won') }}|{{ stage_label('won', 'en') }}")
    assert spanish.render(request=request) == "ganado|won"  # a Spanish page's labels are Spanish by default
