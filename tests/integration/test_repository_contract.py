"""One contract for lead and user storage, held by the in-memory fake, SQLite and MariaDB alike."""

from __future__ import annotations

import itertools
import random
from datetime import timedelta

import attrs
import pytest
from attrs import evolve

from leadsmanager.adapters.memory.store import MemoryStore
from leadsmanager.adapters.memory.unit_of_work import MemoryUnitOfWork
from leadsmanager.adapters.memory.views import MemoryLeadViews
from leadsmanager.adapters.sql.views.search_memory import SearchMemory
from leadsmanager.application.ports import UnitOfWork
from leadsmanager.application.queries import LeadQuery
from leadsmanager.domain.actor import Actor
from leadsmanager.domain.errors import Conflict, TransientConflict
from leadsmanager.domain.events import LeadResubmitted
from leadsmanager.domain.lead import Channel, Lead
from leadsmanager.domain.roles import Role
from leadsmanager.domain.search import lead_terms, query_terms
from leadsmanager.domain.status import LeadStatus
from tests.conftest import PlannedViews, UowFactory, ViewsFactory, interleaving_writers
from tests.support import START, make_user, new_lead, store, submission

SYSTEM = Actor.system()


def test_a_stored_lead_reads_back_with_every_field_and_its_history(uow_factory: UowFactory) -> None:
    lead = new_lead(1, extras={"budget": "10k", "city": "Córdoba"}, utm={"utm_source": "google"})
    [lead_id] = store(uow_factory, lead)
    with uow_factory() as uow:
        loaded = uow.leads.get(lead_id, with_history=True)
    assert loaded is not None
    assert (loaded.contact_name, loaded.email, loaded.phone) == ("Person 1", "person1@example.com", "+12025550001")
    assert loaded.extras == {"budget": "10k", "city": "Córdoba"}
    assert loaded.utm == {"utm_source": "google"}
    assert loaded.created_at == START and loaded.created_at.tzinfo is not None
    assert loaded.version == 1
    assert [(e.field, e.new) for e in loaded.history] == [("status", "new")]


def test_a_lead_reads_back_the_same_by_id_by_list_and_by_search(
    uow_factory: UowFactory, views_factory: ViewsFactory, planned_views: PlannedViews
) -> None:
    # Every field holds a value no other field holds, so a column read into the wrong field shows.
    rep = make_user(uow_factory, Role.EMPLOYEE).id
    submitted = submission(
        7,
        channel=Channel.WORDPRESS,
        contact_name="Quentin Yarrowby-Ñúñez 🎉",
        company='"Quoted" \\ Back\\slash & Co',
        site="a.example",
        form_id="form-9",
        external_id="ext-77",
        message='Line one,\n\ttabbed "line" two: 10% off \\o/ \u2028 日本',
        extras={"budget": "10k", "note": 'say "hi" \\ café'},
        utm={"utm_source": "google"},
    )
    lead = Lead.from_submission(submitted, at=START + timedelta(microseconds=654321))
    lead.assign(rep, by=SYSTEM, at=START + timedelta(minutes=1))
    lead.change_status(LeadStatus.CONTACTED, by=SYSTEM, at=START + timedelta(minutes=2, microseconds=5))
    lead.first_response_at = START + timedelta(minutes=2, microseconds=5)
    lead.resubmissions = 2
    [lead_id] = store(uow_factory, lead)
    with uow_factory() as uow, views_factory() as views:
        by_id = uow.leads.get(lead_id)
        [listed] = views.list(LeadQuery(assignee_id=rep)).leads
        [found] = views.list(LeadQuery(search="yarrowby")).leads
    probing = planned_views(SearchMemory(common=1))  # every group common: the plan that probes each lead
    with probing() as views:
        [probed] = views.list(LeadQuery(search="yarrowby")).leads
    skipped = {"history", "events"}
    for loaded in (by_id, listed, found, probed):
        assert loaded is not None
        assert attrs.asdict(loaded, filter=lambda a, _: a.name not in skipped) == attrs.asdict(
            lead, filter=lambda a, _: a.name not in skipped
        )


def test_a_lead_read_again_in_one_transaction_keeps_its_history(uow_factory: UowFactory) -> None:
    """As the SQL adapter reads rows: each read is a lead of its own, with its history only when asked."""
    [lead_id] = store(uow_factory, new_lead(1))
    change(uow_factory, lead_id, LeadStatus.CONTACTED)
    kept = [("status", "new"), ("status", "contacted")]
    with uow_factory() as uow:
        plain = uow.leads.get(lead_id)
        full = uow.leads.get(lead_id, with_history=True)
        again = uow.leads.get(lead_id)
        assert plain is not None and full is not None and again is not None
        assert (plain.history, again.history) == ([], [])
        assert [(e.field, e.new) for e in full.history] == kept
        assert plain is not full and again is not full


def test_nothing_is_kept_without_commit(uow_factory: UowFactory, views_factory: ViewsFactory) -> None:
    with uow_factory() as uow:
        uow.leads.add(new_lead(1))
    with views_factory() as views:
        assert views.list(LeadQuery()).leads == []


def test_saving_appends_history_and_moves_the_version(uow_factory: UowFactory) -> None:
    [lead_id] = store(uow_factory, new_lead(1))
    with uow_factory() as uow:
        lead = uow.leads.get(lead_id)
        assert lead is not None
        lead.change_status(LeadStatus.CONTACTED, by=SYSTEM, at=START + timedelta(hours=1))
        lead.add_note("called, will send a quote", by=SYSTEM, at=START + timedelta(hours=2))
        uow.leads.save(lead)
        uow.commit()
    with uow_factory() as uow:
        loaded = uow.leads.get(lead_id, with_history=True)
    assert loaded is not None and loaded.version == 2 and loaded.status == LeadStatus.CONTACTED
    assert [(e.field, e.old, e.new) for e in loaded.history] == [
        ("status", None, "new"),
        ("status", "new", "contacted"),
        ("note", None, "called, will send a quote"),
    ]


def test_a_stale_copy_cannot_overwrite_a_newer_change(uow_factory: UowFactory, request: pytest.FixtureRequest) -> None:
    [lead_id] = store(uow_factory, new_lead(1))
    if request.node.callspec.params["uow_factory"] == "sqlite":
        # SQLite's writes begin IMMEDIATE: a second one opened by this same thread would wait for the
        # first. Their copy is read beforehand, and saved in a transaction of its own.
        with uow_factory() as second:
            stale = second.leads.get(lead_id)
        change(uow_factory, lead_id, LeadStatus.CONTACTED)
        assert stale is not None
        stale.change_status(LeadStatus.LOST, by=SYSTEM, at=START)
        with pytest.raises(Conflict), uow_factory() as second:
            second.leads.save(stale)
            second.commit()
        with uow_factory() as uow:
            final = uow.leads.get(lead_id, with_history=True)
        assert final is not None and final.status == LeadStatus.CONTACTED
        assert [e.new for e in final.history] == ["new", "contacted"]
        return
    with uow_factory() as first, uow_factory() as second:
        mine, theirs = first.leads.get(lead_id), second.leads.get(lead_id)
        assert mine is not None and theirs is not None
        mine.change_status(LeadStatus.CONTACTED, by=SYSTEM, at=START)
        first.leads.save(mine)
        first.commit()
        theirs.change_status(LeadStatus.LOST, by=SYSTEM, at=START)
        with pytest.raises(Conflict):
            second.leads.save(theirs)
            second.commit()
    with uow_factory() as uow:
        final = uow.leads.get(lead_id, with_history=True)
    assert final is not None and final.status == LeadStatus.CONTACTED
    assert [e.new for e in final.history] == ["new", "contacted"]


def test_one_open_lead_per_email_or_phone(uow_factory: UowFactory) -> None:
    store(uow_factory, new_lead(1))
    for clash in (new_lead(2, email="person1@example.com"), new_lead(3, phone="+12025550001")):
        with pytest.raises(Conflict), uow_factory() as uow:
            uow.leads.add(clash)
            uow.commit()


def close(uow_factory: UowFactory, lead_id: int) -> None:
    with uow_factory() as uow:
        lead = uow.leads.get(lead_id)
        assert lead is not None
        lead.change_status(LeadStatus.LOST, by=SYSTEM, at=START)
        uow.leads.save(lead)
        uow.commit()


def test_a_closed_lead_frees_its_contact_for_a_new_one(uow_factory: UowFactory) -> None:
    [lead_id] = store(uow_factory, new_lead(1))
    close(uow_factory, lead_id)
    with uow_factory() as uow:
        assert uow.leads.find_open_by_contacts(["person1@example.com"], []) == []
    [second] = store(uow_factory, new_lead(1))
    with uow_factory() as uow:
        found = uow.leads.find_open_by_contacts([], ["+12025550001"])
    assert [x.id for x in found] == [second]


def test_a_lone_new_lead_is_refused_for_the_open_lead_with_its_email_then_its_phone(uow_factory: UowFactory) -> None:
    first, second = store(uow_factory, new_lead(1), new_lead(2))
    with uow_factory() as uow:
        by_email = uow.leads.store([new_lead(5, email="person1@example.com", phone="+12025550002")])
        by_phone = uow.leads.store([new_lead(6, email="nobody@example.com", phone="+12025550002")])
        nobody = uow.leads.store([new_lead(7, email="nobody@example.com", phone=None)])
    assert (by_email and by_email.id, by_phone and by_phone.id, nobody) == (first, second, None)


def test_storing_a_lone_lead_stores_a_new_contact_and_hands_back_an_open_one(
    uow_factory: UowFactory, views_factory: ViewsFactory
) -> None:
    first, closed = store(uow_factory, new_lead(1), new_lead(2))
    close(uow_factory, closed)
    again_by_email, again_by_phone = new_lead(3, email="person1@example.com"), new_lead(4, phone="+12025550001")
    with uow_factory() as uow:
        found = [uow.leads.store([again]) for again in (again_by_email, again_by_phone)]
        assert [x and x.id for x in found] == [first, first]
        joined = found[0]
        assert joined is not None
        joined.record_resubmission(submission(1, message="again"), at=START)
        uow.leads.store([], [joined])  # the refused INSERT left the unit of work usable
        anew = new_lead(5, email="person2@example.com", phone="+12025550002")  # the closed lead's contact
        assert uow.leads.store([anew]) is None
        uow.commit()
    with uow_factory() as uow, views_factory() as views:
        assert [x.id for x in views.list(LeadQuery()).leads] == [anew.id, closed, first]
        stored = uow.leads.get(first, with_history=True)
        assert stored is not None and (stored.resubmissions, len(stored.history)) == (1, 2)


def test_an_external_id_is_stored_once_per_source(uow_factory: UowFactory) -> None:
    store(uow_factory, new_lead(1, channel=Channel.WORDPRESS, external_id="site/7/100"))
    store(uow_factory, new_lead(2, channel=Channel.API, external_id="site/7/100"))
    with pytest.raises(Conflict), uow_factory() as uow:
        uow.leads.add(new_lead(3, channel=Channel.WORDPRESS, external_id="site/7/100"))
        uow.commit()
    with uow_factory() as uow:
        found = by_external_id(uow, Channel.WORDPRESS, "site/7/100")
    assert found is not None and found.contact_name == "Person 1"


def by_external_id(uow: UnitOfWork, source: Channel, external_id: str) -> Lead | None:
    found = uow.leads.find_by_external_ids(source, [external_id])
    return uow.leads.get(found[external_id]) if found else None


def test_the_external_id_of_a_submission_that_joined_a_lead_finds_that_lead(uow_factory: UowFactory) -> None:
    stored_id, other = store(uow_factory, new_lead(1), new_lead(2))
    joining = submission(1, channel=Channel.WORDPRESS, external_id="shop/contact/9")
    later = START + timedelta(minutes=1)
    with uow_factory() as uow:
        lead = uow.leads.get(stored_id)
        assert lead is not None
        lead.record_resubmission(joining, at=later)
        uow.leads.store([], [lead])
        fresh = new_lead(3)  # a lead created and joined in one page
        fresh.record_resubmission(submission(3, channel=Channel.API, external_id="push-1"), at=later)
        uow.leads.store([fresh])
        uow.commit()
    with uow_factory() as uow:
        found = by_external_id(uow, Channel.WORDPRESS, "shop/contact/9")
        many = uow.leads.find_by_external_ids(Channel.WORDPRESS, ["shop/contact/9", "shop/contact/10"])
        pushed = uow.leads.find_by_external_ids(Channel.API, ["push-1"])
        elsewhere = uow.leads.find_by_external_ids(Channel.API, ["shop/contact/9"])
    assert found is not None and found.id == stored_id
    assert many == {"shop/contact/9": stored_id}
    assert pushed == {"push-1": fresh.id}
    assert elsewhere == {}  # per source, as a lead's own external id
    with pytest.raises(TransientConflict), uow_factory() as uow:  # the same delivery, joining at once
        again = uow.leads.get(other)
        assert again is not None
        again.record_resubmission(joining, at=later)
        uow.leads.store([], [again])
        uow.commit()
    with uow_factory() as uow:
        untouched = uow.leads.get(other, with_history=True)
    assert untouched is not None and (untouched.resubmissions, len(untouched.history)) == (0, 1)


def test_many_new_leads_are_stored_in_order_as_each_would_be_alone(
    uow_factory: UowFactory, views_factory: ViewsFactory
) -> None:
    [before] = store(uow_factory, new_lead(9))
    many = [new_lead(1), new_lead(2, phone=None), new_lead(3, email=None, company="Zyxcorp")]
    many[1].record_resubmission(submission(2, message="me again"), at=START + timedelta(minutes=1))
    with uow_factory() as uow:
        uow.leads.store(many)
        uow.commit()
    ids = [lead.id or 0 for lead in many]
    assert before < ids[0] < ids[1] < ids[2]
    assert [lead.version for lead in many] == [1, 1, 1]
    with uow_factory() as uow, views_factory() as views:
        stored = [uow.leads.get(i, with_history=True) for i in ids]
        searched = views.list(LeadQuery(search="zyxcorp")).leads
    assert [x and (x.contact_name, x.email, x.phone, x.version) for x in stored] == [
        ("Person 1", "person1@example.com", "+12025550001", 1),
        ("Person 2", "person2@example.com", None, 1),
        ("Person 3", None, "+12025550003", 1),
    ]
    second = stored[1]
    assert second is not None
    assert [(e.field, e.old) for e in second.history] == [("status", None), ("resubmission", None)]
    assert [e.id for e in second.history] == [e.id for e in many[1].history]  # the ids were handed back
    assert all(e.id is not None for e in second.history)
    assert [x.id for x in searched] == [ids[2]]


def test_many_stored_leads_take_resubmissions_as_each_would_alone(uow_factory: UowFactory) -> None:
    first, second, untouched = store(uow_factory, new_lead(1), new_lead(2), new_lead(3))
    later = START + timedelta(minutes=5)
    with uow_factory() as uow:
        joined = [uow.leads.get(first), uow.leads.get(second)]
        assert joined[0] is not None and joined[1] is not None
        joined[0].record_resubmission(submission(1, message="me again"), at=later)
        joined[1].record_resubmission(submission(2), at=later + timedelta(seconds=1))
        joined[1].record_resubmission(submission(2, company="Other"), at=later + timedelta(seconds=2))
        uow.leads.store([], [joined[1], joined[0]])
        uow.commit()
    with uow_factory() as uow:
        read = [uow.leads.get(i, with_history=True) for i in (first, second, untouched)]
        events = [(e.lead_id, e.event) for e in uow.outbox.pending(20) if isinstance(e.event, LeadResubmitted)]
    assert [x and (x.resubmissions, x.updated_at, x.version) for x in read] == [
        (1, later, 2),  # a re-submission is a change: a save from a read before it is refused
        (2, later + timedelta(seconds=2), 2),
        (0, START, 1),
    ]
    assert [x and x.version for x in joined] == [2, 2]
    assert [x and [(e.field, e.at) for e in x.history] for x in read[:2]] == [
        [("status", START), ("resubmission", later)],
        [
            ("status", START),
            ("resubmission", later + timedelta(seconds=1)),
            ("resubmission", later + timedelta(seconds=2)),
        ],
    ]
    assert read[0] is not None and read[1] is not None
    assert read[0].score == joined[0].score and read[1].score == joined[1].score
    assert [e.id for e in read[1].history[1:]] == [e.id for e in joined[1].history]  # the ids were handed back
    assert [(lead_id, type(event)) for lead_id, event in events] == [
        (second, LeadResubmitted),
        (second, LeadResubmitted),
        (first, LeadResubmitted),
    ]


def test_resubmissions_joining_a_lead_changed_since_it_was_read_are_refused(
    uow_factory: UowFactory, request: pytest.FixtureRequest
) -> None:
    interleaving_writers(request)
    first, second = store(uow_factory, new_lead(1), new_lead(2))
    with uow_factory() as late:
        stale = [lead for i in (first, second) if (lead := late.leads.get(i)) is not None]
        with uow_factory() as early:  # another page joins the second lead first
            fresh = early.leads.get(second)
            assert fresh is not None
            fresh.record_resubmission(submission(2, message="first"), at=START + timedelta(minutes=1))
            early.leads.store([], [fresh])
            early.commit()
        assert len(stale) == 2
        for lead in stale:
            lead.record_resubmission(submission(3, message="second"), at=START + timedelta(minutes=2))
        with pytest.raises(TransientConflict):
            late.leads.store([], stale)
            late.commit()
    with uow_factory() as uow:
        read = [uow.leads.get(i, with_history=True) for i in (first, second)]
    assert [x and (x.resubmissions, len(x.history), x.version) for x in read] == [(0, 1, 1), (1, 2, 2)]


def test_many_new_leads_are_refused_together_when_one_clashes(uow_factory: UowFactory) -> None:
    store(uow_factory, new_lead(1))
    with pytest.raises(Conflict), uow_factory() as uow:
        uow.leads.store([new_lead(2), new_lead(3, email="person1@example.com")])
        uow.commit()
    with uow_factory() as uow:
        assert uow.leads.find_open_by_contacts(["person2@example.com"], []) == []


def test_many_external_ids_and_contacts_are_looked_up_at_once(uow_factory: UowFactory) -> None:
    one, two, _, closed = store(
        uow_factory,
        new_lead(1, channel=Channel.WORDPRESS, external_id="shop/contact/1"),
        new_lead(2, channel=Channel.WORDPRESS, external_id="shop/contact/2"),
        new_lead(3, channel=Channel.API, external_id="shop/contact/3"),
        new_lead(4),
    )
    with uow_factory() as uow:
        lost = uow.leads.get(closed)
        assert lost is not None
        lost.change_status(LeadStatus.LOST, by=SYSTEM, at=START)
        uow.leads.save(lost)
        uow.commit()
    with uow_factory() as uow:
        wanted = ["shop/contact/1", "shop/contact/2", "shop/contact/3"]
        known = uow.leads.find_by_external_ids(Channel.WORDPRESS, wanted)
        emails = ["person1@example.com", "person4@example.com", "nobody@example.com"]
        found = uow.leads.find_open_by_contacts(emails, ["+12025550002", "+12025550004"])
        none = uow.leads.find_open_by_contacts([], [])
    assert known == {"shop/contact/1": one, "shop/contact/2": two}
    assert sorted(x.id or 0 for x in found) == [one, two]  # the closed lead's contact is free
    assert none == []


def _ids(views_factory: ViewsFactory, query: LeadQuery) -> list[int]:
    with views_factory() as views:
        return [lead.id for lead in views.list(query).leads if lead.id is not None]


def test_list_is_newest_first_and_pages_without_gaps_or_repeats(
    uow_factory: UowFactory, views_factory: ViewsFactory
) -> None:
    # Two leads share a timestamp, so the id must break the tie.
    moments = [START + timedelta(minutes=m) for m in (0, 1, 1, 2, 3, 5, 8)]
    ids = store(uow_factory, *(new_lead(n, at=at) for n, at in enumerate(moments)))
    expected = sorted(ids, key=lambda i: (moments[ids.index(i)], i), reverse=True)
    seen, cursor = [], None
    while True:
        with views_factory() as views:
            page = views.list(LeadQuery(limit=3, after=cursor))
        seen += [lead.id for lead in page.leads]
        if page.next_cursor is None:
            break
        cursor = page.next_cursor
    assert seen == expected


def test_list_filters_combine(uow_factory: UowFactory, views_factory: ViewsFactory) -> None:
    owner = make_user(uow_factory, Role.EMPLOYEE)
    leads = [
        new_lead(1, at=START, service="audit", site="shop.example", form_id="7"),
        new_lead(2, at=START + timedelta(days=10), channel=Channel.API, service="audit"),
        new_lead(3, at=START + timedelta(days=20), channel=Channel.WORDPRESS, site="shop.example", form_id="7"),
        new_lead(4, at=START + timedelta(days=30)),
    ]
    leads[1].assign(owner.id, by=SYSTEM, at=START)
    leads[2].change_status(LeadStatus.CONTACTED, by=SYSTEM, at=START)
    one, two, three, four = store(uow_factory, *leads)
    assert _ids(views_factory, LeadQuery(statuses=(LeadStatus.NEW,))) == [four, two, one]
    assert _ids(views_factory, LeadQuery(statuses=(LeadStatus.NEW, LeadStatus.CONTACTED))) == [four, three, two, one]
    assert _ids(views_factory, LeadQuery(assignee_id=owner.id)) == [two]
    assert _ids(views_factory, LeadQuery(unassigned=True)) == [four, three, one]
    assert _ids(views_factory, LeadQuery(source=Channel.WORDPRESS)) == [three]
    assert _ids(views_factory, LeadQuery(site="shop.example", form_id="7")) == [three, one]
    assert _ids(views_factory, LeadQuery(service="audit", source=Channel.API)) == [two]
    window = LeadQuery(created_from=START + timedelta(days=10), created_to=START + timedelta(days=30))
    assert _ids(views_factory, window) == [three, two]


def test_a_list_can_leave_out_suspected_spam(uow_factory: UowFactory, views_factory: ViewsFactory) -> None:
    leads = [new_lead(n, at=START + timedelta(days=n), contact_name=f"Paz {n}") for n in (1, 2, 3)]
    leads[1].mark_spam("honeypot filled", at=START)
    one, _spam, three = store(uow_factory, *leads)
    assert _ids(views_factory, LeadQuery(hide_spam=True)) == [three, one]
    assert sorted(_ids(views_factory, LeadQuery(hide_spam=True, by_score=True, search="paz"))) == [one, three]
    assert len(_ids(views_factory, LeadQuery())) == 3


@pytest.mark.parametrize(
    ("search", "found"),
    [
        ("garcia", [2]),
        ("GARCÍA", [2]),
        ("gar", [2, 1]),
        ("ana gar", [2]),
        ("acme", [1]),
        ("perez@", [1]),
        ("mail.example", [2]),
        ("+1 202 555 0144", [2]),
        ("5550143", [1]),
        ("nobody", []),
    ],
)
def test_search_finds_name_company_email_and_phone_fragments(
    uow_factory: UowFactory, views_factory: ViewsFactory, search: str, found: list[int]
) -> None:
    leads = store(
        uow_factory,
        new_lead(1, contact_name="Juan Garfield", company="ACME Corp", email="j.perez@acme.test", phone="+12025550143"),
        new_lead(
            2,
            contact_name="Ana García",
            company="Tienda",
            email="ana@mail.example.com",
            phone="+12025550144",
            at=START + timedelta(minutes=1),
        ),
    )
    assert _ids(views_factory, LeadQuery(search=search)) == [leads[n - 1] for n in found]


def test_users_store_and_read_back(uow_factory: UowFactory) -> None:
    admin = make_user(uow_factory, Role.ADMIN, "Ada Admin")
    rep = make_user(uow_factory, Role.EMPLOYEE, "Rafa Rep", active=False)
    with uow_factory() as uow:
        assert [u.email for u in uow.users.list()] == ["ada.admin@staff.example.com", "rafa.rep@staff.example.com"]
        loaded = uow.users.get_by_email("rafa.rep@staff.example.com")
        assert loaded is not None and loaded.active is False and loaded.role is Role.EMPLOYEE
        loaded.change_role(Role.MANAGER)
        uow.users.save(loaded)
        uow.commit()
    with uow_factory() as uow:
        assert admin.id is not None and rep.id is not None
        assert uow.users.names({admin.id, rep.id}) == {admin.id: "Ada Admin", rep.id: "Rafa Rep"}
        reloaded = uow.users.get(rep.id)
    assert reloaded is not None and reloaded.role is Role.MANAGER and reloaded.session_version == 1


def test_a_user_email_is_unique(uow_factory: UowFactory) -> None:
    make_user(uow_factory, Role.ADMIN, "Ada Admin")
    with pytest.raises(Conflict):
        make_user(uow_factory, Role.EMPLOYEE, "Ada Admin")


def test_a_resubmission_during_an_edit_loses_neither(uow_factory: UowFactory, request: pytest.FixtureRequest) -> None:
    """The edit read before the re-submission is refused, not saved over its count; a retry lands it."""
    interleaving_writers(request)
    [lead_id] = store(uow_factory, new_lead(1))

    def edit() -> None:
        with uow_factory() as editor:
            edited = editor.leads.get(lead_id)
            assert edited is not None
            if edited.status == LeadStatus.NEW:
                edited.change_status(LeadStatus.CONTACTED, by=SYSTEM, at=START + timedelta(minutes=1))
            if not appended:
                with uow_factory() as intake:
                    joined = intake.leads.get(lead_id)
                    assert joined is not None
                    joined.record_resubmission(submission(1), at=START + timedelta(minutes=2))
                    intake.leads.store([], [joined])
                    intake.commit()
                appended.append(True)
            editor.leads.save(edited)
            editor.commit()

    appended: list[bool] = []
    with pytest.raises(Conflict):
        edit()
    edit()
    with uow_factory() as uow:
        final = uow.leads.get(lead_id, with_history=True)
    assert final is not None and final.status == LeadStatus.CONTACTED and final.version == 3
    assert final.resubmissions == 1
    assert sorted(e.field for e in final.history) == ["resubmission", "status", "status"]


def test_oldest_first_pages_cover_everything_in_order(uow_factory: UowFactory, views_factory: ViewsFactory) -> None:
    moments = [START + timedelta(minutes=m) for m in (5, 1, 1, 3, 0)]
    ids = store(uow_factory, *(new_lead(n, at=at) for n, at in enumerate(moments)))
    expected = sorted(ids, key=lambda i: (moments[ids.index(i)], i))
    seen, cursor = [], None
    while True:
        with views_factory() as views:
            page = views.list(LeadQuery(limit=2, after=cursor, oldest_first=True))
        seen += [lead.id for lead in page.leads]
        if (cursor := page.next_cursor) is None:
            break
    assert seen == expected


def test_counts_by_status_overall_and_per_assignee(uow_factory: UowFactory, views_factory: ViewsFactory) -> None:
    rep = make_user(uow_factory, Role.EMPLOYEE)
    leads = [new_lead(n) for n in range(4)]
    leads[0].change_status(LeadStatus.CONTACTED, by=SYSTEM, at=START)
    leads[1].assign(rep.id, by=SYSTEM, at=START)
    leads[2].assign(rep.id, by=SYSTEM, at=START)
    leads[2].change_status(LeadStatus.LOST, by=SYSTEM, at=START)
    store(uow_factory, *leads)
    with views_factory() as views:
        assert views.count_by_status() == {LeadStatus.NEW: 2, LeadStatus.CONTACTED: 1, LeadStatus.LOST: 1}
        assert views.count_by_status(rep.id) == {LeadStatus.NEW: 1, LeadStatus.LOST: 1}


def test_stats_count_by_status_source_and_assignee_within_a_period(
    uow_factory: UowFactory, views_factory: ViewsFactory
) -> None:
    from leadsmanager.application.queries import StatsQuery

    rep = make_user(uow_factory, Role.EMPLOYEE)
    leads = [
        new_lead(1, at=START, channel=Channel.API),
        new_lead(2, at=START + timedelta(days=1)),
        new_lead(3, at=START + timedelta(days=2), channel=Channel.WORDPRESS),
        new_lead(4, at=START + timedelta(days=40)),
    ]
    leads[1].assign(rep.id, by=SYSTEM, at=START)
    leads[2].change_status(LeadStatus.LOST, by=SYSTEM, at=START)
    store(uow_factory, *leads)
    with views_factory() as views:
        month = views.stats(StatsQuery(created_from=START, created_to=START + timedelta(days=30)))
        mine = views.stats(StatsQuery(assignee_id=rep.id))
        empty = views.stats(StatsQuery(created_from=START - timedelta(days=9), created_to=START))
    assert month.by_status == {"new": 2, "lost": 1} and month.total == 3
    assert month.by_source == {"api": 1, "web_form": 1, "wordpress": 1}
    assert month.by_assignee == {None: 2, rep.id: 1}
    assert (mine.total, mine.by_source) == (1, {"web_form": 1})
    assert (empty.total, empty.by_status) == (0, {})


@pytest.mark.parametrize("ident", [0, -1, 2**63, 10**30])
def test_ids_no_column_can_hold_name_nothing(uow_factory: UowFactory, ident: int) -> None:
    with uow_factory() as uow:
        assert uow.leads.get(ident) is None
        assert uow.users.get(ident) is None


# The SQL adapter plans a search by how common each query group is (adapters/sql/views/search_pages.py):
# from the rarest group's sorted rows, or by probing the newest leads when every group is common.
# With the threshold lowered to SEARCH_CAP term rows, a dozen leads exercise both plans.
SEARCH_CAP = 4
SEARCH_PEOPLE = [  # name, email, minutes after START (ties on purpose), assigned to the rep, status
    ("Zoe Smith", "zoe.smith@gmail.com", 0, True, LeadStatus.NEW),
    ("Ann Smith", "ann.smith@gmail.com", 1, False, LeadStatus.NEW),
    ("Zoë Warstock", "zw@outlook.example", 1, True, LeadStatus.CONTACTED),
    ("Bob Smith", "bob@gmail.com", 2, True, LeadStatus.NEW),
    ("Warren Warstock", "ww@gmail.com", 3, False, LeadStatus.NEW),
    ("Cid Smith", "cid@yahoo.example", 3, True, LeadStatus.CONTACTED),
    ("Dee Smith", "dee@gmail.com", 3, True, LeadStatus.NEW),
    ("Eve Jones", "eve@gmail.com", 5, False, LeadStatus.LOST),
    ("Zoe Fay", "fay@mail.example", 8, False, LeadStatus.NEW),
]


def _search_leads(rep: int) -> list[Lead]:
    leads = []
    for n, (name, email, minutes, assigned, status) in enumerate(SEARCH_PEOPLE, start=1):
        lead = new_lead(n, at=START + timedelta(minutes=minutes), contact_name=name, email=email)
        if assigned:
            lead.assign(rep, by=SYSTEM, at=START)
        if status != LeadStatus.NEW:
            lead.change_status(status, by=SYSTEM, at=START)
        leads.append(lead)
    return leads


def _plan_kinds(search: str, leads: list[Lead]) -> list[str]:
    """For each query group: how the SQL plan sees it, from the lead_search rows it matches."""
    terms = [t for x in leads for t in lead_terms(x.contact_name, x.company, x.email, x.phone)]
    rows = [sum(any(t.startswith(a) for a in group) for t in terms) for group in query_terms(search)]
    return ["none" if n == 0 else "rare" if n < SEARCH_CAP else "common" for n in rows]


def _all_pages(views_factory: ViewsFactory, query: LeadQuery) -> list[int]:
    seen: list[int] = []
    for _ in SEARCH_PEOPLE:  # a page per lead at most, so that a cursor that stands still fails
        with views_factory() as views:
            page = views.list(query)
        seen += [lead.id for lead in page.leads if lead.id is not None]
        if page.next_cursor is None:
            return seen
        query = evolve(query, after=page.next_cursor)
    raise AssertionError(f"more pages than leads: {query}")


@pytest.mark.parametrize(
    ("search", "groups"),
    [
        ("zoe", ["rare"]),
        ("war", ["rare"]),  # both of Warren Warstock's names match: he must still appear once
        ("smith", ["common"]),
        ("smith gmail", ["common", "common"]),
        ("zoe smith", ["rare", "common"]),
        ("zoe war", ["rare", "rare"]),
        ("gmail war", ["common", "rare"]),
        ("+1 202 555", ["common"]),  # a phone group: digits or reversed digits
        ("0003", ["rare"]),
        ("zoe nobody", ["rare", "none"]),
    ],
)
def test_search_pages_agree_with_the_in_memory_fake_on_every_plan(
    uow_factory: UowFactory, planned_views: PlannedViews, search: str, groups: list[str]
) -> None:
    views_factory = planned_views(SearchMemory(common=SEARCH_CAP))
    rep = make_user(uow_factory, Role.EMPLOYEE).id
    assert rep is not None
    assert _plan_kinds(search, _search_leads(rep)) == groups, "the data no longer exercises this case's plan"
    ids = store(uow_factory, *_search_leads(rep))
    reference = MemoryStore()
    reference_ids = store(lambda: MemoryUnitOfWork(reference), *_search_leads(rep))
    filters = [
        LeadQuery(),
        LeadQuery(assignee_id=rep),
        LeadQuery(unassigned=True),
        LeadQuery(statuses=(LeadStatus.NEW,)),
        LeadQuery(assignee_id=rep, statuses=(LeadStatus.NEW, LeadStatus.CONTACTED)),
        LeadQuery(created_from=START + timedelta(minutes=1), created_to=START + timedelta(minutes=5)),
    ]
    for base, oldest_first in itertools.product(filters, (False, True)):
        query = evolve(base, search=search, limit=1, oldest_first=oldest_first)
        found = [ids.index(i) for i in _all_pages(views_factory, query)]
        expected = [reference_ids.index(i) for i in _all_pages(lambda: MemoryLeadViews(reference), query)]
        assert found == expected, query
    if search == "war":
        with views_factory() as views:
            assert [lead.contact_name for lead in views.list(LeadQuery(search=search)).leads] == [
                "Warren Warstock",
                "Zoë Warstock",
            ]


def test_a_search_lists_each_lead_once_however_many_of_its_terms_match(
    uow_factory: UowFactory, planned_views: PlannedViews
) -> None:
    # The SQL adapter reads a rare group's rows without DISTINCT, a lead once per matching term, and
    # sizes its fetch by what the group's last page needed; told one row a lead, it must fetch again.
    views_factory = planned_views(SearchMemory(rows_per_lead={("zed",): 1.0}))
    people = [
        new_lead(n, contact_name=f"Zed Zedd {n}", company="Zedco", email=f"zed{n}@zedmail.example") for n in range(1, 9)
    ]
    ids = store(uow_factory, *people)
    for limit in (1, 5, 7, 8, 50):
        with views_factory() as views:
            first = views.list(LeadQuery(search="zed", limit=limit))
        assert [lead.id for lead in first.leads] == ids[::-1][:limit]
        assert (first.next_cursor is None) == (limit >= len(ids))
        assert _all_pages(views_factory, LeadQuery(search="zed", limit=limit)) == ids[::-1]


def _random_query(rng: random.Random, rep: int) -> LeadQuery:
    assignee = rng.choice(["anyone", "rep", "someone else", "none"])
    return LeadQuery(
        statuses=rng.choice([(), (LeadStatus.NEW,), (LeadStatus.CONTACTED,), (LeadStatus.NEW, LeadStatus.CONTACTED)]),
        assignee_id={"rep": rep, "someone else": rep + 1000}.get(assignee),
        unassigned=assignee == "none",
        source=rng.choice([None, Channel.WEB_FORM, Channel.API]),
        service=rng.choice([None, "consulting", "audit"]),
        created_from=rng.choice([None, START + timedelta(minutes=1)]),
        created_to=rng.choice([None, START + timedelta(minutes=4)]),
        search=rng.choice(["", "", "zoe", "war", "smith", "zoe smith", "gmail war", "smith gmail", "nobody"]),
        limit=rng.choice([1, 2, 3]),
        oldest_first=rng.random() < 0.3,
        by_score=rng.random() < 0.2,
    )


def test_random_lists_one_after_another_agree_with_the_in_memory_fake(
    uow_factory: UowFactory, planned_views: PlannedViews
) -> None:
    """The SQL adapter builds a page's statement once for every query of the same shape (which filters,
    which order, a cursor or not) and binds each query's own values: pages of random queries, each right
    after others of the same shape with other values, match the in-memory fake's."""
    views_factory = planned_views(SearchMemory(common=SEARCH_CAP))
    rep = make_user(uow_factory, Role.EMPLOYEE).id
    assert rep is not None
    ids = store(uow_factory, *_search_leads(rep))
    reference = MemoryStore()
    reference_ids = store(lambda: MemoryUnitOfWork(reference), *_search_leads(rep))
    rng = random.Random(20251101)
    for _ in range(120):
        query = _random_query(rng, rep)
        found = [ids.index(i) for i in _all_pages(views_factory, query)]
        expected = [reference_ids.index(i) for i in _all_pages(lambda: MemoryLeadViews(reference), query)]
        assert found == expected, query


def test_a_search_finds_leads_added_after_the_same_search_ran(
    uow_factory: UowFactory, views_factory: ViewsFactory
) -> None:
    """The SQL adapter keeps how common a search group is for a while, to plan the next page: never
    at the cost of a lead, whether the group was seen before or matched nothing yet."""
    store(uow_factory, new_lead(1, contact_name="Ann Quimby"))

    def found(search: str) -> list[str]:
        with views_factory() as views:
            return sorted(x.contact_name for x in views.list(LeadQuery(search=search)).leads)

    assert (found("quimby"), found("yarrow")) == (["Ann Quimby"], [])
    store(uow_factory, new_lead(2, contact_name="Bob Quimby"), new_lead(3, contact_name="Cy Yarrow"))
    assert (found("quimby"), found("yarrow")) == (["Ann Quimby", "Bob Quimby"], ["Cy Yarrow"])
    assert found("quimby yarrow") == []


def change(uow_factory: UowFactory, lead_id: int, status: LeadStatus) -> None:
    with uow_factory() as uow:
        lead = uow.leads.get(lead_id)
        assert lead is not None
        lead.change_status(status, by=SYSTEM, at=START)
        uow.leads.save(lead)
        uow.commit()
