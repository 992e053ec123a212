"""A form's answer routes its submission to a stage: the setting, how answers match, and what intake
makes of a routed submission (INTRALOG's form 3 sends job seekers and vendors to `negativo`)."""

from __future__ import annotations

import itertools
import unicodedata
from datetime import UTC, datetime

import pytest
from attrs import evolve
from hypothesis import given, settings
from hypothesis import strategies as st

from leadsmanager.adapters.form_sources.env import sites_from_env, stage_routes
from leadsmanager.adapters.memory.store import MemoryStore
from leadsmanager.application.intake import LeadForm, Outcome, SubmitLead
from leadsmanager.application.intake.form_mapping import SyncedForm
from leadsmanager.application.intake.routing import StageRoute, route_of, unknown_stages
from leadsmanager.application.sync_types import RemoteSubmission
from leadsmanager.domain.errors import ValidationError
from leadsmanager.domain.lead import HistoryField
from leadsmanager.domain.pipeline import DEFAULT, INTRALOG, StageKind
from tests.conftest import UowFactory
from tests.support import FakeClock

QUESTION = "Me interesa el servicio"
JOB_SEEKER = "Busco trabajo/ Ofrezco productos o servicios"
SETTING = f"3:{QUESTION}={JOB_SEEKER}=>negativo"
ROUTE = StageRoute(QUESTION, JOB_SEEKER, "negativo")
FORM_3 = SyncedForm("intralog", "3", {QUESTION: "service", "E-mail": "email", "Razón social": "company"}, [ROUTE])


ENTRY_IDS = itertools.count(1)


def sent(fields: dict[str, str]) -> RemoteSubmission:
    """A new entry of the form each time."""
    return RemoteSubmission(str(next(ENTRY_IDS)), datetime(2026, 3, 1, tzinfo=UTC), fields)


def test_the_setting_reads_form_field_answer_and_stage_with_spaces_slashes_and_accents() -> None:
    routes = stage_routes(f"{SETTING}, 4:¿Qué buscás?=Cotización: urgente=x=>faltaCotizar", ("3", "4"), variable="V")
    assert routes == {
        "3": [StageRoute(QUESTION, JOB_SEEKER, "negativo")],
        "4": [StageRoute("¿Qué buscás?", "Cotización: urgente=x", "faltaCotizar")],
    }


@pytest.mark.parametrize(
    ("setting", "named"),
    [
        (f"3:{QUESTION}={JOB_SEEKER}", "is not form:field=answer=>stage"),
        (f"3:{QUESTION}=>negativo", "is not form:field=answer=>stage"),
        (f"9:{QUESTION}={JOB_SEEKER}=>negativo", "form '9' is not listed in its _FORMS"),
        (f"3:{QUESTION}={JOB_SEEKER}=>8) Negativo", "'8) Negativo' is not a stage key"),
        (f"3:{QUESTION}= =>negativo", "a route needs a answer"),
    ],
)
def test_a_malformed_route_is_refused_naming_the_variable_and_why(setting: str, named: str) -> None:
    with pytest.raises(ValidationError) as refused:
        stage_routes(setting, ("3",), variable="LEADSMANAGER_WORDPRESS_INTRALOG_ROUTES")
    assert str(refused.value).startswith("LEADSMANAGER_WORDPRESS_INTRALOG_ROUTES: ") and named in str(refused.value)


def test_a_site_from_the_environment_routes_through_sync_and_push_alike() -> None:
    [site] = sites_from_env(
        {
            "LEADSMANAGER_WORDPRESS_SITES": "intralog",
            "LEADSMANAGER_WORDPRESS_INTRALOG_TOKEN": "t" * 32,
            "LEADSMANAGER_WORDPRESS_INTRALOG_FORMS": "3,4",
            "LEADSMANAGER_WORDPRESS_INTRALOG_ROUTES": SETTING,
        }
    )
    answer = sent({QUESTION: JOB_SEEKER})
    assert site.lead_form("3", answer).route == ROUTE
    [three, four] = site.synced_forms()
    assert (three.lead_form(answer).route, four.lead_form(answer).route) == (ROUTE, None)
    target = site.push_target("3").form
    assert target is not None and target.lead_form(answer).route == ROUTE


@pytest.mark.parametrize(
    "answer",
    [
        JOB_SEEKER,
        "  busco TRABAJO/  ofrezco productos o servicios ",
        f"Almacenamiento, {JOB_SEEKER}",  # one choice of a multi-choice answer
        unicodedata.normalize("NFD", "Busco trabajo/ Ofrezco productos o servicios"),
    ],
)
def test_an_answer_matches_trimmed_case_aside_and_among_choices(answer: str) -> None:
    assert FORM_3.lead_form(sent({QUESTION: answer, "E-mail": "cv@example.com"})).route == ROUTE


@pytest.mark.parametrize("answer", ["Almacenamiento", "Busco trabajo", "", "Busco trabajo/ Ofrezco productos"])
def test_other_answers_route_nowhere(answer: str) -> None:
    assert FORM_3.lead_form(sent({QUESTION: answer})).route is None
    assert FORM_3.lead_form(sent({"Mensaje": JOB_SEEKER})).route is None  # the answer, to another field


def test_the_first_route_listed_that_matches_wins() -> None:
    later = StageRoute(QUESTION, "Almacenamiento", "cotizado")
    assert route_of([later, ROUTE], {QUESTION: f"Almacenamiento, {JOB_SEEKER}"}) == later


def test_stages_the_pipeline_lacks_or_retired_are_named_once() -> None:
    routes = [ROUTE, StageRoute(QUESTION, "Otro", "negativo"), StageRoute(QUESTION, "x", "cotizado")]
    assert unknown_stages(routes, INTRALOG) == []
    assert unknown_stages(routes, DEFAULT) == ["negativo", "cotizado"]


@pytest.fixture
def submit(memory_store: MemoryStore, memory_uow: UowFactory, clock: FakeClock) -> SubmitLead:
    memory_store.pipeline.pipeline = INTRALOG
    return SubmitLead(memory_uow, clock, phone_region="AR")


def job_seeker(email: str = "cv@example.com", **details: str) -> LeadForm:
    return FORM_3.lead_form(sent({QUESTION: JOB_SEEKER, "E-mail": email, "Razón social": "Juan"} | details))


def test_a_job_seeker_lands_in_negativo_closed_at_once_saying_why(
    submit: SubmitLead, memory_store: MemoryStore
) -> None:
    created = submit(job_seeker())
    lead = created.lead
    assert created.outcome is Outcome.CREATED and lead is not None
    assert (lead.status, lead.status_kind, lead.is_open, lead.stage_reached) == (
        "negativo",
        StageKind.EXCLUDED,
        False,
        "esperandoDatos",
    )
    history = [(e.field, e.old, e.new, e.actor_id) for e in lead.history]
    assert history == [
        (HistoryField.STATUS, None, "negativo", None),
        (HistoryField.NOTE, None, f'routed to negativo by the form\'s answer "{JOB_SEEKER}" to "{QUESTION}"', None),
    ]
    assert memory_store.jobs.outbox == {}  # nobody is told of it


def test_a_routed_lead_holds_no_open_contact_and_joins_none(submit: SubmitLead) -> None:
    customer = submit(FORM_3.lead_form(sent({QUESTION: "Almacenamiento", "E-mail": "cv@example.com"})))
    assert customer.lead is not None and customer.lead.status == "esperandoDatos"
    routed = submit(job_seeker())
    assert routed.outcome is Outcome.CREATED and routed.lead_id != customer.lead_id
    again = submit(FORM_3.lead_form(sent({QUESTION: "Cross-docking", "E-mail": "cv@example.com"})))
    assert (again.outcome, again.lead_id) == (Outcome.MERGED, customer.lead_id)


def test_a_page_of_a_job_seeker_then_a_customer_with_the_same_email_makes_two_leads(submit: SubmitLead) -> None:
    customer = FORM_3.lead_form(sent({QUESTION: "Almacenamiento", "E-mail": "cv@example.com"}))
    results = submit.page([job_seeker(), customer, job_seeker()])
    outcomes = [(r.outcome, r.lead.status if r.lead else None) for r in results if not isinstance(r, ValidationError)]
    assert outcomes == [
        (Outcome.CREATED, "negativo"),
        (Outcome.CREATED, "esperandoDatos"),
        (Outcome.CREATED, "negativo"),
    ]


def test_spam_checks_win_over_a_route(submit: SubmitLead) -> None:
    created = submit(evolve(job_seeker(), spam_reason="honeypot filled"))
    assert created.outcome is Outcome.SPAM and created.lead is not None and created.lead.status == "spam"


def test_a_route_to_an_open_stage_starts_a_new_lead_there(submit: SubmitLead) -> None:
    quoted = SyncedForm("intralog", "3", {"E-mail": "email"}, [StageRoute(QUESTION, "Almacenamiento", "cotizado")])
    created = submit(quoted.lead_form(sent({QUESTION: "Almacenamiento", "E-mail": "q@example.com"})))
    assert created.lead is not None
    assert (created.lead.status, created.lead.is_open, created.lead.stage_reached) == ("cotizado", True, "cotizado")


def test_a_route_to_a_stage_the_pipeline_lacks_starts_the_lead_where_leads_start_saying_so(
    submit: SubmitLead, memory_store: MemoryStore
) -> None:
    memory_store.pipeline.pipeline = DEFAULT
    created = submit(job_seeker())
    lead = created.lead
    assert lead is not None and (lead.status, lead.is_open) == ("new", True)
    assert "routes to stage negativo, which the pipeline lacks or has retired: left in new" in (
        lead.history[-1].new or ""
    )
    assert len(memory_store.jobs.outbox) == 1  # announced as any new lead


# Answers as people type them: letters with accents, digits, spaces, '/', ':', '=' and '¿?', no comma.
ANSWERS = st.text(st.sampled_from("abcñóÁZ09 /:=¿?-"), min_size=1, max_size=40).filter(lambda a: a.strip())
FIELDS = st.text(st.sampled_from("abcéÑ19 :?_-"), min_size=1, max_size=30).filter(lambda f: f.strip())


@given(field=FIELDS, answer=ANSWERS)
@settings(max_examples=200, deadline=None)
def test_any_field_and_answer_read_back_from_the_setting_and_match_however_spaced_or_cased(
    field: str, answer: str
) -> None:
    [route] = stage_routes(f"3:{field}={answer}=>negativo", ("3",), variable="V")["3"]
    assert route == StageRoute(field, answer, "negativo")
    typed = f"  {answer.upper()}  "
    assert route_of([route], {route.form_field: typed}) == route
    assert route_of([route], {route.form_field: f"Otro, {answer.lower()}"}) == route
