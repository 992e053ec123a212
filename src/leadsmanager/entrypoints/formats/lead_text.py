"""Plain-text rendering of leads, shared by the CLI commands; stored text is escaped for the terminal."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from zoneinfo import ZoneInfo

from leadsmanager.adapters.i18n.local_formats import LocalFormats
from leadsmanager.domain.lead import DETAILS, HistoryEntry, HistoryField, Lead
from leadsmanager.entrypoints.formats.terminal import printable, tab_separated

CONTINUED = "    "  # the next line of a multi-line value, indented under its field
DELETED_USER = "a deleted user"  # who made a change whose user was deleted, distinct from the system
NO_CAMPAIGN = "campaign:(none)"  # the words' key for a blank campaign: some languages say it apart from "(none)"


def _person(user_id: int | None, people: dict[int, str]) -> str:
    if user_id is None:
        return "-"
    return people.get(user_id, f"user {user_id}")


def lead_line(lead: Lead, zone: ZoneInfo) -> str:
    """One line of a list; its time in the deployment's `zone`, labelled (2025-01-13 10:12 UTC-03)."""
    contact = lead.email or lead.phone or "-"
    stamp = LocalFormats("en", zone).when(lead.created_at)
    return tab_separated(str(lead.id), stamp, lead.status, lead.source.value, lead.contact_name, contact)


def lead_lines(lead: Lead, people: dict[int, str], zone: ZoneInfo) -> list[str]:
    when = LocalFormats("en", zone).when
    fields = [
        ("id", str(lead.id)),
        ("status", lead.status),
        ("assignee", _person(lead.assignee_id, people)),
        ("name", lead.contact_name),
        ("email", lead.email or ""),
        ("phone", lead.phone or ""),
        ("company", lead.company),
        ("service", lead.service),
        ("campaign", lead.campaign or ""),
        ("source", lead.source.value),
        ("site", lead.site),
        ("form", lead.form_id),
        ("external id", lead.external_id or ""),
        ("created", when(lead.created_at)),
        ("updated", when(lead.updated_at)),
        ("version", str(lead.version)),
        ("message", lead.message),
        *sorted(lead.utm.items()),
        *((f"extra {k}", v) for k, v in sorted(lead.extras.items())),
    ]
    return [f"{printable(name)}: {printable(value, indent=CONTINUED)}" for name, value in fields if value]


def history_entry(entry: HistoryEntry, people: dict[int, str], zone: ZoneInfo) -> str:
    return f"{LocalFormats('en', zone).when(entry.at, seconds=True)}  {history_change(entry, people)}"


def history_change(
    entry: HistoryEntry,
    people: dict[int, str],
    words: Mapping[str, str] | None = None,
    stage_label: Callable[[str], str] | None = None,
    reason_label: Callable[[str, str], str] | None = None,
) -> str:
    """What changed, by whom: a history entry without its time, which the pages show in the local zone.
    `words` says the field's name, "nobody", "(none)" (NO_CAMPAIGN for a campaign), "system" and DELETED_USER
    in the page's language; `stage_label` names a status by its stage's label there."""
    say = words or {}
    old, new = entry.old, entry.new
    if entry.field == HistoryField.STATUS and stage_label is not None:
        old, new = (stage_label(value) if value else value for value in (old, new))
    if entry.field == HistoryField.ASSIGNEE:
        old = _person(int(old), people) if old else None
        new = _person(int(new), people) if new else say.get("nobody", "nobody")
    if entry.field in DETAILS:  # a correction: what it was and what it became, also when one is blank
        blank = say.get(NO_CAMPAIGN if entry.field == HistoryField.CAMPAIGN else "(none)", "(none)")
        old, new = old or blank, new or blank
    change = f"{old} -> {new}" if old is not None else f"{new}"
    if entry.reason and entry.new:  # why it went there: the reason's label where the stage still has it
        said = reason_label(entry.new, entry.reason) if reason_label is not None else entry.reason
        change += f" ({say.get('reason', 'reason')}: {said})"
    actor, label = _actor(entry, people, say), say.get(entry.field, entry.field)
    return f"{label}: {change}  ({actor})" if change else f"{label}  ({actor})"


def _actor(entry: HistoryEntry, people: dict[int, str], say: Mapping[str, str]) -> str:
    if entry.actor_id is not None:
        return _person(entry.actor_id, people)
    if entry.actor_deleted:
        return say.get(DELETED_USER, DELETED_USER)
    return say.get("system", "system")


def history_lines(lead: Lead, people: dict[int, str], zone: ZoneInfo) -> list[str]:
    return ["  " + printable(history_entry(e, people, zone), indent="  " + CONTINUED) for e in lead.history]
