"""The lead filters and a report's period from plain mappings: a query string's or the CLI's options."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest

from leadsmanager.domain.errors import ValidationError
from leadsmanager.domain.status import LeadStatus
from leadsmanager.entrypoints.http.lead_filters import lead_query, one, params_from
from leadsmanager.entrypoints.http.report_params import report_query

NOW = datetime(2026, 3, 15, 12, tzinfo=UTC)
ZONE = ZoneInfo("UTC")


def test_a_query_string_keeps_every_value_of_a_repeated_name_and_reads_the_last_of_the_others() -> None:
    params = params_from([("status", "new"), ("q", "first"), ("status", "won"), ("q", "last")])
    assert params == {"status": ["new", "won"], "q": ["first", "last"]}
    assert one(params, "q") == "last" and one(params, "missing", "50") == "50"


def test_single_values_and_lists_read_alike() -> None:
    from_cli = lead_query({"status": ["new", "won"], "assignee": "none", "q": "acme"}, zone=ZONE, limit=10)
    from_page = lead_query(
        params_from([("status", "new"), ("status", "won"), ("assignee", "none"), ("q", "acme")]), zone=ZONE
    )
    assert from_cli.statuses == from_page.statuses == (LeadStatus.NEW, LeadStatus.WON)
    assert from_cli.unassigned and from_cli.search == "acme" and from_cli.limit == 10
    assert not from_cli.hide_spam  # statuses chosen: suspected spam is shown when its status is among them


def test_without_filters_suspected_spam_is_left_out_and_long_searches_are_cut() -> None:
    query = lead_query({"q": "x" * 300}, zone=ZONE)
    assert query.hide_spam and len(query.search) == 200


@pytest.mark.parametrize(
    ("params", "field"),
    [({"sort": "random"}, "sort"), ({"assignee": "bob"}, "assignee"), ({"source": "fax"}, "source")],
)
def test_a_bad_value_names_its_field(params: dict[str, str], field: str) -> None:
    with pytest.raises(ValidationError) as refused:
        lead_query(params, zone=ZONE)
    assert field in refused.value.fields


def test_the_days_start_at_midnight_in_the_zone_and_the_last_one_is_included() -> None:
    query = lead_query({"from": "2026-12-06", "to": "2026-12-06"}, zone=ZoneInfo("America/Argentina/Buenos_Aires"))
    assert (query.created_from, query.created_to) == (
        datetime(2026, 12, 6, 3, tzinfo=UTC),
        datetime(2026, 12, 7, 3, tzinfo=UTC),
    )


def test_a_day_at_the_calendars_edge_leaves_that_side_open_instead_of_failing() -> None:
    early = lead_query({"from": "0001-01-01"}, zone=ZoneInfo("Asia/Tokyo"))  # its midnight is before year 1 in UTC
    assert early.created_from == datetime.min.replace(tzinfo=UTC)


def test_a_report_period_from_a_plain_mapping() -> None:
    query = report_query(
        {"from": "2026-03-01", "to": "2026-03-10", "tz": "UTC"}, zone="UTC", now=NOW, recent_by_default=True
    )
    assert (query.period.first, query.period.last) == (datetime(2026, 3, 1).date(), datetime(2026, 3, 10).date())
    recent = report_query({}, zone="UTC", now=NOW, recent_by_default=True)
    assert recent.period.last == NOW.date()
