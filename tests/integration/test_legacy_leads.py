"""The original system's leads come over with their stage, owner, note and history, once each."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime

import pytest
import sqlalchemy as sa

from leadsmanager.adapters.legacy_django import DjangoLegacySource
from leadsmanager.application.legacy import ImportLegacyLeads, ImportLegacyUsers, LeadOutcome, LeadPlan, LegacyRun
from leadsmanager.application.legacy.statuses import DEFAULT_STATUS_MAP
from leadsmanager.domain.errors import Conflict
from leadsmanager.domain.lead import Channel, HistoryField, Lead
from leadsmanager.domain.pipeline import INTRALOG, StageChange
from tests.conftest import MYSQL_URL, UowFactory, views_of
from tests.integration.legacy_db import history_row, insert, insert_users, legacy_database, submission_row, user_row
from tests.support import FakeClock

pytestmark = pytest.mark.mariadb
SITE = "intralog"


def at(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


@pytest.fixture
def legacy(mysql_engine: sa.Engine) -> Iterator[str]:
    with legacy_database(MYSQL_URL) as (url, engine):
        insert_users(
            engine,
            user_row(1, role="manager"),
            user_row(2),
            user_row(3, email="", mail="solo.mail@intralog.example"),  # a user whose email is only in `mail`
        )
        insert(engine, "formsapp_campaign", {"id": 1, "name": "Expo Logística 2025"})
        insert(
            engine,
            "formsapp_formsubmission",
            submission_row(
                1, estado="cotizado", campaign_id=1, assigned_user_id=2, management_message="Llamar el lunes"
            ),
            # a null email, a phone with spaces and a leading 0, a retired estado
            submission_row(2, mail=None, telefono=" 011 4555 1234 ", estado="pendiente", assigned_user_id=3, data=None),
            submission_row(3, estado="pospuesto", nombre_y_apellido=None, razon_social=None, empresa="Vieja Empresa"),
            submission_row(4, mail=None, telefono=None, data="{}"),  # nobody to reach
            submission_row(5, mail="CLIENTE1@example.com", mensaje="Otra consulta"),  # the person of row 1 again
            submission_row(
                6, estado="gestionExitosa", data='{"Cantidad de pallets": "120", "Correo": "cliente6@example.com"}'
            ),
        )
        insert(
            engine,
            "formsapp_leadhistory",
            history_row(1, 1, None, "esperandoDatos", 2, "2025-01-02 13:01:00"),
            history_row(2, 1, "esperandoDatos", "contactado", None, "2025-01-05 10:00:00"),  # its user was deleted
            history_row(3, 1, "contactado", "cotizado", 1, "2025-01-06 11:00:00"),
            history_row(4, 3, "pendiente", "pospuesto", 1, "2025-01-04 09:30:00"),
        )
        yield url


@pytest.fixture
def intralog_uow(mysql_uow: UowFactory) -> UowFactory:
    with mysql_uow() as uow:  # `pipeline apply intralog` waits for reports that count any stage
        uow.pipeline.replace(INTRALOG, StageChange(at("2026-01-01T00:00:00"), "test", "apply", "intralog"))
        uow.commit()
    return mysql_uow


def run_import(url: str, uow: UowFactory, *, dry_run: bool = False) -> list[LeadPlan]:
    source = DjangoLegacySource.from_url(url)
    users = ImportLegacyUsers(uow, FakeClock())(source.users(), dry_run=dry_run)
    ids = {p.legacy_id: p.user_id for p in users if p.user_id is not None}
    leads = ImportLegacyLeads(uow, FakeClock())
    run = LegacyRun(SITE, "AR", leads.status_table([]), ids)
    return leads(source, run, dry_run=dry_run)


def lead_of(uow_factory: UowFactory, entry: int) -> Lead:
    with uow_factory() as uow:
        found = uow.leads.find_by_external_ids(Channel.WORDPRESS, [f"{SITE}/4/{entry}"])
        lead = uow.leads.get(found[f"{SITE}/4/{entry}"], with_history=True)
    assert lead is not None
    return lead


def user_id(uow_factory: UowFactory, email: str) -> int | None:
    with uow_factory() as uow:
        user = uow.users.get_by_email(email)
    return None if user is None else user.id


def test_each_row_becomes_a_lead_in_its_stage_with_owner_note_and_original_history(
    legacy: str, intralog_uow: UowFactory
) -> None:
    plans = {p.row_id: p for p in run_import(legacy, intralog_uow)}
    assert {n: p.outcome for n, p in plans.items()} == {
        1: LeadOutcome.CREATED,
        2: LeadOutcome.CREATED,
        3: LeadOutcome.CREATED,
        4: LeadOutcome.SKIPPED,
        5: LeadOutcome.MERGED,
        6: LeadOutcome.CREATED,
    }
    assert plans[4].reason == "no email and no phone"
    manager, employee = user_id(intralog_uow, "user1@intralog.example"), user_id(intralog_uow, "user2@intralog.example")

    first = lead_of(intralog_uow, 1001)
    assert (first.status, first.assignee_id, first.source, first.site, first.form_id) == (
        "cotizado",
        employee,
        Channel.WORDPRESS,
        SITE,
        "4",
    )
    assert first.created_at == at("2025-01-02T13:01:00")
    # formsapp_campaign is the lead's campaign, a field of its own, no longer one of its extras
    assert (first.campaign, first.extras["origen"]) == ("Expo Logística 2025", "web")
    assert "campaign" not in first.extras
    statuses = [(e.old, e.new, e.actor_id, e.at) for e in first.history if e.field is HistoryField.STATUS]
    assert statuses == [
        (None, "esperandoDatos", employee, at("2025-01-02T13:01:00")),
        ("esperandoDatos", "faltaCotizar", None, at("2025-01-05T10:00:00")),  # contactado, by a deleted user
        ("faltaCotizar", "cotizado", manager, at("2025-01-06T11:00:00")),
    ]
    # the change whose user was deleted is theirs, not the system's: marked, as no other entry is
    assert [e.actor_deleted for e in first.history if e.field is HistoryField.STATUS] == [False, True, False]
    assert not any(e.actor_deleted for e in first.history if e.field is not HistoryField.STATUS)
    assert [e.new for e in first.history if e.field is HistoryField.NOTE] == ["Llamar el lunes"]
    assert [e.new for e in first.history if e.field is HistoryField.ASSIGNEE] == [str(employee)]
    assert [e.field for e in first.history].count(HistoryField.RESUBMISSION) == 1  # row 5 joined it
    assert plans[5].lead_id == first.id

    second = lead_of(intralog_uow, 1002)
    assert (second.email, second.phone, second.status) == (None, "+541145551234", "esperandoDatos")
    assert second.assignee_id == user_id(intralog_uow, "solo.mail@intralog.example")
    assert second.campaign is None  # a row of no campaign

    third = lead_of(intralog_uow, 1003)
    assert (third.contact_name, third.company, third.status) == ("Vieja Empresa", "Vieja Empresa", "faltaCotizar")
    assert [(e.old, e.new, e.at) for e in third.history if e.field is HistoryField.STATUS] == [
        # pendiente, where the system's history starts: when the lead arrived, or its first change if that is
        # dated earlier (here 09:30, before the 13:03 the row says it was created)
        (None, "esperandoDatos", at("2025-01-04T09:30:00")),
        ("esperandoDatos", "faltaCotizar", at("2025-01-04T09:30:00")),
    ]
    sixth = lead_of(intralog_uow, 1006)
    assert (sixth.status, sixth.stage_reached, sixth.extras["Cantidad de pallets"]) == ("nuevoCliente",) * 2 + ("120",)
    assert "Correo" not in sixth.extras  # the email again, already the lead's own


def test_the_history_reads_in_time_order_though_its_owner_and_note_were_stored_after_its_statuses(
    legacy: str, intralog_uow: UowFactory, mysql_engine: sa.Engine
) -> None:
    run_import(legacy, intralog_uow)
    first = lead_of(intralog_uow, 1001)
    assert [(e.field.value, e.at) for e in first.history] == [
        ("status", at("2025-01-02T13:01:00")),  # where it started: stored first
        ("assignee", at("2025-01-02T13:01:00")),  # its owner since it arrived: stored after every status
        ("status", at("2025-01-05T10:00:00")),
        ("status", at("2025-01-06T11:00:00")),
        ("note", at("2025-01-06T11:00:00")),  # the management message, as of the last change: after it
        ("resubmission", at("2025-01-06T13:05:00")),  # row 5, the same person writing again
    ]
    stored = sorted(first.history, key=lambda e: e.id or 0)
    assert [e.field.value for e in stored][:4] == ["status", "status", "status", "assignee"]
    with views_of(mysql_engine)() as views:  # the lead's page reads it so too
        page = views.lead(first.id or 0)
    assert page is not None and page.history == first.history


def test_a_second_run_changes_nothing(legacy: str, intralog_uow: UowFactory) -> None:
    run_import(legacy, intralog_uow)
    first = lead_of(intralog_uow, 1001)
    again = run_import(legacy, intralog_uow)
    assert {(p.outcome, p.reason) for p in again} == {
        (LeadOutcome.SKIPPED, "already imported"),
        (LeadOutcome.SKIPPED, "no email and no phone"),
    }
    assert lead_of(intralog_uow, 1001).history == first.history
    assert lead_of(intralog_uow, 1001).campaign == "Expo Logística 2025"
    with intralog_uow() as uow:
        assert uow.pipeline.leads_by_status() == {
            "cotizado": 1,
            "esperandoDatos": 1,
            "faltaCotizar": 1,
            "nuevoCliente": 1,
        }


def test_a_dry_run_says_the_same_and_writes_nothing(legacy: str, intralog_uow: UowFactory) -> None:
    planned = [(p.row_id, p.outcome, p.reason) for p in run_import(legacy, intralog_uow, dry_run=True)]
    with intralog_uow() as uow:
        assert uow.pipeline.leads_by_status() == {}
        assert uow.users.list() == []
    done = [(p.row_id, p.outcome, p.reason) for p in run_import(legacy, intralog_uow)]
    assert planned == done


def test_a_pipeline_without_the_mapped_stages_is_refused_with_what_to_do(legacy: str, mysql_uow: UowFactory) -> None:
    with pytest.raises(Conflict, match="run `leadsmanager pipeline apply intralog` first, or pass --status"):
        ImportLegacyLeads(mysql_uow, FakeClock()).status_table([])
    assert set(DEFAULT_STATUS_MAP.values()) == set(INTRALOG.keys) - {s.key for s in INTRALOG.stages if s.kind == "spam"}


def test_a_row_without_mail_or_telefono_takes_them_from_its_forms_data(intralog_uow: UowFactory) -> None:
    with legacy_database(MYSQL_URL) as (url, engine):
        insert(
            engine,
            "formsapp_formsubmission",
            # forms 5's and 4's labels; the email in capitals, the phone with spaces and a leading 0
            submission_row(
                1,
                mail=None,
                telefono="",
                data='{"Correo electrónico empresarial": " Ana@Example.COM ", "Teléfono": "011 4555 9999"}',
            ),
            submission_row(2, mail="", telefono=None, data='{"E-mail": "beto@example.com", "Telefono": "x"}'),
            submission_row(3, mail="", telefono=None, data='{"Correo": "no es un mail"}'),  # unreadable, as ever
            submission_row(4, mail="carla@example.com", data='{"Correo electrónico": "otra@example.com"}'),
        )
        plans = {p.row_id: (p.outcome, p.reason) for p in run_import(url, intralog_uow)}
    assert plans == {
        1: (LeadOutcome.CREATED, ""),
        2: (LeadOutcome.CREATED, ""),
        3: (LeadOutcome.SKIPPED, "no email and no phone that could be read"),
        4: (LeadOutcome.CREATED, ""),
    }
    first, second, fourth = (lead_of(intralog_uow, entry) for entry in (1001, 1002, 1004))
    assert (first.email, first.phone) == ("ana@example.com", "+541145559999")
    assert "Correo electrónico empresarial" not in first.extras  # the lead's own email, not an extra
    assert (second.email, second.phone) == ("beto@example.com", None)
    assert fourth.email == "carla@example.com"  # `mail` itself, when it holds one, wins
