"""The reports page: charts and tables over a period, and each table as a CSV file."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import timedelta
from functools import partial
from urllib.parse import urlencode
from zoneinfo import available_timezones

from markupsafe import Markup
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from leadsmanager.application.report_figures import ResponseTimes
from leadsmanager.application.reports import Report
from leadsmanager.domain.actor import Actor
from leadsmanager.domain.errors import NotFound, ValidationError
from leadsmanager.domain.pipeline import Pipeline
from leadsmanager.domain.roles import Permission
from leadsmanager.entrypoints.formats.report_tables import (
    LOST_ROW,
    as_csv,
    report_tables,
    shown,
    table_named,
    within,
)
from leadsmanager.entrypoints.http.context import container
from leadsmanager.entrypoints.http.lead_filters import params_from
from leadsmanager.entrypoints.http.report_params import report_query
from leadsmanager.entrypoints.web.charts import RED, Bar, bar_chart
from leadsmanager.entrypoints.web.context import render, require
from leadsmanager.entrypoints.web.i18n.catalogues import translations
from leadsmanager.entrypoints.web.i18n.choice import staff_language
from leadsmanager.entrypoints.web.i18n.labels import source_names
from leadsmanager.entrypoints.web.i18n.messages import refusal

TOP = 10  # rows a chart shows; its table has them all
ZONE_NAMES = sorted(available_timezones())  # offered as the time zone is typed: "Buenos" finds America/Argentina/…


def _report(request: Request, actor: Actor, params: list[tuple[str, str]] | None = None) -> Report:
    built = container(request)
    zone, now = built.settings().time_zone, built.clock().now()
    chosen = request.query_params.multi_items() if params is None else params
    query = report_query(params_from(chosen), zone=zone, now=now, recent_by_default=True)
    return built.reports()(query, by=actor)


def reports_page(request: Request) -> Response:
    actor = require(request)
    try:
        report, refused = _report(request, actor), ""
    except ValidationError as e:  # said above the unfiltered recent period in the team's zone; the inputs keep it
        report, refused = _report(request, actor, []), refusal(request, e)
    users = container(request).user_admin().directory(by=actor) if actor.can(Permission.SEE_ALL_LEADS) else []
    language = staff_language(request)
    gettext = translations(language).gettext
    names = stage_names(report.pipeline, language, gettext)
    return render(
        request,
        "reports.html",
        report=report,
        tables=report_tables(report),
        charts=charts(report, gettext, names),
        stage_names=names,
        within=within,
        users=users,
        params=request.query_params,
        query=request.url.query,
        ranges=quick_ranges(request.query_params.multi_items(), report.period.zone.key),
        refused=refused,
        zones=ZONE_NAMES,
        status_code=400 if refused else 200,
    )


def quick_ranges(params: list[tuple[str, str]], zone: str) -> dict[str, str]:
    """The links of the quick ranges: only the dates change, the rep, campaign and time zone stay.
    Without dates the page shows the last 30 days; empty ones leave both sides open."""
    kept = [(k, v) for k, v in params if k not in ("from", "to")]
    recent = "/reports?" + urlencode(kept) if kept else "/reports"
    zoned = kept if any(k == "tz" for k, _ in kept) else [*kept, ("tz", zone)]
    return {"recent": recent, "all": "/reports?" + urlencode([("from", ""), ("to", ""), *zoned])}


def report_csv(request: Request) -> Response:
    report = _report(request, require(request))
    table = table_named(report, request.path_params["table"])
    if table is None:
        raise NotFound("there is no such report table")
    period = report.period
    span = f"{period.first or 'start'}-to-{period.last or 'now'}"
    headers = {"Content-Disposition": f'attachment; filename="{table.name}-{span}.csv"'}
    return Response(as_csv(table), media_type="text/csv; charset=utf-8", headers=headers)


def stage_names(pipeline: Pipeline, language: str, _: Callable[[str], str]) -> dict[str, str]:
    """What the reader calls each stage key the report tables hold: its label in their language, and the
    funnel's row of lost leads in words when no stage has that key."""
    names = {key: pipeline.label(key, language) for key in pipeline.keys}
    return {LOST_ROW: _("Lost"), **names}


def charts(report: Report, _: Callable[[str], str] = str, names: Mapping[str, str] | None = None) -> dict[str, Markup]:
    """The report's charts, their titles and words through `_` (the page's gettext), stages by `names`."""
    named = names or {}
    entered = report.funnel[0].leads
    funnel = [Bar(named.get(f.stage, f.stage), f.leads, _of(f.leads, entered)) for f in report.funnel]
    lost = report.lost
    funnel.append(Bar(named.get(LOST_ROW, LOST_ROW), lost, _of(lost, entered), colour=RED))
    won = _("%(leads)s · %(rate)s won")
    channel = source_names(_)
    sources = [
        Bar(channel.get(s.source, s.source), s.leads, won % {"leads": f"{s.leads:,}", "rate": _rate(s.conversion)})
        for s in report.sources
    ]
    none = _("(none)")
    sites = [Bar(f"{site or none} {form}".strip(), n, f"{n:,}") for site, form, n in report.sites[:TOP]]
    services = [Bar(s or none, n, f"{n:,}") for s, n in report.services[:TOP]]
    unassigned, nobody = _("(unassigned)"), _("nobody answered yet")
    response = [
        _response_bar(r.name if r.assignee_id is not None else unassigned, r.response, nobody) for r in report.reps
    ]
    reps = _("First response: median, and the 90th percentile behind it")
    chart = partial(bar_chart, empty=_("nothing in this period"))
    return {
        "funnel": chart(funnel, _("Funnel: leads that reached each stage")) if entered else chart([], _("Funnel")),
        "sources": chart(sources, _("Leads by source")),
        "sites": chart(sites, _("Leads by site and form")),
        "services": chart(services, _("Leads by service")),
        "reps": chart(response, reps, log=True, text=220),
    }


def _response_bar(name: str, times: ResponseTimes, unanswered: str) -> Bar:
    median, p90 = within(times, times.median_bucket), within(times, times.p90_bucket)
    if median is None:
        return Bar(name, 0, unanswered)
    minutes = [cell.total_seconds() / 60 if isinstance(cell, timedelta) else 200_000.0 for cell in (median, p90)]
    return Bar(name, minutes[0], f"{shown(median, 'within')} · 90%: {shown(p90, 'within')}", behind=minutes[1])


def _of(part: int, whole: int) -> str:
    return f"{part:,} ({part / whole:.0%})" if whole else f"{part:,}"


def _rate(share: float | None) -> str:
    return "—" if share is None else f"{share:.0%}"


routes = [
    Route("/reports", reports_page),
    Route("/reports/{table:str}.csv", report_csv),
]
