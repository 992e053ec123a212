"""Every site kind through the same real sync: SyncForms, the FormSource that routes by kind, SQL storage.

Each kind's fake plugin (a real HTTP server on loopback, quirks included) is filled through a Backend
that writes the same people in that plugin's own shape. Whatever the kind: nothing is lost, nothing is
imported twice, a re-run imports nothing, a run that crashes part-way resumes, a failing form lets the
others go on, a submission nobody can answer waits in the failed-submissions inbox (once, and never
without the cursor moving past it). A new kind joins by adding its Backend to BACKENDS.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from contextlib import AbstractContextManager, contextmanager
from datetime import UTC, datetime, timedelta
from typing import Any, Protocol

import pytest
from attrs import frozen
from sqlalchemy.orm import sessionmaker

from leadsmanager.adapters.form_sources.by_kind import SitesFormSource
from leadsmanager.adapters.form_sources.site import SiteKind, WordPressSite
from leadsmanager.adapters.sql.engine import make_session_factory
from leadsmanager.adapters.sql.sync_cursors import SqlSyncCursorRepository
from leadsmanager.adapters.sql.unit_of_work import SqlAlchemyUnitOfWork
from leadsmanager.application.intake import LeadForm, SubmitLead, SubmitResult
from leadsmanager.application.sync import SyncForms
from leadsmanager.application.sync_report import SyncReport
from leadsmanager.domain.errors import ValidationError
from leadsmanager.domain.failed_submission import FailedSubmission, ReceivedBy
from leadsmanager.domain.lead import Channel, Lead
from leadsmanager.domain.sync_cursor import SyncCursor
from tests.conftest import UowFactory
from tests.integration.fake_sources.formidable import FakeFormidable, FrmField
from tests.integration.fake_sources.gravityforms import FakeGravityForms, GfField
from tests.integration.fake_sources.intralog import FakeIntralog, entry
from tests.integration.fake_sources.site import PASSWORD, USERNAME, FakeSite, Fault
from tests.integration.fake_wordpress import FakeWordPress, quick_policy
from tests.support import FakeClock

SITE = "acme"
FORMS = ("4", "5")
SENT = datetime(2026, 3, 1, 9, 0, tzinfo=UTC)
INTERESTS = ("Almacenamiento", "Cross-docking")


@frozen
class Person:
    """One submission, as a person filled in any kind's form."""

    id: int
    name: str
    email: str
    phone: str
    company: str
    message: str
    interests: tuple[str, ...] = INTERESTS

    @property
    def sent_at(self) -> datetime:
        return SENT + timedelta(minutes=self.id)


def person(n: int) -> Person:
    return Person(n, f"Persona {n}", f"persona{n}@example.com", f"+54 9 11 5555-{n:04d}", f"Empresa {n}", f"hola {n}")


def unreachable(n: int) -> Person:
    """Someone who left neither an email nor a phone: not a lead, kept in the failed-submissions inbox."""
    return Person(n, f"Persona {n}", "", "", f"Empresa {n}", f"sin contacto {n}")


class Backend(Protocol):
    """A kind's fake plugin, and how the same people are written into it."""

    kind: SiteKind
    fake: FakeSite

    def site(self) -> WordPressSite: ...

    def add(self, form_id: str, *people: Person) -> None:
        """People filling in a form; with none, the form exists on the site, still empty."""


class MappedBackend:
    """A fake whose forms map FIELDS (a label or key per lead field, in Person's order) to a lead."""

    kind: SiteKind
    FIELDS: dict[str, str]

    def __init__(self, fake: FakeSite) -> None:
        self.fake = fake

    def site(self) -> WordPressSite:
        return WordPressSite(SITE, self.fake.url, USERNAME, PASSWORD, dict.fromkeys(FORMS, self.FIELDS), kind=self.kind)

    def filled(self, p: Person) -> list[tuple[str, str]]:
        return list(zip(self.FIELDS, [p.name, p.email, p.phone, p.company, p.message], strict=True))


class LeadsManagerBackend(MappedBackend):
    kind = SiteKind.LEADSMANAGER
    FIELDS = {"your-name": "name", "your-email": "email", "tel": "phone", "empresa": "company", "msg": "message"}

    def add(self, form_id: str, *people: Person) -> None:
        assert isinstance(self.fake, FakeWordPress)
        self.fake.add(form_id, *(self._raw(p) for p in people))

    def _raw(self, p: Person) -> dict[str, Any]:
        fields = dict(self.filled(p)) | {"intereses": ", ".join(p.interests)}
        return {"id": str(p.id), "created_at": p.sent_at.isoformat(), "fields": fields}


class IntralogBackend(MappedBackend):
    """Form 4's labels, as INTRALOG's site has them (docs/form-sources.md)."""

    kind = SiteKind.INTRALOG_LEGACY
    FIELDS = {
        "Nombre y Apellido": "name",
        "Correo electrónico": "email",
        "Teléfono": "phone",
        "Razón Social o nombre de la empresa": "company",
        "Completa tu mensaje": "message",
    }

    def add(self, form_id: str, *people: Person) -> None:
        assert isinstance(self.fake, FakeIntralog)
        self.fake.add(
            form_id, *(entry(p.id, p.sent_at, [*self.filled(p), ("Servicios de interés", p.interests)]) for p in people)
        )


class GravityFormsBackend(MappedBackend):
    """Mapped by field id and by label alike; interests in a multi-select, whose value is a list."""

    kind = SiteKind.GRAVITYFORMS
    FIELDS = {"1": "name", "Correo": "email", "3": "phone", "Empresa": "company", "5": "message"}
    FORM = (
        GfField(1, "Nombre"),
        GfField(2, "Correo", "email"),
        GfField(3, "Teléfono", "phone"),
        GfField(4, "Empresa"),
        GfField(5, "Mensaje", "textarea"),
        GfField(6, "Intereses", "multiselect"),
    )
    IDS = {"1": "1", "Correo": "2", "3": "3", "Empresa": "4", "5": "5"}

    def add(self, form_id: str, *people: Person) -> None:
        assert isinstance(self.fake, FakeGravityForms)
        self.fake.add_form(int(form_id), f"Form {form_id}", *self.FORM)  # idempotent: the form's fields
        for p in people:
            values = {self.IDS[k]: v for k, v in self.filled(p)} | {"6": list(p.interests)}
            self.fake.put(int(form_id), p.id, values, p.sent_at)


class FormidableBackend(MappedBackend):
    """Mapped by field key; interests in checkboxes, whose value is a list."""

    kind = SiteKind.FORMIDABLE
    FIELDS = {"nombre": "name", "correo": "email", "telefono": "phone", "empresa": "company", "mensaje": "message"}

    def add(self, form_id: str, *people: Person) -> None:
        assert isinstance(self.fake, FakeFormidable)
        fields = [FrmField(key, key.title()) for key in [*self.FIELDS, "intereses"]]
        self.fake.add_form(int(form_id), f"form-{form_id}", f"Form {form_id}", *fields)
        for p in people:
            self.fake.put(int(form_id), p.id, dict(self.filled(p)) | {"intereses": list(p.interests)}, p.sent_at)


@contextmanager
def leadsmanager_backend() -> Iterator[Backend]:
    with FakeWordPress() as fake:
        yield LeadsManagerBackend(fake)


@contextmanager
def intralog_backend() -> Iterator[Backend]:
    with FakeIntralog() as fake:
        yield IntralogBackend(fake)


@contextmanager
def gravityforms_backend() -> Iterator[Backend]:
    with FakeGravityForms() as fake:
        yield GravityFormsBackend(fake)


@contextmanager
def formidable_backend() -> Iterator[Backend]:
    with FakeFormidable() as fake:
        yield FormidableBackend(fake)


BACKENDS: dict[str, Callable[[], AbstractContextManager[Backend]]] = {
    "leadsmanager": leadsmanager_backend,
    "intralog-legacy": intralog_backend,
    "gravityforms": gravityforms_backend,
    "formidable": formidable_backend,
}


@pytest.fixture(params=list(BACKENDS))
def backend(request: pytest.FixtureRequest) -> Iterator[Backend]:
    with BACKENDS[request.param]() as kind_backend:
        yield kind_backend


@pytest.fixture(params=["sqlite", pytest.param("mariadb", marks=pytest.mark.mariadb)])
def storage(request: pytest.FixtureRequest) -> UowFactory:
    if request.param == "mariadb":
        mysql: UowFactory = request.getfixturevalue("mysql_uow")
        return mysql
    session_factory: sessionmaker[Any] = make_session_factory(request.getfixturevalue("sqlite_engine"))
    return lambda: SqlAlchemyUnitOfWork(session_factory)


class Crash(Exception):
    """The process dying after a page was stored and before its cursor was saved."""


class CrashingIntake:
    """SubmitLead that dies right after storing the `after`-th page it is given, once."""

    def __init__(self, submit: SubmitLead, *, after: int) -> None:
        self._submit = submit
        self._left = after

    def page(self, forms: Sequence[LeadForm]) -> list[SubmitResult | ValidationError]:
        results = self._submit.page(forms)
        self._left -= 1
        if self._left == 0:
            raise Crash
        return results


@frozen
class Harness:
    backend: Backend
    source: SitesFormSource
    submit: SubmitLead
    uow: UowFactory
    clock: FakeClock

    def sync(self, *, intake: CrashingIntake | SubmitLead | None = None) -> SyncReport:
        forms = self.backend.site().synced_forms()
        return SyncForms(forms, self.source, intake or self.submit, self.uow, self.clock, page_size=3)()

    def leads(self, *people: tuple[str, Person]) -> dict[str, Lead]:
        """The stored lead of each (form, person), by external id; missing ones are left out."""
        ids = [f"{SITE}/{form_id}/{p.id}" for form_id, p in people]
        with self.uow() as uow:
            found = uow.leads.find_by_external_ids(Channel.WORDPRESS, ids)
            leads = {external: uow.leads.get(lead_id) for external, lead_id in found.items()}
        return {k: lead for k, lead in leads.items() if lead is not None}

    def inbox(self) -> list[FailedSubmission]:
        with self.uow() as uow:
            return uow.failed_submissions.waiting()

    def cursor(self, form_id: str) -> str | None:
        with self.uow() as uow:
            cursor = uow.sync_cursors.get(SITE, form_id)
        return None if cursor is None else cursor.after_id


@pytest.fixture
def harness(backend: Backend, storage: UowFactory, clock: FakeClock) -> Iterator[Harness]:
    for form_id in FORMS:
        backend.add(form_id)  # the forms exist on the site, with no entries yet
    with SitesFormSource([backend.site()], policy=quick_policy([], attempts=1)) as source:
        yield Harness(backend, source, SubmitLead(storage, clock, phone_region="AR"), storage, clock)


def created(report: SyncReport) -> dict[str, tuple[int, int]]:
    return {f.form_id: (f.fetched, f.created) for f in report.forms}


FOUR = [person(n) for n in (5, 1, 7, 3, 2, 6, 4)]
FIVE = [person(n) for n in (20, 11)]


def test_every_submission_becomes_one_lead_with_what_the_person_filled_in(harness: Harness) -> None:
    harness.backend.add("4", *FOUR)
    harness.backend.add("5", *FIVE)
    report = harness.sync()
    assert report.failures == ()
    assert created(report) == {"4": (7, 7), "5": (2, 2)}
    leads = harness.leads(*(("4", p) for p in FOUR), *(("5", p) for p in FIVE))
    assert len(leads) == 9
    lead = leads[f"{SITE}/4/7"]
    assert (lead.contact_name, lead.email, lead.phone, lead.company, lead.message) == (
        "Persona 7",
        "persona7@example.com",
        "+5491155550007",
        "Empresa 7",
        "hola 7",
    )
    assert lead.extras["submitted_at"] == "2026-03-01T09:07:00+00:00"
    assert "Almacenamiento, Cross-docking" in lead.extras.values()


def test_a_rerun_imports_nothing_and_a_later_one_only_what_is_new(harness: Harness) -> None:
    harness.backend.add("4", *FOUR)
    harness.sync()
    again = harness.sync()
    assert created(again) == {"4": (0, 0), "5": (0, 0)}
    harness.backend.add("4", person(9), person(8))
    later = harness.sync()
    assert created(later) == {"4": (2, 2), "5": (0, 0)}
    assert len(harness.leads(*(("4", p) for p in [*FOUR, person(8), person(9)]))) == 9


@pytest.mark.parametrize("crash_after_page", [1, 2])
def test_a_run_that_crashes_part_way_resumes_without_losing_or_repeating_a_lead(
    harness: Harness, crash_after_page: int
) -> None:
    harness.backend.add("4", *FOUR)
    with pytest.raises(Crash):
        harness.sync(intake=CrashingIntake(harness.submit, after=crash_after_page))
    stored_before = len(harness.leads(*(("4", p) for p in FOUR)))
    assert stored_before == 3 * crash_after_page  # the pages stored before the crash stay stored
    resumed = harness.sync()  # the same source, as a long-lived worker runs again
    assert resumed.failures == ()
    [form_4] = [f for f in resumed.forms if f.form_id == "4"]
    # the page stored just before the crash is read again, and only found already imported
    assert (form_4.created, form_4.duplicates) == (7 - stored_before, 3)
    assert len(harness.leads(*(("4", p) for p in FOUR))) == 7
    assert created(harness.sync())["4"] == (0, 0)


def test_a_form_that_fails_lets_the_others_go_on_and_is_imported_next_time(harness: Harness) -> None:
    harness.backend.add("4", *FOUR)
    harness.backend.add("5", *FIVE)
    harness.backend.fake.fail_next(Fault(status=500))  # form 4 is asked first
    report = harness.sync()
    assert [f.form_id for f in report.failures] == ["4"]
    assert created(report) == {"4": (0, 0), "5": (2, 2)}
    again = harness.sync()
    assert again.failures == ()
    assert created(again) == {"4": (7, 7), "5": (0, 0)}


def test_a_submission_nobody_can_answer_is_kept_whole_in_the_inbox_once(harness: Harness) -> None:
    harness.backend.add("4", person(1), unreachable(2), person(3), person(4))
    [form_4, _] = harness.sync().forms
    assert (form_4.fetched, form_4.created, [r.submission_id for r in form_4.rejected]) == (4, 3, ["2"])
    [kept] = harness.inbox()
    assert (kept.site, kept.form_id, kept.submission_id, kept.received_by) == (SITE, "4", "2", ReceivedBy.SYNC)
    assert kept.reason.startswith("no email and no phone: map the form's fields in the site's _FIELDS")
    assert kept.fields is not None and {"Persona 2", "Empresa 2", "sin contacto 2"} <= set(kept.fields.values())
    assert kept.submitted_at == unreachable(2).sent_at and form_4.rejected[0].kept_as == kept.id
    assert harness.cursor("4") == "4" and len(harness.leads(*(("4", person(n)) for n in (1, 3, 4)))) == 3

    [again, _] = harness.sync().forms
    assert (again.fetched, again.rechecked, again.rejected) == (0, 4, ())
    assert harness.inbox() == [kept]


def test_a_crash_saving_the_cursor_keeps_neither_it_nor_the_inbox_entry_and_the_rerun_keeps_both(
    harness: Harness, monkeypatch: pytest.MonkeyPatch
) -> None:
    harness.backend.add("4", person(1), unreachable(2), person(3), person(4))
    save = SqlSyncCursorRepository.save

    def crash(self: SqlSyncCursorRepository, cursor: SyncCursor) -> None:
        monkeypatch.setattr(SqlSyncCursorRepository, "save", save)  # the process dies once, mid-transaction
        save(self, cursor)
        raise Crash

    monkeypatch.setattr(SqlSyncCursorRepository, "save", crash)
    with pytest.raises(Crash):
        harness.sync()
    assert harness.inbox() == [] and harness.cursor("4") is None

    [form_4, _] = harness.sync().forms
    assert (form_4.created, form_4.duplicates, [r.submission_id for r in form_4.rejected]) == (1, 2, ["2"])
    assert [s.submission_id for s in harness.inbox()] == ["2"] and harness.cursor("4") == "4"
