"""From a synced form's submission to a LeadForm that intake always accepts."""

from __future__ import annotations

import unicodedata
from datetime import UTC, datetime

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from leadsmanager.adapters.form_sources.site import WordPressSite
from leadsmanager.adapters.memory.store import MemoryStore
from leadsmanager.adapters.memory.unit_of_work import MemoryUnitOfWork
from leadsmanager.application.intake import MAX_EXTRAS, Outcome, SubmitLead, to_submission
from leadsmanager.application.intake.form_mapping import LEAD_FIELDS, OVERFLOW, SyncedForm, field_label
from leadsmanager.application.sync_types import RemoteSubmission
from leadsmanager.domain.errors import ValidationError
from leadsmanager.domain.lead import UTM_FIELDS, Channel
from tests.support import FakeClock

SENT = datetime(2026, 3, 1, 9, 0, tzinfo=UTC)
CONTACT = SyncedForm(
    "shop",
    "contact",
    {"first-name": "name", "last-name": "name", "your-email": "email", "tel": "phone", "about": "message"},
)


def sent(fields: dict[str, str], submission_id: str = "41") -> RemoteSubmission:
    return RemoteSubmission(submission_id, SENT, fields)


def test_mapped_fields_fill_the_lead_and_the_rest_are_kept_as_extras_and_utm() -> None:
    fields = {
        "last-name": "García",
        "first-name": "Ana",
        "your-email": "ana@example.com",
        "tel": "+54 9 11 5555-1234",
        "about": "a quote, please",
        "company": "Acme",  # named like a lead field and mapped nowhere: fills it
        "budget": "10k",
        "utm_source": "google",
        "utm_campaign": "spring",
        "empty": " ",
    }
    form = CONTACT.lead_form(sent(fields))
    assert form.channel == Channel.WORDPRESS
    assert (form.name, form.email, form.phone, form.company) == (
        "Ana García",
        "ana@example.com",
        "+54 9 11 5555-1234",
        "Acme",
    )
    assert (form.message, form.service) == ("a quote, please", "")
    assert (form.site, form.form_id, form.external_id) == ("shop", "contact", "shop/contact/41")
    assert form.extras == {"submitted_at": "2026-03-01T09:00:00+00:00", "budget": "10k"}
    assert form.utm == {"utm_source": "google", "utm_campaign": "spring"}


def test_a_field_named_like_a_lead_field_yields_to_an_explicit_mapping() -> None:
    form = SyncedForm("shop", "contact", {"work-email": "email"}).lead_form(
        sent({"email": "a@x.org", "work-email": "b@y.org"})
    )
    assert form.email == "b@y.org"
    assert form.extras["email"] == "a@x.org"


def test_a_site_maps_with_the_mapping_of_that_form() -> None:
    site = WordPressSite("shop", "https://shop.example.com", "u", "p", {"contact": {"your-name": "name"}})
    assert site.lead_form("contact", sent({"your-name": "Ana"})).name == "Ana"
    assert site.lead_form("other", sent({"your-name": "Ana"})).extras["your-name"] == "Ana"
    assert [f.form_id for f in site.synced_forms()] == ["contact"]


INTRALOG_4 = SyncedForm(
    "intralog",
    "4",
    {
        "Nombre y Apellido": "name",
        "Correo electrónico": "email",
        "Teléfono": "phone",
        "Razón Social o nombre de la empresa": "company",
        "Completa tu mensaje": "message",
    },
)


def test_labels_with_spaces_and_accents_map_however_their_unicode_and_spacing_arrive() -> None:
    decomposed = unicodedata.normalize("NFD", "Correo electrónico")
    assert decomposed != "Correo electrónico"
    fields = {
        decomposed: "ana@example.com",
        "Teléfono ": "+54 11 5555 1234",  # a stray space in the label on the site
        "Razón  Social o nombre de la empresa": "Acme SA",
        "Nombre y Apellido": "Ana Pérez",
        "Cantidad de pedidos mensuales": "100-500",
    }
    form = INTRALOG_4.lead_form(sent(fields))
    assert (form.name, form.email, form.phone, form.company) == (
        "Ana Pérez",
        "ana@example.com",
        "+54 11 5555 1234",
        "Acme SA",
    )
    assert form.extras["Cantidad de pedidos mensuales"] == "100-500"


def test_a_mapping_typed_decomposed_matches_the_label_the_site_sends() -> None:
    form = SyncedForm("intralog", "4", {unicodedata.normalize("NFD", "Teléfono"): "phone"})
    assert form.lead_form(sent({"Teléfono": "+54 11 5555 1234"})).phone == "+54 11 5555 1234"


def test_of_two_labels_alike_the_filled_one_is_kept() -> None:
    form = INTRALOG_4.lead_form(sent({"Teléfono": "+54 11 5555 1234", "Teléfono ": " "}))
    assert form.phone == "+54 11 5555 1234"


@pytest.mark.parametrize(
    ("fields", "name"),
    [
        ({"Correo electrónico": "ana@example.com", "Razón Social o nombre de la empresa": "Acme SA"}, "Acme SA"),
        ({"Teléfono": "+54 11 5555 1234", "Razón Social o nombre de la empresa": "Acme SA"}, "Acme SA"),
        ({"Correo electrónico": "ana@example.com"}, "ana@example.com"),
        ({"Correo electrónico": "ana@example.com", "Nombre y Apellido": "Ana"}, "Ana"),
        ({"Teléfono": "+54 11 5555 1234"}, ""),  # nothing to name it by: still a lead, with no name
        ({"Razón Social o nombre de la empresa": "Acme SA"}, ""),  # no way to reach it: no name made up
    ],
)
def test_a_reachable_submission_without_a_name_is_named_by_its_company_then_its_email(
    fields: dict[str, str], name: str
) -> None:
    assert INTRALOG_4.lead_form(sent(fields)).name == name


def test_a_nameless_form_3_submission_becomes_a_lead_named_by_its_company() -> None:
    store = MemoryStore()
    submit = SubmitLead(lambda: MemoryUnitOfWork(store), FakeClock(), phone_region="AR")
    form_3 = SyncedForm(
        "intralog",
        "3",
        {"Razón social": "company", "E-mail": "email", "Telefono": "phone", "Mensaje": "message"},
    )
    fields = {"Razón social": "Logística Sur", "E-mail": "compras@sur.example", "Mensaje": "cotización"}
    result = submit(form_3.lead_form(sent(fields)))
    assert result.outcome is Outcome.CREATED
    lead = store.leads[result.lead_id]
    assert (lead.contact_name, lead.company, lead.email) == ("Logística Sur", "Logística Sur", "compras@sur.example")


def test_more_extras_than_intake_keeps_are_folded_into_one_not_lost() -> None:
    fields = {f"q{n}": f"answer {n}" for n in range(80)}
    extras = CONTACT.lead_form(sent(fields)).extras
    assert len(extras) == MAX_EXTRAS
    assert extras[OVERFLOW].splitlines()[0] == "q48: answer 48"
    assert extras[OVERFLOW].splitlines()[-1] == "q79: answer 79"


def test_a_message_longer_than_a_lead_keeps_is_kept_cut_and_says_so() -> None:
    long = "Necesito cotizar. " + "x" * 100_000
    form = CONTACT.lead_form(sent({"your-email": "ana@example.com", "about": long}))
    assert len(form.message) == 10_000
    assert form.message.startswith("Necesito cotizar. xxx")
    assert form.message.endswith("xxx\n[cut: the message had 100,018 characters]")
    assert to_submission(form, region="US").message == form.message
    exact = CONTACT.lead_form(sent({"your-email": "ana@example.com", "about": "y" * 10_000}))
    assert exact.message == "y" * 10_000


def test_a_mapped_form_becomes_a_lead_once_even_when_synced_twice() -> None:
    store = MemoryStore()
    submit = SubmitLead(lambda: MemoryUnitOfWork(store), FakeClock(), phone_region="US")
    form = CONTACT.lead_form(sent({"first-name": "Ana", "your-email": "ANA@example.com", "tel": "not a phone"}))
    first, second = submit(form), submit(form)
    assert (first.outcome, second.outcome) == (Outcome.CREATED, Outcome.DUPLICATE)
    lead = store.leads[first.lead_id]
    assert (lead.email, lead.phone, lead.external_id) == ("ana@example.com", None, "shop/contact/41")
    assert lead.extras["invalid_phone"] == "not a phone"


@pytest.mark.parametrize(
    ("site", "form_id", "fields"),
    [
        ("Shop", "contact", {}),
        ("shop", "contact us", {}),
        ("shop", "contact", {"x": "budget"}),
        ("shop", "c", {"": "name"}),
        ("shop", "c", {" \t": "name"}),
    ],
)
def test_a_synced_form_refuses_names_and_mappings_it_cannot_use(
    site: str, form_id: str, fields: dict[str, str]
) -> None:
    with pytest.raises(ValidationError):
        SyncedForm(site, form_id, fields)


FIELD_NAMES = st.one_of(st.sampled_from([*LEAD_FIELDS, *UTM_FIELDS, "first-name", "submitted_at", OVERFLOW]), st.text())
VALUES = st.one_of(st.text(), st.text(min_size=190, max_size=12_000), st.emails(), st.just("+1 202 555 0143"))


@settings(max_examples=150, deadline=None)
@given(
    fields=st.dictionaries(FIELD_NAMES, VALUES, max_size=70),
    mapping=st.dictionaries(FIELD_NAMES.filter(field_label), st.sampled_from(LEAD_FIELDS), max_size=8),
    submission_id=st.from_regex(r"[0-9]{1,20}", fullmatch=True),
)
def test_any_fields_make_a_lead_form_that_intake_accepts(
    fields: dict[str, str], mapping: dict[str, str], submission_id: str
) -> None:
    form = SyncedForm("a_long_site_name_of_forty_characters_xxx", "f" * 100, mapping).lead_form(
        sent(fields, submission_id)
    )
    submission = to_submission(form, region="US")
    assert submission.external_id == form.external_id
    assert len(form.extras) <= MAX_EXTRAS
