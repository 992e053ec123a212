"""One contract for the failed-submissions inbox, held by the in-memory fake, SQLite and MariaDB alike."""

from __future__ import annotations

from datetime import timedelta

import pytest
from attrs import evolve

from leadsmanager.domain.errors import TransientConflict
from leadsmanager.domain.failed_submission import MAX_BODY_LENGTH, FailedSubmission, ReceivedBy
from tests.conftest import UowFactory, interleaving_writers
from tests.support import START, new_lead


def failed(
    submission_id: str | None = "7", *, form_id: str = "4", reason: str = "no email or phone", **changes: object
) -> FailedSubmission:
    values: dict[str, object] = {
        "at": START,
        "submission_id": submission_id,
        "submitted_at": START - timedelta(hours=1),
        "fields": {"Razón social": "Acme", "Mensaje": "hola"},
    }
    values.update(changes)
    return FailedSubmission.received("intralog", form_id, ReceivedBy.SYNC, reason, **values)  # type: ignore[arg-type]


def add(uow_factory: UowFactory, *submissions: FailedSubmission) -> list[FailedSubmission | None]:
    with uow_factory() as uow:
        added = [uow.failed_submissions.add(s) for s in submissions]
        uow.commit()
    return added


def waiting(uow_factory: UowFactory) -> list[FailedSubmission]:
    with uow_factory() as uow:
        return uow.failed_submissions.waiting()


def test_a_kept_submission_reads_back_whole(uow_factory: UowFactory) -> None:
    body = "😀" * 1000 + "x" * (MAX_BODY_LENGTH - 1000)  # four bytes a character where it matters
    fields = {"Correo electrónico": "", "Mensaje": "ñ" * 100_000, "a:b=c": "1"}
    kept = FailedSubmission.received(
        "intralog",
        "5",
        ReceivedBy.PUSH,
        "the body is not JSON",
        at=START + timedelta(microseconds=123456),
        submission_id="frm-8",
        fields=fields,
        body=body,
    )
    [stored] = add(uow_factory, kept)
    assert stored is not None and stored.id is not None
    with uow_factory() as uow:
        loaded = uow.failed_submissions.get(stored.id)
    assert loaded == stored == evolve(kept, id=stored.id)
    assert loaded is not None and loaded.received_at.utcoffset() == timedelta(0)
    assert loaded.tried_at == loaded.received_at and loaded.attempts == 1 and loaded.waiting


def test_a_submission_with_no_readable_fields_keeps_its_body_and_none(uow_factory: UowFactory) -> None:
    [stored] = add(uow_factory, failed(None, fields=None, body="{not json", submitted_at=None))
    assert stored is not None and stored.id is not None
    with uow_factory() as uow:
        loaded = uow.failed_submissions.get(stored.id)
    assert loaded is not None and loaded.fields is None and loaded.body == "{not json" and loaded.submitted_at is None


def test_a_forms_submission_is_held_once_and_submissions_without_an_id_each_time(uow_factory: UowFactory) -> None:
    first, again, other_form, no_id, no_id_again = add(
        uow_factory, failed("7"), failed("7", reason="later"), failed("7", form_id="5"), failed(None), failed(None)
    )
    assert first is not None and other_form is not None and no_id is not None and no_id_again is not None
    assert again is None
    assert add(uow_factory, failed("7")) == [None]
    assert [(s.form_id, s.submission_id, s.reason) for s in waiting(uow_factory)] == [
        ("4", "7", "no email or phone"),
        ("5", "7", "no email or phone"),
        ("4", None, "no email or phone"),
        ("4", None, "no email or phone"),
    ]


def test_a_replay_changes_what_is_saved_and_takes_it_out_of_the_waiting_list(uow_factory: UowFactory) -> None:
    stored = [s for s in add(uow_factory, failed("1"), failed("2"), failed("3")) if s is not None]
    lead = new_lead(1)
    with uow_factory() as uow:
        uow.leads.add(lead)
        uow.commit()
    assert lead.id is not None
    later = START + timedelta(days=2)
    again = stored[0].failed_again("still no email or phone", at=later)
    done = stored[1].replayed(lead.id, at=later)
    with uow_factory() as uow:
        uow.failed_submissions.save(again)
        uow.failed_submissions.save(done)
        uow.commit()
    assert waiting(uow_factory) == [again, stored[2]]
    assert again.attempts == 2 and again.tried_at == later
    with uow_factory() as uow:
        assert uow.failed_submissions.get(done.id or 0) == done
    assert add(uow_factory, failed("2")) == [None]  # replayed, it is still known: the sync never adds it again


def test_the_waiting_are_counted_by_form_and_read_a_page_at_a_time_newest_first(uow_factory: UowFactory) -> None:
    stored = [s for s in add(uow_factory, *(failed(str(n), form_id="45"[n % 2]) for n in range(7))) if s is not None]
    lead = new_lead(1)
    with uow_factory() as uow:
        uow.leads.add(lead)
        uow.failed_submissions.save(stored[6].replayed(lead.id or 0, at=START))  # no longer waiting
        uow.commit()
    ids = [s.id or 0 for s in stored[:6]]
    with uow_factory() as uow:
        assert uow.failed_submissions.waiting_counts() == {("intralog", "4"): 3, ("intralog", "5"): 3}
        first = uow.failed_submissions.waiting_newest(before=None, limit=4)
        rest = uow.failed_submissions.waiting_newest(before=first[-1].id, limit=4)
    assert first == stored[5:1:-1]
    assert [s.id for s in rest] == ids[1::-1]  # keyset: those below the last one shown, the replayed one never


def test_unknown_ids_find_nothing(uow_factory: UowFactory) -> None:
    add(uow_factory, failed())
    with uow_factory() as uow:
        assert uow.failed_submissions.get(999) is None
        assert uow.failed_submissions.get(2**70) is None


def test_nothing_is_kept_without_commit_and_a_unit_of_work_reads_its_own(uow_factory: UowFactory) -> None:
    with uow_factory() as uow:
        stored = uow.failed_submissions.add(failed())
        assert stored is not None and stored.id is not None
        assert uow.failed_submissions.waiting() == [stored]
        assert uow.failed_submissions.get(stored.id) == stored
        assert uow.failed_submissions.add(failed()) is None
    assert waiting(uow_factory) == []


def test_the_same_submission_added_by_two_at_once_is_kept_once(
    uow_factory: UowFactory, request: pytest.FixtureRequest
) -> None:
    interleaving_writers(request)
    with uow_factory() as late:
        assert late.failed_submissions.waiting() == []
        with uow_factory() as early:
            early.failed_submissions.add(failed())
            early.commit()
        try:  # the memory store sees the other's commit at once; a database's snapshot collides on its key
            assert late.failed_submissions.add(failed()) is None
        except TransientConflict:
            pass
        else:
            late.commit()
    assert [s.submission_id for s in waiting(uow_factory)] == ["7"]
