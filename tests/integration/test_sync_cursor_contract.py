"""One contract for the sync's cursors, held by the in-memory fake, SQLite and MariaDB alike."""

from __future__ import annotations

from datetime import timedelta

from leadsmanager.domain.sync_cursor import MAX_ERROR_LENGTH, SyncCursor
from tests.conftest import UowFactory
from tests.support import START


def save(uow_factory: UowFactory, *cursors: SyncCursor) -> None:
    with uow_factory() as uow:
        for cursor in cursors:
            uow.sync_cursors.save(cursor)
        uow.commit()


def get(uow_factory: UowFactory, site: str = "shop", form_id: str = "contact") -> SyncCursor | None:
    with uow_factory() as uow:
        return uow.sync_cursors.get(site, form_id)


def test_an_unknown_form_has_no_cursor(uow_factory: UowFactory) -> None:
    assert get(uow_factory) is None
    with uow_factory() as uow:
        assert uow.sync_cursors.list() == []


def test_a_cursor_reads_back_with_every_field(uow_factory: UowFactory) -> None:
    at = START + timedelta(microseconds=123456)
    stored = SyncCursor("shop", "contact", "18446744073709551615", at, "site 'shop' said: ñandú", 2**40)
    save(uow_factory, stored)
    loaded = get(uow_factory)
    assert loaded == stored
    assert loaded is not None and loaded.last_run_at is not None and loaded.last_run_at.utcoffset() == timedelta(0)


def test_a_fresh_cursor_keeps_its_empty_fields(uow_factory: UowFactory) -> None:
    save(uow_factory, SyncCursor("shop", "contact"))
    assert get(uow_factory) == SyncCursor("shop", "contact", None, None, None, 0)


def test_saving_again_replaces_the_cursor_of_that_form_only(uow_factory: UowFactory) -> None:
    save(uow_factory, SyncCursor("shop", "contact", "5"), SyncCursor("shop", "quote", "9"))
    moved = SyncCursor("shop", "contact", "7", START, None, 7)
    save(uow_factory, moved)
    save(uow_factory, moved)  # the same values again: still one row, still this cursor
    assert get(uow_factory) == moved
    assert get(uow_factory, form_id="quote") == SyncCursor("shop", "quote", "9")


def test_the_longest_error_a_cursor_keeps_is_stored_whole(uow_factory: UowFactory) -> None:
    cursor = SyncCursor("shop", "contact").failed("é" * (MAX_ERROR_LENGTH + 50), at=START)
    save(uow_factory, cursor)
    loaded = get(uow_factory)
    assert loaded is not None and loaded.last_error == "é" * MAX_ERROR_LENGTH


def test_list_orders_by_site_then_form(uow_factory: UowFactory) -> None:
    save(
        uow_factory,
        SyncCursor("shop", "quote"),
        SyncCursor("blog", "7"),
        SyncCursor("shop", "contact"),
    )
    with uow_factory() as uow:
        assert [(c.site, c.form_id) for c in uow.sync_cursors.list()] == [
            ("blog", "7"),
            ("shop", "contact"),
            ("shop", "quote"),
        ]


def test_nothing_is_kept_without_commit(uow_factory: UowFactory) -> None:
    save(uow_factory, SyncCursor("shop", "contact", "5"))
    with uow_factory() as uow:
        uow.sync_cursors.save(SyncCursor("shop", "contact", "9"))
        uow.sync_cursors.save(SyncCursor("blog", "7", "1"))
    assert get(uow_factory) == SyncCursor("shop", "contact", "5")
    assert get(uow_factory, "blog", "7") is None


def test_a_unit_of_work_reads_its_own_saves_before_commit(uow_factory: UowFactory) -> None:
    with uow_factory() as uow:
        uow.sync_cursors.save(SyncCursor("shop", "contact", "5"))
        assert uow.sync_cursors.get("shop", "contact") == SyncCursor("shop", "contact", "5")
        assert [c.after_id for c in uow.sync_cursors.list()] == ["5"]
        uow.rollback()
        assert uow.sync_cursors.get("shop", "contact") is None


def test_the_times_the_sources_page_reads_are_kept(uow_factory: UowFactory) -> None:
    micro = timedelta(microseconds=1)
    stored = SyncCursor(
        "shop",
        "contact",
        "7",
        START + 3 * micro,
        "HTTP 503",
        7,
        succeeded_at=START + micro,
        failed_at=START + 3 * micro,
        newest_entry_at=START - timedelta(days=400) + 2 * micro,
    )
    save(uow_factory, stored)
    loaded = get(uow_factory)
    assert loaded == stored
    assert loaded is not None and all(
        t is not None and t.utcoffset() == timedelta(0)
        for t in (loaded.succeeded_at, loaded.failed_at, loaded.newest_entry_at)
    )
    recovered = stored.advanced("8", imported=1, at=START + timedelta(hours=1)).completed()
    save(uow_factory, recovered)
    assert get(uow_factory) == recovered
    assert (recovered.last_error, recovered.failed_at) == (None, None)
