"""The CSV import on SQLite and MariaDB (and the in-memory fake, kept faithful): leads, merges, refused rows
kept for the report, a re-run that creates nothing twice, and a dry run that writes nothing."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from leadsmanager.application.imports import ImportCsv
from leadsmanager.application.intake import SubmitLead
from leadsmanager.domain.actor import Actor
from leadsmanager.domain.lead import Channel
from tests.conftest import UowFactory
from tests.csv_files import csv_text, source
from tests.support import FakeClock, new_lead, store

HEADER = ["Nombre", "Correo", "Teléfono", "Fecha"]
MAP = {"Nombre": "name", "Correo": "email", "Teléfono": "phone", "Fecha": "created_at"}


def test_a_file_is_imported_once_with_its_refusals_kept(uow_factory: UowFactory, clock: FakeClock) -> None:
    [existing] = store(uow_factory, new_lead(1, email="ana@example.com"))
    importer = ImportCsv(
        SubmitLead(uow_factory, clock, phone_region="AR"),
        uow_factory,
        clock,
        phone_region="AR",
        zone=ZoneInfo("America/Argentina/Buenos_Aires"),
        batch_rows=2,
    )
    rows = [
        HEADER,
        ["Ana", "ana@example.com", "", "15/01/2024"],
        ["Bea", "bea@example.com", "011 4444 5555", "45306"],
        ["Bad", "bad@", "", ""],
        ["Carla", "", "+54 11 4444 5555", ""],  # Bea's phone, in the same file: joins her new lead
        ["Dora", "dora@example.com", "", "2024-01-15 10:00"],
    ]
    data = csv_text(rows)
    dry = importer(source(data, MAP), by=Actor.system(), dry_run=True)
    assert (dry.counts.created, dry.counts.merged, dry.counts.refused) == (2, 2, 1)
    with uow_factory() as uow:
        assert uow.imports.get(dry.file_hash) is None
        assert uow.leads.find_by_external_ids(Channel.IMPORT, ["x"]) == {}

    summary = importer(source(data, MAP), by=Actor.system())
    assert (summary.counts.created, summary.counts.merged, summary.counts.refused) == (2, 2, 1)
    [refusal] = importer.refusals(summary.file_hash)
    assert (refusal.row, refusal.values) == (4, ("Bad", "bad@", "", ""))
    stored = importer.stored(summary.file_hash)
    assert stored is not None and stored.finished_at is not None and stored.next_row == 7
    assert dict(stored.mapping) == MAP
    with uow_factory() as uow:
        ana = uow.leads.get(existing)
        [bea] = uow.leads.find_open_by_contacts({"bea@example.com"}, set())
    assert ana is not None and ana.resubmissions == 1
    assert bea.created_at.isoformat() == "2024-01-15T03:00:00+00:00" and bea.resubmissions == 1

    # Another file holding the same rows, and one more: only that one is new.
    more = importer(source(csv_text([*rows, ["Eva", "eva@example.com", "", ""]]), MAP), by=Actor.system())
    assert (more.counts.created, more.counts.duplicates, more.counts.refused) == (1, 4, 1)
