"""A report as the JSON of GET /api/v1/stats: the first four fields as before, then the report's figures."""

from __future__ import annotations

from typing import Any

from leadsmanager.application.report_figures import ResponseTimes
from leadsmanager.application.reports import Report
from leadsmanager.application.tallies import RESPONSE_LIMITS


def stats_json(report: Report) -> dict[str, Any]:
    period = report.period
    return {
        "total": report.total,
        "by_status": dict(report.by_status),
        "by_source": {s.source: s.leads for s in report.sources},
        "by_assignee": {("none" if r.assignee_id is None else str(r.assignee_id)): r.leads for r in report.reps},
        "period": {
            "from": period.first and period.first.isoformat(),
            "to": period.last and period.last.isoformat(),
            "time_zone": period.zone.key,
        },
        "by_site": [{"site": site, "form_id": form, "leads": n} for site, form, n in report.sites],
        "by_service": [{"service": service, "leads": n} for service, n in report.services],
        "funnel": [{"stage": f.stage, "leads": f.leads} for f in report.funnel],
        "lost": report.lost,
        "excluded": report.excluded,
        "conversion_by_source": [
            {"source": s.source, "leads": s.leads, "spam": s.spam, "won": s.won, "rate": s.conversion}
            for s in report.sources
        ],
        "by_campaign": [
            {"campaign": c.campaign, "leads": c.leads, "won": c.won, "rate": c.conversion} for c in report.campaigns
        ],
        "first_response": {
            **times_json(report.response),
            "follow_up_hours": int(report.follow_up.total_seconds() // 3600),
            "waiting_past_follow_up": report.waiting,
        },
        "reps": [
            {
                "assignee_id": r.assignee_id,
                "name": r.name,
                "leads": r.leads,
                "open": r.open,
                "won": r.won,
                "lost": r.lost,
                "waiting_past_follow_up": r.waiting,
                "first_response": times_json(r.response),
            }
            for r in report.reps
        ],
    }


def times_json(times: ResponseTimes) -> dict[str, Any]:
    return {
        "answered": times.answered,
        "median": _bound(times, times.median_bucket),
        "p90": _bound(times, times.p90_bucket),
    }


def _bound(times: ResponseTimes, bucket: int | None) -> dict[str, int] | None:
    """{"within_seconds": n}: the percentile is at most n; {"over_seconds": n}: past the last bound."""
    if bucket is None or not times.answered:
        return None
    if bucket >= len(RESPONSE_LIMITS):
        return {"over_seconds": int(RESPONSE_LIMITS[-1].total_seconds())}
    return {"within_seconds": int(RESPONSE_LIMITS[bucket].total_seconds())}
