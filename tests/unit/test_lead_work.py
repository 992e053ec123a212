"""Working leads through the use cases: who may see and change what, and nothing lost."""

from __future__ import annotations

import pytest

from leadsmanager.application.leads import AddNote, AssignLead, ChangeStatus, GetLead, ListLeads
from leadsmanager.application.queries import LeadQuery
from leadsmanager.domain.actor import Actor
from leadsmanager.domain.errors import Conflict, NotFound, PermissionDenied, ValidationError
from leadsmanager.domain.pipeline import DEFAULT
from leadsmanager.domain.roles import Role
from leadsmanager.domain.status import LeadStatus
from leadsmanager.domain.user import User
from tests.conftest import UowFactory, ViewsFactory
from tests.support import FakeClock, make_user, submit


class Team:
    def __init__(self, uow: UowFactory, views: ViewsFactory, clock: FakeClock) -> None:
        self.admin = make_user(uow, Role.ADMIN, "Ada Admin")
        self.manager = make_user(uow, Role.MANAGER, "Max Manager")
        self.rep = make_user(uow, Role.EMPLOYEE, "Rita Rep")
        self.other_rep = make_user(uow, Role.EMPLOYEE, "Oscar Other")
        self.change_status = ChangeStatus(uow, clock)
        self.assign = AssignLead(uow, clock)
        self.add_note = AddNote(uow, clock)
        self.get = GetLead(views)
        self.list = ListLeads(views, lambda: DEFAULT)


@pytest.fixture
def team(memory_uow: UowFactory, memory_views: ViewsFactory, clock: FakeClock) -> Team:
    return Team(memory_uow, memory_views, clock)


def me(user: User) -> Actor:
    return user.as_actor()


def test_a_manager_assigns_and_the_rep_works_the_lead(team: Team, memory_uow: UowFactory, clock: FakeClock) -> None:
    lead_id = submit(memory_uow, clock)
    team.assign(lead_id, team.rep.id, by=me(team.manager))
    team.change_status(lead_id, LeadStatus.CONTACTED, by=me(team.rep))
    team.add_note(lead_id, "  Left a voicemail  ", by=me(team.rep))
    view = team.get(lead_id, by=me(team.rep))
    assert view.lead.status == LeadStatus.CONTACTED and view.lead.assignee_id == team.rep.id
    assert [(e.field, e.old, e.new, e.actor_id) for e in view.lead.history] == [
        ("status", None, "new", None),
        ("assignee", None, str(team.rep.id), team.manager.id),
        ("status", "new", "contacted", team.rep.id),
        ("note", None, "Left a voicemail", team.rep.id),
    ]
    assert view.people == {team.rep.id: "Rita Rep", team.manager.id: "Max Manager"}
    without_names = team.get(lead_id, by=me(team.rep), with_names=False)  # the API shows ids only
    assert (without_names.lead.history, without_names.people) == (view.lead.history, {})


def test_another_reps_lead_does_not_exist_for_an_employee(team: Team, memory_uow: UowFactory, clock: FakeClock) -> None:
    lead_id = submit(memory_uow, clock)
    team.assign(lead_id, team.other_rep.id, by=me(team.manager))
    for attempt in (
        lambda: team.get(lead_id, by=me(team.rep)),
        lambda: team.change_status(lead_id, LeadStatus.CONTACTED, by=me(team.rep)),
        lambda: team.add_note(lead_id, "hi", by=me(team.rep)),
    ):
        with pytest.raises(NotFound):
            attempt()
    assert team.get(lead_id, by=me(team.other_rep)).lead.status == LeadStatus.NEW


def test_unassigned_leads_are_invisible_to_employees(team: Team, memory_uow: UowFactory, clock: FakeClock) -> None:
    lead_id = submit(memory_uow, clock)
    with pytest.raises(NotFound):
        team.get(lead_id, by=me(team.rep))
    assert team.list(LeadQuery(), by=me(team.rep)).leads == []
    assert team.list(LeadQuery(unassigned=True), by=me(team.rep)).leads == []


def test_employees_list_only_their_own_whatever_they_ask(team: Team, memory_uow: UowFactory, clock: FakeClock) -> None:
    mine, theirs, nobodys = (submit(memory_uow, clock, n) for n in (1, 2, 3))
    team.assign(mine, team.rep.id, by=me(team.admin))
    team.assign(theirs, team.other_rep.id, by=me(team.admin))
    assert [x.id for x in team.list(LeadQuery(), by=me(team.rep)).leads] == [mine]
    assert team.list(LeadQuery(assignee_id=team.other_rep.id), by=me(team.rep)).leads == []
    assert [x.id for x in team.list(LeadQuery(), by=me(team.manager)).leads] == [nobodys, theirs, mine]


def test_only_managers_and_admins_assign(team: Team, memory_uow: UowFactory, clock: FakeClock) -> None:
    lead_id = submit(memory_uow, clock)
    team.assign(lead_id, team.rep.id, by=me(team.admin))
    with pytest.raises(PermissionDenied):
        team.assign(lead_id, team.other_rep.id, by=me(team.rep))
    assert team.get(lead_id, by=me(team.admin)).lead.assignee_id == team.rep.id


def test_leads_go_only_to_active_users(team: Team, memory_uow: UowFactory, clock: FakeClock) -> None:
    gone = make_user(memory_uow, Role.EMPLOYEE, "Gone Rep", active=False)
    lead_id = submit(memory_uow, clock)
    with pytest.raises(ValidationError):
        team.assign(lead_id, gone.id, by=me(team.manager))
    with pytest.raises(ValidationError):
        team.assign(lead_id, 12345, by=me(team.manager))


def test_a_stale_form_is_refused_and_the_newer_change_kept(
    team: Team, memory_uow: UowFactory, clock: FakeClock
) -> None:
    lead_id = submit(memory_uow, clock)
    seen_version = team.get(lead_id, by=me(team.manager)).lead.version
    team.change_status(lead_id, LeadStatus.CONTACTED, by=me(team.admin), expected_version=seen_version)
    with pytest.raises(Conflict, match="changed by someone else"):
        team.change_status(lead_id, LeadStatus.LOST, by=me(team.manager), expected_version=seen_version)
    assert team.get(lead_id, by=me(team.admin)).lead.status == LeadStatus.CONTACTED


def test_reopening_is_refused_while_the_contact_has_another_open_lead(
    team: Team, memory_uow: UowFactory, clock: FakeClock
) -> None:
    first = submit(memory_uow, clock, 1)
    team.change_status(first, LeadStatus.LOST, by=me(team.manager))
    second = submit(memory_uow, clock, 1)
    with pytest.raises(Conflict, match=f"open lead {second}"):
        team.change_status(first, LeadStatus.CONTACTED, by=me(team.manager))
    team.change_status(second, LeadStatus.SPAM, by=me(team.manager))
    team.change_status(first, LeadStatus.CONTACTED, by=me(team.manager))
    assert team.get(first, by=me(team.admin)).lead.status == LeadStatus.CONTACTED


def test_an_empty_note_is_refused(team: Team, memory_uow: UowFactory, clock: FakeClock) -> None:
    lead_id = submit(memory_uow, clock)
    with pytest.raises(ValidationError):
        team.add_note(lead_id, "   ", by=me(team.admin))
    assert [e.field for e in team.get(lead_id, by=me(team.admin)).lead.history] == ["status"]


def test_a_page_size_out_of_range_is_refused(team: Team) -> None:
    for limit in (0, 201):
        with pytest.raises(ValidationError):
            team.list(LeadQuery(limit=limit), by=me(team.admin))


def test_a_note_is_stored_without_terminal_escapes_and_keeps_its_lines(
    team: Team, memory_uow: UowFactory, clock: FakeClock
) -> None:
    lead_id = submit(memory_uow, clock)
    team.assign(lead_id, team.rep.id, by=me(team.manager))
    clear_screen, copy_to_clipboard, bell = "\x1b[2J", "\x1b]52;c;cm0gLXJmIH4=\x07", "\x07"
    typed = f"{clear_screen}Called back{bell}\r\nstatus: won{copy_to_clipboard}\n"
    team.add_note(lead_id, typed, by=me(team.rep))
    [note] = [e.new for e in team.get(lead_id, by=me(team.admin)).lead.history if e.field == "note"]
    assert note == "[2JCalled back\nstatus: won ]52;c;cm0gLXJmIH4="
    assert note is not None and all(c.isprintable() or c == "\n" for c in note)
