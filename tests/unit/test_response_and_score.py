"""The first response, the furthest stage and the score: what a lead records about itself."""

from __future__ import annotations

from datetime import timedelta

from leadsmanager.domain.actor import Actor
from leadsmanager.domain.lead import Channel, Lead
from leadsmanager.domain.roles import Role
from leadsmanager.domain.status import LeadStatus
from tests.support import START, new_lead, submission

REP = Actor(user_id=7, role=Role.EMPLOYEE, name="Rita")
MANAGER = Actor(user_id=8, role=Role.MANAGER, name="Max")
SYSTEM = Actor.system()
S = LeadStatus
HOUR = timedelta(hours=1)


def test_the_first_note_by_a_person_ends_the_wait() -> None:
    lead = new_lead(at=START)
    assert lead.waiting(START + HOUR) == HOUR and lead.response_time is None
    lead.add_note("left a voicemail", by=REP, at=START + 2 * HOUR)
    lead.change_status(S.CONTACTED, by=REP, at=START + 3 * HOUR)
    assert lead.first_response_at == START + 2 * HOUR
    assert lead.response_time == 2 * HOUR and lead.waiting(START + 5 * HOUR) is None


def test_a_status_change_by_a_person_ends_the_wait() -> None:
    lead = new_lead(at=START)
    lead.change_status(S.QUALIFIED, by=MANAGER, at=START + HOUR)
    assert lead.response_time == HOUR


def test_the_system_and_a_resubmission_do_not_count_as_a_response() -> None:
    lead = new_lead(at=START)
    lead.record_resubmission(submission(1), at=START + HOUR)
    lead.add_note("imported from the old CRM", by=SYSTEM, at=START + 2 * HOUR)
    lead.change_status(S.CONTACTED, by=SYSTEM, at=START + 3 * HOUR)
    assert lead.first_response_at is None and lead.waiting(START + 4 * HOUR) == 4 * HOUR
    lead.add_note("called back", by=REP, at=START + 5 * HOUR)
    assert lead.response_time == 5 * HOUR


def test_spam_at_intake_waits_for_nobody() -> None:
    lead = new_lead(at=START)
    lead.mark_spam("filled in too fast", at=START)
    assert lead.first_response_at is None and lead.waiting(START + HOUR) is None


def test_the_furthest_stage_stays_when_a_lead_is_lost_or_reopened() -> None:
    lead = new_lead()
    assert lead.stage_reached == S.NEW
    lead.change_status(S.CONTACTED, by=REP, at=START)
    lead.change_status(S.PROPOSAL, by=REP, at=START)
    lead.change_status(S.LOST, by=REP, at=START)
    assert (lead.status, lead.stage_reached) == (S.LOST, S.PROPOSAL)
    lead.change_status(S.QUALIFIED, by=MANAGER, at=START)
    lead.change_status(S.WON, by=REP, at=START)
    lead.change_status(S.QUALIFIED, by=MANAGER, at=START)
    assert (lead.status, lead.stage_reached) == (S.QUALIFIED, S.WON)


def test_spam_reaches_no_stage() -> None:
    lead = new_lead()
    lead.change_status(S.SPAM, by=MANAGER, at=START)
    assert lead.stage_reached == S.NEW


def scored(lead: Lead) -> dict[str, tuple[int, list[str]]]:
    return {f.name: (f.points, [r.label for r in f.reasons]) for f in lead.score_card().factors}


def test_a_complete_lead_that_wrote_twice_scores_full_marks() -> None:
    lead = new_lead(channel=Channel.MANUAL, message="x" * 80)
    lead.record_resubmission(submission(1), at=START)
    lead.record_resubmission(submission(1), at=START)
    assert lead.score == 100 == lead.score_card().total
    assert scored(lead)["engagement"] == (30, ["a detailed message (80 characters)", "wrote again twice"])


def test_the_score_names_what_is_missing() -> None:
    lead = new_lead(channel=Channel.API, email=None, company="", service="", message="")
    assert scored(lead) == {
        "contact data": (15, ["no email address", "phone number", "no company name"]),
        "source": (5, ["sent by another system"]),
        "service": (0, ["no service named"]),
        "engagement": (0, ["no message", "wrote once"]),
    }
    assert lead.score == 20


def test_writing_again_raises_the_stored_score() -> None:
    lead = new_lead(message="short note")  # 15 + 15 + 10, web form 10, service 15, short message 5
    assert lead.score == 70
    lead.record_resubmission(submission(1), at=START)
    assert lead.score == 80 and scored(lead)["engagement"] == (
        15,
        ["a short message (10 characters)", "wrote again once"],
    )
    assert [f.maximum for f in lead.score_card().factors] == [40, 15, 15, 30]
