"""Staff pages for leads: dashboard, list, export, detail, actions and manual entry."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator, Sequence
from functools import partial
from typing import Any

from attrs import evolve
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response, StreamingResponse
from starlette.routing import Route

import leadsmanager.entrypoints.http.ids  # noqa: F401  (registers the {name:id} path parameter)
from leadsmanager.adapters.i18n.local_formats import LocalFormats
from leadsmanager.application.editing import DETAIL_NAMES
from leadsmanager.application.intake import HANDLED_BY_THE_TEAM, LeadForm, Outcome
from leadsmanager.application.leads import LeadChanges
from leadsmanager.application.parsing import whole_number
from leadsmanager.application.queries import LeadQuery
from leadsmanager.domain.actor import Actor
from leadsmanager.domain.errors import Conflict, ContactTaken, InvalidStatusTransition, NotFound, ValidationError
from leadsmanager.domain.lead import Channel, HistoryEntry, HistoryField, Lead
from leadsmanager.domain.period import time_zone
from leadsmanager.domain.roles import Permission
from leadsmanager.domain.user import User
from leadsmanager.entrypoints.formats.lead_csv import COLUMNS, lead_row
from leadsmanager.entrypoints.formats.lead_text import history_change
from leadsmanager.entrypoints.http.context import container
from leadsmanager.entrypoints.http.lead_filters import lead_query, params_from
from leadsmanager.entrypoints.web.context import redirect, render, require, verified_form
from leadsmanager.entrypoints.web.filters import pipeline_of
from leadsmanager.entrypoints.web.i18n.catalogues import in_context, translations
from leadsmanager.entrypoints.web.i18n.choice import staff_language
from leadsmanager.entrypoints.web.i18n.labels import history_words, source_names
from leadsmanager.entrypoints.web.i18n.messages import refusal, translate
from leadsmanager.entrypoints.web.lead_values import Shown, extras_shown, resubmission_shown, system_note
from leadsmanager.entrypoints.web.sheets.leads import LeadSheet


def dashboard(request: Request) -> Response:
    actor = require(request)
    view = container(request).dashboard()(by=actor)
    keys = pipeline_of(request).keys
    held = sorted(set(view.counts) - set(keys))  # stages no longer in the pipeline that leads still hold
    return render(request, "dashboard.html", view=view, statuses=[*keys, *held])


def _filters(request: Request) -> LeadQuery:
    """The list's filters, its days those of the deployment's time zone, in which the page shows the times."""
    zone = time_zone(container(request).settings().time_zone)
    return lead_query(params_from(request.query_params.multi_items()), zone=zone)


def leads_list(request: Request) -> Response:
    actor = require(request)
    page = container(request).list_leads()(_filters(request), by=actor, with_owners=True)
    return render(request, "leads_list.html", page=page, **_list_context(request, actor), **_waits(request))


def my_leads(request: Request) -> Response:
    actor = require(request)
    query = evolve(_filters(request), assignee_id=actor.user_id)
    page = container(request).list_leads()(query, by=actor)
    return render(request, "leads_list.html", page=page, mine=True, **_list_context(request, actor), **_waits(request))


def _waits(request: Request) -> dict[str, Any]:
    """What a page needs to tell how long leads have waited: the time now, and how long is too long."""
    built = container(request)
    return {"now": built.clock().now(), "follow_up": built.follow_up()}


def _list_context(request: Request, actor: Actor) -> dict[str, Any]:
    return {
        "statuses": pipeline_of(request).keys,
        "sources": list(Channel),
        "users": _assignable(request, actor),
        "params": request.query_params,
        "chosen_statuses": request.query_params.getlist("status"),
    }


# Excel reads a CSV file without it in the system's legacy code page, and accents come out garbled.
UTF8_BOM = "\ufeff"


def export_csv(request: Request) -> Response:
    """Exactly the filtered rows, streamed batch by batch: memory stays flat however many there are."""
    actor = require(request)
    batches = container(request).export_leads()(_filters(request), by=actor)
    return _streamed_csv(COLUMNS, ([lead_row(lead) for lead in batch.leads] for batch in batches))


def export_sheet(request: Request) -> Response:
    """The filtered rows for a person's spreadsheet, in their language (see sheets.leads), streamed."""
    actor = require(request)
    built = container(request)
    batches = built.export_leads()(_filters(request), by=actor, with_owners=True)
    language = staff_language(request)
    gettext = translations(language).gettext
    label = partial(pipeline_of(request).label, language=language)
    formats = LocalFormats(language, time_zone(built.settings().time_zone))
    sheet = LeadSheet(formats, gettext, label, source_names(gettext))
    return _streamed_csv(sheet.header(), sheet.rows(batches), separator=sheet.separator, name="leads-sheet.csv")


def _streamed_csv(
    header: Sequence[str], batches: Iterable[list[list[str]]], separator: str = ",", name: str = "leads.csv"
) -> Response:
    def rows() -> Iterator[str]:
        yield UTF8_BOM
        buffer = io.StringIO()
        writer = csv.writer(buffer, delimiter=separator)
        writer.writerow(header)
        for batch in batches:
            writer.writerows(batch)
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate()
        yield buffer.getvalue()

    headers = {"Content-Disposition": f'attachment; filename="{name}"'}
    return StreamingResponse(rows(), media_type="text/csv; charset=utf-8", headers=headers)


def lead_detail(
    request: Request,
    status_code: int = 200,
    error: str = "",
    typed: dict[str, str] | None = None,
    refused: Exception | None = None,
) -> Response:
    """The lead as it is now; `typed` is what a refused form held, put back into that form, with the
    fields `refused` found fault with marked."""
    actor = require(request)
    view = container(request).get_lead()(int(request.path_params["lead_id"]), by=actor)
    language = staff_language(request)
    catalogue = translations(language)
    gettext = catalogue.gettext
    words, sources = history_words(gettext, in_context(catalogue)), source_names(gettext)
    pipeline = pipeline_of(request)
    label = partial(pipeline.label, language=language)
    reason = partial(pipeline.reason_label, language=language)

    def line(entry: HistoryEntry) -> tuple[HistoryEntry, str, list[Shown]]:
        sent = resubmission_shown(entry, view.lead, words, sources, gettext)
        if entry.field == HistoryField.NOTE and entry.actor_id is None:  # the system's note, kept in English
            entry = evolve(entry, new=system_note(entry.new or "", gettext, label))
        said = evolve(entry, new="") if sent else entry
        return entry, history_change(said, view.people, words, label, reason), sent

    workable = actor.can_work(view.lead.assignee_id)
    targets = pipeline.allowed_targets(view.lead.status, actor.role) if workable else []
    return render(
        request,
        "lead_detail.html",
        status_code=status_code,
        lead=view.lead,
        people=view.people,
        history=[line(e) for e in reversed(view.lead.history)],
        extras=extras_shown(view.lead.extras, gettext),
        targets=targets,
        asking=[s for s in map(pipeline.stage, targets) if s.requires_reason],  # each with its reasons
        assignable=_assignable(request, actor),
        error=error,
        typed=typed or {},
        details=_details(view.lead),
        errors=refused.fields if isinstance(refused, ValidationError | ContactTaken) else {},
        taken=refused.others if isinstance(refused, ContactTaken) else {},
        score=view.lead.score_card(),
        **_waits(request),
    )


def back_to_lead(request: Request) -> Response:
    """The address a refused change was shown at, opened again (reloaded, bookmarked): the lead's page."""
    return RedirectResponse(f"/leads/{int(request.path_params['lead_id'])}", status_code=303)


def lead_action(request: Request) -> Response:
    actor = require(request)
    form = verified_form(request)
    lead_id = int(request.path_params["lead_id"])
    built, action = container(request), request.path_params["action"]
    if action not in ("details", "status", "assign", "note"):
        raise NotFound("there is no such action")
    try:
        version = _optional_number(form.get("version", ""), "version")
        if action == "details":
            changes = LeadChanges(details={name: form.get(name, "") for name in DETAIL_NAMES})
            saved = built.update_lead()(lead_id, changes, by=actor, expected_version=version)
            message = (
                translate(request, "Details saved")
                if saved.version != version
                else translate(request, "Nothing was changed")
            )
        elif action == "status":
            target = str(form.get("status", ""))
            reason = _reason(target, form.get("reason", ""))
            built.change_status()(lead_id, target, by=actor, expected_version=version, reason=reason)
            message = translate(request, "Status changed")
        elif action == "assign":
            assignee = _optional_number(form.get("assignee", ""), "assignee")
            built.assign_lead()(lead_id, assignee, by=actor, expected_version=version)
            message = translate(request, "Assignee changed")
        else:
            built.add_note()(lead_id, form.get("note", ""), by=actor)
            message = translate(request, "Note added")
    except (ValidationError, Conflict, InvalidStatusTransition) as e:
        return _refused(request, e, {"action": action, **form})
    return redirect(request, f"/leads/{lead_id}", message)


def _refused(request: Request, error: Exception, typed: dict[str, str]) -> Response:
    """The lead as it is now, with the refused form holding what was typed, never a redirect that loses it."""
    if isinstance(error, Conflict):
        message = translate(
            request, "Not saved: %(reason)s. What you chose is kept in the form below, next to the lead as it is now."
        ) % {"reason": refusal(request, error)}
        return lead_detail(request, status_code=409, error=message, typed=typed, refused=error)
    if isinstance(error, ValidationError) and typed.get("action") == "status" and "reason" in error.fields:
        message = translate(request, "Not saved: that stage asks for a reason; choose one in the status form below.")
        return lead_detail(request, status_code=400, error=message, typed=typed, refused=error)
    if isinstance(error, ValidationError) and typed.get("action") == "details":
        message = translate(
            request, "Not saved: please correct the fields marked in the details form; what you typed is kept there."
        )
        return lead_detail(request, status_code=400, error=message, typed=typed, refused=error)
    return lead_detail(request, status_code=400, error=refusal(request, error), typed=typed, refused=error)


def _reason(target: str, chosen: str) -> str | None:
    """The reason picked in the status form, listed under its stage as `stage:reason`: one listed under
    another stage than the target is not the target's (and is refused if the target asks for one)."""
    stage, _, key = chosen.rpartition(":")
    return (key if stage in ("", target) else chosen) or None


def _details(lead: Lead) -> dict[str, str]:
    """The details form's values: the lead's as they are."""
    return {
        "name": lead.contact_name,
        "email": lead.email or "",
        "phone": lead.phone or "",
        "company": lead.company,
        "service": lead.service,
        "message": lead.message,
        "campaign": lead.campaign or "",
    }


def new_lead_page(request: Request) -> Response:
    actor = require(request, Permission.ENTER_LEADS)
    return render(request, "lead_new.html", values={}, errors={}, users=_assignable(request, actor))


def new_lead(request: Request) -> Response:
    actor = require(request, Permission.ENTER_LEADS)
    form = verified_form(request)
    try:
        assignee = _optional_number(form.get("assignee", ""), "assignee")
        entry = LeadForm.from_fields(Channel.MANUAL, form, assignee_id=assignee, campaign=form.get("campaign", ""))
        result = container(request).submit_lead()(entry, by=actor)
    except (ValidationError, Conflict) as e:  # the form again, holding what was typed
        users = _assignable(request, actor)
        if isinstance(e, Conflict):
            error = translate(request, "Not saved: %(reason)s. What you typed is kept below; send it again.") % {
                "reason": refusal(request, e)
            }
            return render(request, "lead_new.html", status_code=409, values=form, errors={}, users=users, error=error)
        return render(request, "lead_new.html", status_code=400, values=form, errors=e.fields, users=users)
    try:
        container(request).get_lead().submitted(result, by=actor)
    except NotFound:  # a colleague's lead: what was entered is in its history, its id is not shown
        return redirect(request, "/leads/mine", refusal(request, HANDLED_BY_THE_TEAM).capitalize())
    if result.outcome is Outcome.CREATED:
        note = translate(request, "Lead created")
    else:
        note = translate(request, "This person already had an open lead; added to it")
    return redirect(request, f"/leads/{result.lead_id}", note)


def _optional_number(text: str, field: str) -> int | None:
    """An id or version from a form: left empty, there is none."""
    return whole_number(text, field) if text else None


def _assignable(request: Request, actor: Actor) -> list[User]:
    return container(request).user_admin().directory(by=actor) if actor.can(Permission.ASSIGN_LEADS) else []


routes = [
    Route("/", dashboard),
    Route("/leads", leads_list),
    Route("/leads/mine", my_leads),
    Route("/leads/export.csv", export_csv),
    Route("/leads/sheet.csv", export_sheet),
    Route("/leads/new", new_lead_page, methods=["GET"]),
    Route("/leads/new", new_lead, methods=["POST"]),
    Route("/leads/{lead_id:id}", lead_detail),
    Route("/leads/{lead_id:id}/{action:str}", lead_action, methods=["POST"]),
    Route("/leads/{lead_id:id}/{action:str}", back_to_lead, methods=["GET"]),
]
