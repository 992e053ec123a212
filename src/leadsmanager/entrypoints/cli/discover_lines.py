"""`sync --discover`'s answer as lines: each form, then its fields' keys, labels and the lead fields they fill."""

from __future__ import annotations

from leadsmanager.application.discovery.discover import DiscoveredField, DiscoveredForm, SiteForms
from leadsmanager.application.intake.form_mapping import LEAD_FIELDS
from leadsmanager.entrypoints.formats.terminal import printable, tab_separated


def discovery_lines(found: SiteForms) -> list[str]:
    lines = [f"{found.site}: {len(found.forms)} forms; each field's key, then its label, then the lead field it fills"]
    for form in found.forms:
        lines.append(_form_line(form))
        lines.extend(_field_line(f, by_label=form.form.by_label) for f in form.fields)
        lines.extend(
            f"  ! the mapping names {printable(name)!r}, which no field of this form is" for name in form.unmatched
        )
    lines.extend(f"form {form_id}: configured, but the site lists no such form" for form_id in found.missing)
    variable = f"LEADSMANAGER_WORDPRESS_{found.site.upper()}_FIELDS"
    lines.append(f"map fields as {variable}=<form>:<key or label>=<lead field>,… ({', '.join(LEAD_FIELDS)})")
    return lines


def _form_line(form: DiscoveredForm) -> str:
    about = [f"key {form.form.form_key}"] if form.form.form_key else []
    about += [f"{form.form.entries} entries"] if form.form.entries is not None else []
    about.append("synced" if form.synced else "not synced")
    return printable(f"form {form.form.form_id} {form.form.title!r}: {', '.join(about)}")


def _field_line(found: DiscoveredField, *, by_label: bool) -> str:
    field = found.field
    if not field.holds_value:
        note = "(no value of its own: map its inputs, below)"
    elif found.lead_field:
        note = f"-> {found.lead_field}"
    elif by_label and field.label and not found.by_label:
        note = "(its label is not unique: map it by key)"
    else:
        note = ""
    return "  " + tab_separated(field.key, field.label, note).rstrip("\t")
