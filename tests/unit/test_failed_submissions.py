"""The failed-submissions inbox on in-memory adapters: kept whole, listed, replayed through the current mapping."""

from __future__ import annotations

from datetime import timedelta

import pytest

from leadsmanager.application.failed_submissions import FailedSubmissions
from leadsmanager.application.intake import LeadForm, Outcome, SubmitLead
from leadsmanager.application.intake.form_mapping import SyncedForm
from leadsmanager.application.queries import LeadQuery
from leadsmanager.domain.errors import NotFound
from leadsmanager.domain.failed_submission import ReceivedBy
from leadsmanager.domain.lead import Channel, Lead
from tests.conftest import UowFactory, ViewsFactory
from tests.support import START, FakeClock

MAPPED = SyncedForm("intralog", "4", {"Correo electrónico": "email", "Nombre y Apellido": "name"})
FIELDS = {"Correo electrónico": "ana@example.com", "Nombre y Apellido": "Ana Pérez", "Cantidad": "200"}


def inbox(uow: UowFactory, clock: FakeClock, *forms: SyncedForm) -> FailedSubmissions:
    return FailedSubmissions(uow, clock, forms, phone_region="US")


def leads(views_factory: ViewsFactory) -> list[Lead]:
    with views_factory() as views:
        return views.list(LeadQuery(oldest_first=True, limit=100)).leads


def test_a_pushed_body_is_kept_as_it_came_even_when_it_is_not_utf8(memory_uow: UowFactory, clock: FakeClock) -> None:
    failed = inbox(memory_uow, clock)
    body = b'{"id": 5, "name": "Jos\xe9"'
    kept = failed.record("intralog", "4", "the body is not JSON", body=body, submission_id="5")
    assert kept is not None and kept.id is not None
    assert failed.record("intralog", "4", "sent again", body=body, submission_id="5") is None
    [waiting] = failed.waiting()
    assert waiting == kept
    assert waiting.body == '{"id": 5, "name": "Jos\\xe9"' and waiting.fields is None
    assert (waiting.received_by, waiting.reason, waiting.attempts) == (ReceivedBy.PUSH, "the body is not JSON", 1)


def test_a_replay_through_the_current_mapping_makes_the_lead_and_empties_the_inbox(
    memory_uow: UowFactory, memory_views: ViewsFactory, clock: FakeClock
) -> None:
    at = START - timedelta(days=3)
    unmapped = inbox(memory_uow, clock)  # its form was not configured when it arrived
    kept = unmapped.record("intralog", "4", "refused", fields=FIELDS, submission_id="12", submitted_at=at)
    assert kept is not None and kept.id is not None
    [still] = unmapped.replay(kept.id)
    assert not still.succeeded and still.after.attempts == 2
    assert still.after.reason == "site 'intralog' has no form '4' configured any more"

    [replay] = inbox(memory_uow, clock, MAPPED).replay(kept.id)

    assert replay.succeeded and replay.outcome is Outcome.CREATED
    [lead] = leads(memory_views)
    assert (lead.contact_name, lead.email, lead.external_id) == ("Ana Pérez", "ana@example.com", "intralog/4/12")
    assert (lead.source, lead.extras["Cantidad"], lead.extras["submitted_at"]) == (
        Channel.WORDPRESS,
        "200",
        at.isoformat(),
    )
    assert replay.after.lead_id == lead.id and replay.after.attempts == 3 and not replay.after.waiting
    assert unmapped.waiting() == []
    with pytest.raises(NotFound):
        unmapped.replay(kept.id)


def test_a_submission_imported_meanwhile_is_found_again_not_stored_twice(
    memory_uow: UowFactory, memory_views: ViewsFactory, clock: FakeClock
) -> None:
    imported = SubmitLead(memory_uow, clock, phone_region="US")(
        LeadForm(Channel.WORDPRESS, name="Ana", email="ana@example.com", external_id="intralog/4/12")
    )
    failed = inbox(memory_uow, clock, MAPPED)
    kept = failed.record("intralog", "4", "refused", fields=FIELDS, submission_id="12")
    assert kept is not None

    [replay] = failed.replay()

    assert replay.outcome is Outcome.DUPLICATE and replay.after.lead_id == imported.lead_id
    assert len(leads(memory_views)) == 1 and failed.waiting() == []


def test_replay_all_keeps_what_still_fails_with_its_new_reason(
    memory_uow: UowFactory, memory_views: ViewsFactory, clock: FakeClock
) -> None:
    failed = inbox(memory_uow, clock, MAPPED)
    unreadable = failed.record("intralog", "4", "the body is not JSON", body="{", submission_id="1")
    no_id = failed.record("intralog", "4", "refused", fields={**FIELDS, "Correo electrónico": "luis@example.com"})
    gone = failed.record("shop", "contact", "refused", fields=FIELDS, submission_id="3")

    replays = failed.replay()

    assert [r.succeeded for r in replays] == [False, True, False]
    assert [r.after.reason for r in replays if not r.succeeded] == [
        "its body could not be read, so it cannot be mapped (the body is not JSON)",
        "site 'shop' has no form 'contact' configured any more",
    ]
    assert [s.id for s in failed.waiting()] == [unreadable and unreadable.id, gone and gone.id]
    [lead] = leads(memory_views)
    assert lead.email == "luis@example.com" and lead.external_id is None  # a push without an id gives none
    assert no_id is not None and replays[1].after.lead_id == lead.id


def test_replaying_an_unknown_submission_says_so(memory_uow: UowFactory, clock: FakeClock) -> None:
    with pytest.raises(NotFound, match="no failed submission 42"):
        inbox(memory_uow, clock).replay(42)
