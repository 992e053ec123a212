"""Correcting a lead's details: each change in the history, normalised as intake, checked against open leads."""

from __future__ import annotations

from datetime import timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from leadsmanager.application.editing import corrections
from leadsmanager.application.intake import HANDLED_BY_THE_TEAM
from leadsmanager.application.leads import AssignLead, GetLead, LeadChanges, UpdateLead
from leadsmanager.domain.actor import Actor
from leadsmanager.domain.errors import Conflict, ContactTaken, NotFound, ValidationError
from leadsmanager.domain.events import DetailsCorrected
from leadsmanager.domain.lead import HistoryField
from leadsmanager.domain.roles import Role
from leadsmanager.domain.status import LeadStatus
from leadsmanager.domain.user import User
from tests.conftest import UowFactory, ViewsFactory
from tests.support import START, FakeClock, make_user, new_lead, submit

SYSTEM = Actor.system()
REP = Actor(user_id=7, role=Role.EMPLOYEE, name="Rita Rep")


def test_each_corrected_detail_is_recorded_with_who_when_and_its_old_value() -> None:
    lead = new_lead(1, company="", service="consulting")
    lead.collect_events()
    at = START + timedelta(hours=1)
    changed = lead.correct(
        {HistoryField.NAME: "Ana Paz", HistoryField.COMPANY: "Acme", HistoryField.SERVICE: "consulting"},
        by=REP,
        at=at,
    )
    assert changed == [HistoryField.NAME, HistoryField.COMPANY]  # the service was already that
    assert (lead.contact_name, lead.company, lead.updated_at) == ("Ana Paz", "Acme", at)
    assert [(e.field, e.old, e.new, e.actor_id, e.at) for e in lead.history[1:]] == [
        ("name", "Person 1", "Ana Paz", 7, at),
        ("company", None, "Acme", 7, at),  # blank on either side is None, as for every other history entry
    ]
    assert lead.collect_events() == [DetailsCorrected(("name", "company"))]


def test_a_correction_moves_the_score_and_clears_a_contact_to_none() -> None:
    lead = new_lead(1)
    before = lead.score
    lead.correct({HistoryField.EMAIL: "", HistoryField.COMPANY: ""}, by=REP, at=START)
    assert lead.email is None and lead.phone == "+12025550001"
    assert lead.score == before - 15 - 10  # no email, no company
    assert [(e.field, e.old, e.new) for e in lead.history[1:]] == [
        ("email", "person1@example.com", None),
        ("company", "Company 1", None),
    ]


def test_nothing_changed_records_nothing() -> None:
    lead = new_lead(1)
    lead.collect_events()
    assert lead.correct({HistoryField.NAME: "Person 1", HistoryField.PHONE: "+12025550001"}, by=REP, at=START) == []
    assert len(lead.history) == 1 and lead.collect_events() == []


def test_a_lead_keeps_its_name_and_one_way_to_reach_the_person() -> None:
    lead = new_lead(1)
    with pytest.raises(ValidationError) as refused:
        lead.correct({HistoryField.NAME: "", HistoryField.EMAIL: "", HistoryField.PHONE: ""}, by=REP, at=START)
    assert set(refused.value.fields) == {"name", "email"}
    assert (lead.contact_name, lead.email, lead.phone, len(lead.history)) == (
        "Person 1",
        "person1@example.com",
        "+12025550001",
        1,
    )
    lead.correct({HistoryField.PHONE: ""}, by=REP, at=START)  # the email is left
    with pytest.raises(ValidationError) as last:
        lead.correct({HistoryField.EMAIL: ""}, by=REP, at=START)
    assert list(last.value.fields) == ["email"]


def test_details_are_normalised_as_intake_normalises_them() -> None:
    typed = {"name": "  Ana   Paz ", "email": " ANA@Example.COM ", "phone": "011 4123-4567", "message": "a\r\nb"}
    assert corrections(typed, region="AR") == {
        HistoryField.NAME: "Ana Paz",
        HistoryField.EMAIL: "ana@example.com",
        HistoryField.PHONE: "+541141234567",  # read in LEADSMANAGER_PHONE_REGION
        HistoryField.MESSAGE: "a\nb",
    }
    assert corrections({"email": "  ", "phone": ""}, region="AR") == {HistoryField.EMAIL: "", HistoryField.PHONE: ""}


def test_every_bad_detail_is_named_at_once() -> None:
    typed = {"name": "x" * 201, "email": "ana@", "phone": "12", "company": "c" * 201, "service": "s" * 121}
    with pytest.raises(ValidationError) as refused:
        corrections(typed, region="US")
    assert set(refused.value.fields) == {"name", "email", "phone", "company", "service"}
    assert refused.value.fields["name"] == "too long: at most 200 characters"


@settings(max_examples=200, deadline=None)
@given(
    st.fixed_dictionaries(
        {"name": st.text(max_size=60), "company": st.text(max_size=60), "message": st.text(max_size=200)}
    )
)
def test_details_sent_back_as_stored_are_stored_unchanged(typed: dict[str, str]) -> None:
    """A page's details form holds the stored values: sent back untouched, they change nothing."""
    try:
        stored = corrections(typed, region="US")
    except ValidationError:
        return
    again = corrections({name.value: value for name, value in stored.items()}, region="US")
    assert again == stored


class Team:
    def __init__(self, uow: UowFactory, views: ViewsFactory, clock: FakeClock) -> None:
        self.manager = make_user(uow, Role.MANAGER, "Max Manager")
        self.rep = make_user(uow, Role.EMPLOYEE, "Rita Rep")
        self.other_rep = make_user(uow, Role.EMPLOYEE, "Oscar Other")
        self.update = UpdateLead(uow, clock, phone_region="AR")
        self.assign = AssignLead(uow, clock)
        self.get = GetLead(views)
        self.uow, self.clock = uow, clock

    def reps_leads(self) -> tuple[int, int]:
        """Lead 2, the rep's, and lead 1, the other rep's."""
        theirs, mine = submit(self.uow, self.clock, 1), submit(self.uow, self.clock, 2)
        self.assign(theirs, self.other_rep.id, by=self.manager.as_actor())
        self.assign(mine, self.rep.id, by=self.manager.as_actor())
        return mine, theirs

    def edit(self, lead_id: int, user: User, version: int | None = None, **details: str) -> None:
        self.update(lead_id, LeadChanges(details=details), by=user.as_actor(), expected_version=version)


@pytest.fixture
def team(memory_uow: UowFactory, memory_views: ViewsFactory, clock: FakeClock) -> Team:
    return Team(memory_uow, memory_views, clock)


def test_an_employee_corrects_their_own_lead_and_no_one_elses(team: Team) -> None:
    mine, theirs = team.reps_leads()
    team.edit(mine, team.rep, version=2, name="Ana Paz", phone="11 4123 4567")
    with pytest.raises(NotFound):
        team.edit(theirs, team.rep, name="Not Mine")
    team.edit(theirs, team.manager, company="Acme")  # managers correct any lead

    lead = team.get(mine, by=team.rep.as_actor()).lead
    assert (lead.contact_name, lead.phone, lead.version) == ("Ana Paz", "+541141234567", 3)
    assert [(e.field, e.old, e.new, e.actor_id) for e in lead.history if e.field in ("name", "phone")] == [
        ("name", "Person 2", "Ana Paz", team.rep.id),
        ("phone", "+12025550002", "+541141234567", team.rep.id),
    ]
    assert team.get(theirs, by=team.manager.as_actor()).lead.company == "Acme"


def test_a_correction_from_a_stale_version_changes_nothing(
    team: Team, memory_uow: UowFactory, clock: FakeClock
) -> None:
    lead_id = submit(memory_uow, clock)
    team.edit(lead_id, team.manager, version=1, name="First Fix")
    with pytest.raises(Conflict, match="changed by someone else"):
        team.edit(lead_id, team.manager, version=1, name="Second Fix", company="Lost Co")
    lead = team.get(lead_id, by=team.manager.as_actor()).lead
    assert (lead.contact_name, lead.company, lead.version) == ("First Fix", "", 2)


def test_nothing_changed_keeps_the_version(team: Team, memory_uow: UowFactory, clock: FakeClock) -> None:
    lead_id = submit(memory_uow, clock)
    team.edit(lead_id, team.manager, version=1, name="Person 1", email="PERSON1@example.com")
    assert team.get(lead_id, by=team.manager.as_actor()).lead.version == 1


def test_an_email_or_phone_of_another_open_lead_is_refused_naming_it(
    team: Team, memory_uow: UowFactory, clock: FakeClock
) -> None:
    first, second = submit(memory_uow, clock, 1), submit(memory_uow, clock, 2)
    with pytest.raises(ContactTaken) as refused:
        team.edit(second, team.manager, name="Renamed", email="Person1@Example.com", phone="+1 202 555 0001")
    assert refused.value.others == {"email": (first, "Person 1"), "phone": (first, "Person 1")}
    assert refused.value.fields["email"] == f"lead {first} (Person 1) is open with this email"
    lead = team.get(second, by=team.manager.as_actor()).lead
    assert (lead.contact_name, lead.email, lead.version) == ("Person 2", "person2@example.com", 1)


def test_an_employee_is_not_told_which_colleagues_lead_has_the_contact(team: Team) -> None:
    mine, theirs = team.reps_leads()
    with pytest.raises(ContactTaken) as refused:
        team.edit(mine, team.rep, email="person1@example.com")
    assert str(refused.value) == HANDLED_BY_THE_TEAM and refused.value.others == {}
    assert str(theirs) not in str(refused.value.fields)


def test_a_closed_leads_contact_is_free_and_reopening_checks_the_corrected_one(
    team: Team, memory_uow: UowFactory, clock: FakeClock
) -> None:
    first, second = submit(memory_uow, clock, 1), submit(memory_uow, clock, 2)
    boss = team.manager.as_actor()
    team.update(first, LeadChanges(status=LeadStatus.LOST), by=boss)
    team.edit(second, team.manager, email="person1@example.com")  # the lost lead holds it no more
    reopen = LeadChanges(status=LeadStatus.CONTACTED, details={"email": "person9@example.com"})
    with pytest.raises(Conflict, match=f"already has open lead {second}"):
        team.update(first, LeadChanges(status=LeadStatus.CONTACTED), by=boss)
    team.update(first, reopen, by=boss)  # corrected in the same change, it may reopen
    lead = team.get(first, by=boss).lead
    assert (lead.status, lead.email) == (LeadStatus.CONTACTED, "person9@example.com")


def test_details_and_status_land_together_or_not_at_all(team: Team, memory_uow: UowFactory, clock: FakeClock) -> None:
    submit(memory_uow, clock, 1)
    second = submit(memory_uow, clock, 2)
    boss = team.manager.as_actor()
    with pytest.raises(ContactTaken):
        team.update(second, LeadChanges(status=LeadStatus.CONTACTED, details={"phone": "+12025550001"}), by=boss)
    assert team.get(second, by=boss).lead.status == LeadStatus.NEW
    team.update(second, LeadChanges(status=LeadStatus.CONTACTED, details={"service": "freight"}), by=boss)
    lead = team.get(second, by=boss).lead
    assert (lead.status, lead.service, lead.version) == (LeadStatus.CONTACTED, "freight", 2)
