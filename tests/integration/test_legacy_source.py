"""The original system's tables are read as they are, awkward rows included, and never written."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime

import pytest
import sqlalchemy as sa

from leadsmanager.adapters.legacy_django import DjangoLegacySource
from leadsmanager.adapters.legacy_django import source as legacy_source
from leadsmanager.application.legacy.statuses import DEFAULT_STATUS_MAP, status_map
from leadsmanager.domain.errors import ExternalServiceError, ValidationError
from tests.conftest import MYSQL_URL
from tests.integration.legacy_db import history_row, insert, insert_users, legacy_database, submission_row, user_row

pytestmark = pytest.mark.mariadb


@pytest.fixture
def legacy(mysql_engine: sa.Engine) -> Iterator[tuple[str, sa.Engine]]:
    with legacy_database(MYSQL_URL) as built:
        engine = built[1]
        insert_users(engine, user_row(1), user_row(2))
        insert(engine, "formsapp_campaign", {"id": 1, "name": "Expo Logística 2025"})
        insert(
            engine,
            "formsapp_formsubmission",
            submission_row(1, campaign_id=1, assigned_user_id=2, management_message="Llamar el lunes"),
            submission_row(2, mail=None, telefono=" 011 4555 1234 "),  # a null email, a phone with spaces and a 0
            submission_row(3, estado="pospuesto", razon_social=None, empresa="Vieja Empresa"),  # retired, empresa only
        )
        insert(
            engine,
            "formsapp_leadhistory",
            history_row(1, 1, None, "esperandoDatos", 2, "2025-01-02 13:01:00"),
            history_row(2, 1, "esperandoDatos", "contactado", None, "2025-01-05 10:00:00"),  # its user was deleted
            history_row(3, 3, "pendiente", "pospuesto", 1, "2025-01-04 09:30:00"),
        )
        yield built


def test_leads_are_read_in_id_order_with_what_each_column_holds(legacy: tuple[str, sa.Engine]) -> None:
    first, second, third = DjangoLegacySource.from_url(legacy[0]).submissions()
    assert (first.submission_id, first.form_id, first.company, first.name) == (1001, 4, "Empresa 1 SA", "Cliente 1")
    assert (first.assigned_user_id, first.campaign_id, first.management_message) == (2, 1, "Llamar el lunes")
    assert first.created_at == datetime(2025, 1, 2, 13, 1, tzinfo=UTC)
    assert "cliente1@example.com" in first.data
    assert (second.email, second.phone) == ("", "011 4555 1234")
    assert (third.company, third.status) == ("Vieja Empresa", "pospuesto")
    assert [s.id for s in DjangoLegacySource.from_url(legacy[0]).submissions(after_id=1)] == [2, 3]


def test_the_reader_pages_through_many_leads(legacy: tuple[str, sa.Engine], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(legacy_source, "BATCH", 2)
    assert [s.id for s in DjangoLegacySource.from_url(legacy[0]).submissions()] == [1, 2, 3]


def test_history_by_lead_then_time_keeps_a_deleted_users_change(legacy: tuple[str, sa.Engine]) -> None:
    changes = list(DjangoLegacySource.from_url(legacy[0]).history())
    assert [(c.submission_id, c.previous_status, c.new_status, c.updated_by_id) for c in changes] == [
        (1, "", "esperandoDatos", 2),
        (1, "esperandoDatos", "contactado", None),
        (3, "pendiente", "pospuesto", 1),
    ]
    assert [c.id for c in DjangoLegacySource.from_url(legacy[0]).history(after_id=1)] == [3]


def test_campaigns(legacy: tuple[str, sa.Engine]) -> None:
    assert [(c.id, c.name) for c in DjangoLegacySource.from_url(legacy[0]).campaigns()] == [(1, "Expo Logística 2025")]


def test_the_legacy_database_is_read_in_a_read_only_session(legacy: tuple[str, sa.Engine]) -> None:
    source = DjangoLegacySource.from_url(legacy[0])
    with source._engine.connect() as connection, pytest.raises(sa.exc.OperationalError, match="READ ONLY"):
        connection.execute(sa.text("DELETE FROM formsapp_campaign"))


def test_every_status_ever_used_lands_on_an_intralog_stage() -> None:
    retired = ("pendiente", "asignado", "contactado", "interesadoAvanzar", "gestionExitosa", "pospuesto", "noDefinido")
    assert all(DEFAULT_STATUS_MAP[old] in DEFAULT_STATUS_MAP.values() for old in retired)
    assert status_map(["pospuesto=avanzando"])["pospuesto"] == "avanzando"
    with pytest.raises(ValidationError, match="'ganado' is not a stage"):
        status_map(["pospuesto=ganado"])
    with pytest.raises(ValidationError, match="write it as old=new"):
        status_map(["pospuesto"])


def test_a_missing_table_is_a_clear_error(mysql_engine: sa.Engine) -> None:
    source = DjangoLegacySource.from_url(MYSQL_URL)  # our own test database: no Django tables there
    with pytest.raises(ExternalServiceError, match="reading the legacy database failed"):
        list(source.campaigns())
