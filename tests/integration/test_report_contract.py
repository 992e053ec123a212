"""Report figures from a small team's March, computed by hand, on every storage (memory, SQLite, MariaDB).

lead  arrived (UTC)        source     site/form          service   owner    what happened
L1    Mar 2 10:00          web_form   a.example/quote    Solar     Rita     contacted at +10 min, proposal, won
L2    Mar 2 23:30          web_form   a.example/quote    Solar     Rita     note at +20 min 0.999999 s, lost
L3    Mar 3 08:00          api        -                  Roofing   Oscar    contacted at +3 h, qualified
L4    Mar 4 12:00          wordpress  b.example/contact  Solar     Oscar    nothing yet
L5    Mar 5 09:00          web_form   a.example/quote    -         nobody   spam at intake
L6    Mar 5 09:30          manual     -                  Roofing   Rita     entered by Max; Rita's note at +5 h
L7    Feb 27 12:00         web_form   a.example/quote    Solar     Rita     (before March)
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from leadsmanager.application.reports import Report, ReportQuery, Reports
from leadsmanager.domain.actor import Actor
from leadsmanager.domain.lead import Channel, Lead
from leadsmanager.domain.period import Period
from leadsmanager.domain.roles import Role
from leadsmanager.domain.status import LeadStatus
from leadsmanager.domain.user import User
from tests.conftest import UowFactory, ViewsFactory
from tests.support import FakeClock, make_user, submission

S = LeadStatus
UTC_ZONE, MADRID = ZoneInfo("UTC"), ZoneInfo("Europe/Madrid")
MARCH = Period(date(2026, 3, 1), date(2026, 3, 31), UTC_ZONE)
MIN, HOUR = timedelta(minutes=1), timedelta(hours=1)


class March:
    def __init__(self, uow: UowFactory) -> None:
        self.rita = make_user(uow, Role.EMPLOYEE, "Rita Rep")
        self.oscar = make_user(uow, Role.EMPLOYEE, "Oscar Other")
        self.max = make_user(uow, Role.MANAGER, "Max Manager")
        rita, oscar, boss = self.rita.as_actor(), self.oscar.as_actor(), self.max.as_actor()
        a_quote = {"site": "a.example", "form_id": "quote"}
        l1 = self.lead(1, at(2, 10), self.rita, service="Solar", **a_quote)
        self.work(l1, rita, at(2, 10) + 10 * MIN, S.CONTACTED, S.PROPOSAL, S.WON)
        l2 = self.lead(2, at(2, 23, 30), self.rita, service="Solar", **a_quote)
        l2.add_note("voicemail", by=rita, at=at(2, 23, 30) + 20 * MIN + timedelta(microseconds=999_999))
        self.work(l2, rita, at(3, 9), S.CONTACTED, S.LOST)
        l3 = self.lead(3, at(3, 8), self.oscar, channel=Channel.API, service="Roofing")
        self.work(l3, oscar, at(3, 11), S.CONTACTED, S.QUALIFIED)
        l4 = self.lead(4, at(4, 12), self.oscar, channel=Channel.WORDPRESS, service="Solar", site="b.example")
        l5 = self.lead(5, at(5, 9), None, service="", **a_quote)
        l5.mark_spam("filled in too fast", at=at(5, 9))
        l6 = Lead.from_submission(
            submission(6, channel=Channel.MANUAL, service="Roofing"), at=at(5, 9, 30), by=boss, assignee_id=self.rita.id
        )
        l6.add_note("sent the brochure", by=rita, at=at(5, 14, 30))
        l7 = self.lead(7, datetime(2026, 2, 27, 12, tzinfo=UTC), self.rita, service="Solar", **a_quote)
        with uow() as work:
            for lead in (l1, l2, l3, l4, l5, l6, l7):
                work.leads.add(lead)
            work.commit()

    @staticmethod
    def lead(n: int, arrived: datetime, owner: User | None, **fields: object) -> Lead:
        form_id = "contact" if fields.get("site") == "b.example" else fields.pop("form_id", "")
        sub = submission(n, **{"form_id": form_id, **fields})
        return Lead.from_submission(sub, at=arrived, assignee_id=owner.id if owner else None)

    @staticmethod
    def work(lead: Lead, by: Actor, first: datetime, *statuses: LeadStatus) -> None:
        for i, status in enumerate(statuses):
            lead.change_status(status, by=by, at=first + i * HOUR)


def at(day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(2026, 3, day, hour, minute, tzinfo=UTC)


@pytest.fixture
def march(uow_factory: UowFactory) -> March:
    return March(uow_factory)


def report(
    views: ViewsFactory,
    by: User,
    period: Period = MARCH,
    *,
    now: datetime | None = None,
    assignee_id: int | None = None,
    campaign: str | None = None,
) -> Report:
    clock = FakeClock(now or at(6, 12), step=timedelta(0))
    query = ReportQuery(period, assignee_id=assignee_id, campaign=campaign)
    return Reports(views, clock, follow_up=timedelta(hours=24))(query, by=by.as_actor())


def test_a_managers_month(views_factory: ViewsFactory, march: March) -> None:
    r = report(views_factory, march.max)
    assert r.total == 6
    assert r.by_status == {S.WON: 1, S.LOST: 1, S.QUALIFIED: 1, S.NEW: 2, S.SPAM: 1}
    assert [(s.source, s.leads, s.spam, s.won, s.conversion) for s in r.sources] == [
        ("web_form", 3, 1, 1, 0.5),
        ("api", 1, 0, 0, 0.0),
        ("manual", 1, 0, 0, 0.0),
        ("wordpress", 1, 0, 0, 0.0),
    ]
    assert r.sites == [("a.example", "quote", 3), ("", "", 2), ("b.example", "contact", 1)]
    assert r.services == [("Solar", 3), ("Roofing", 2), ("", 1)]
    # Spam stays out; a lead counts at every stage up to the furthest it reached, lost or not.
    assert [(f.stage, f.leads) for f in r.funnel] == [
        (S.NEW, 5),
        (S.CONTACTED, 3),
        (S.QUALIFIED, 2),
        (S.PROPOSAL, 1),
        (S.WON, 1),
    ]
    # Answered: 10 min, 20 min (the 0.999999 s does not count), 3 h, 5 h. Median: the 2nd; p90: the 4th.
    assert (r.response.answered, r.response.median, r.response.p90) == (4, 20 * MIN, 5 * HOUR)
    assert r.waiting == 1  # L4, unanswered since Mar 4 12:00, past 24 h on Mar 6 12:00


def test_each_reps_figures(views_factory: ViewsFactory, march: March) -> None:
    rows = {r.name: r for r in report(views_factory, march.max).reps}
    assert list(rows) == ["Rita Rep", "Oscar Other", "(unassigned)"]
    rita, oscar, nobody = rows.values()
    assert (rita.leads, rita.open, rita.won, rita.lost, rita.waiting) == (3, 1, 1, 1, 0)
    assert (rita.response.answered, rita.response.median, rita.response.p90) == (3, 20 * MIN, 5 * HOUR)
    assert (oscar.leads, oscar.open, oscar.won, oscar.lost, oscar.waiting) == (2, 2, 0, 0, 1)
    assert (oscar.response.median, oscar.response.p90) == (3 * HOUR, 3 * HOUR)
    assert (nobody.leads, nobody.open, nobody.response.answered, nobody.response.median) == (1, 0, 0, None)


def test_an_employee_sees_the_same_figures_for_their_own_leads_only(views_factory: ViewsFactory, march: March) -> None:
    r = report(views_factory, march.rita)
    assert r.total == 3 and [rep.name for rep in r.reps] == ["Rita Rep"]
    assert [(f.stage, f.leads) for f in r.funnel] == [
        ("new", 3),
        ("contacted", 2),
        ("qualified", 1),
        ("proposal", 1),
        ("won", 1),
    ]
    assert [(s.source, s.leads, s.conversion) for s in r.sources] == [("web_form", 2, 0.5), ("manual", 1, 0.0)]
    assert report(views_factory, march.rita, assignee_id=march.rita.id).total == 3
    assert report(views_factory, march.rita, assignee_id=march.oscar.id).total == 0


def test_a_manager_looks_at_one_rep(views_factory: ViewsFactory, march: March) -> None:
    r = report(views_factory, march.max, assignee_id=march.oscar.id)
    assert (r.total, r.waiting, [rep.name for rep in r.reps]) == (2, 1, ["Oscar Other"])


def test_an_empty_period_has_zeros_and_no_times(views_factory: ViewsFactory, march: March) -> None:
    r = report(views_factory, march.max, Period(date(2025, 1, 1), date(2025, 1, 31), UTC_ZONE))
    assert (r.total, r.sources, r.sites, r.services, r.reps, r.waiting) == (0, [], [], [], [], 0)
    assert [f.leads for f in r.funnel] == [0, 0, 0, 0, 0]
    assert (r.response.answered, r.response.median, r.response.p90) == (0, None, None)


HONOLULU, TOKYO, NEW_YORK = ZoneInfo("Pacific/Honolulu"), ZoneInfo("Asia/Tokyo"), ZoneInfo("America/New_York")


@pytest.mark.parametrize(
    ("day", "zone", "expected"),
    [
        (3, UTC_ZONE, {S.QUALIFIED}),  # Mar 3 00:00 to 24:00 UTC: L3
        (3, MADRID, {S.LOST, S.QUALIFIED}),  # from Mar 2 23:00 UTC: L2 (23:30 UTC) is Mar 3 in Madrid
        (3, NEW_YORK, {S.QUALIFIED}),  # Mar 3 05:00 to Mar 4 05:00 UTC
        (3, TOKYO, {S.LOST, S.QUALIFIED}),  # Mar 2 15:00 to Mar 3 15:00 UTC
        (2, HONOLULU, {S.WON, S.LOST, S.QUALIFIED}),  # from Mar 2 10:00 UTC, when L1 arrived: it is in
        (1, HONOLULU, set()),  # ... and so it is not in the day before, which ends at that instant
    ],
)
def test_a_day_starts_at_local_midnight(
    views_factory: ViewsFactory, march: March, day: int, zone: ZoneInfo, expected: set[LeadStatus]
) -> None:
    r = report(views_factory, march.max, Period(date(2026, 3, day), date(2026, 3, day), zone))
    # Each of L1 (won), L2 (lost) and L3 (qualified) is the only lead with its status.
    assert set(r.by_status) == expected and r.total == len(expected)


def test_waiting_counts_only_leads_older_than_the_follow_up(views_factory: ViewsFactory, march: March) -> None:
    assert report(views_factory, march.max, now=at(5, 11)).waiting == 0  # L4 has waited 23 h
    assert report(views_factory, march.max, now=at(5, 12, 1)).waiting == 1
    assert report(views_factory, march.max, Period(None, None, UTC_ZONE), now=at(5, 12, 1)).waiting == 2  # and L7
    closed_before = Period(date(2026, 3, 1), date(2026, 3, 3), UTC_ZONE)
    assert report(views_factory, march.max, closed_before, now=at(20, 0)).waiting == 0


def test_all_time_takes_in_every_lead(views_factory: ViewsFactory, march: March) -> None:
    r = report(views_factory, march.max, Period(None, None, MADRID))
    assert r.total == 7 and r.services[0] == ("Solar", 4)
