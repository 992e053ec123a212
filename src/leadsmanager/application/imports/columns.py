"""Which column of a CSV file fills which field of a lead, and a row made into a LeadForm by it.

A column maps to a lead field (several columns may fill one: first and last name are joined), to the
lead's `campaign`, to the date the person wrote (`created_at`, or `date`), to the id the row had in the
other system (`external_id`, or `id`), to a UTM tag (`source` is `utm_source`), to `extra`, or to `ignore`.
A column not mapped but named like a field fills it, in English or as a Spanish spreadsheet heads it
(`Nombre`, `Correo electrónico`, `Teléfono`, `Razón social`, `Campaña`, `Fecha`...; accents and case aside),
the first such column of each field only; any other is kept as an extra of the lead, by its header's name.
"""

from __future__ import annotations

import hashlib
import unicodedata
from collections.abc import Mapping
from datetime import datetime, tzinfo

from attrs import field, frozen

from leadsmanager.application.imports.csv_file import CsvRow
from leadsmanager.application.imports.dates import parse_date
from leadsmanager.application.intake import LeadForm
from leadsmanager.application.intake.form_mapping import LEAD_FIELDS, LIMITS, SUBMITTED_AT, bounded_extras
from leadsmanager.domain.errors import ValidationError
from leadsmanager.domain.lead import UTM_FIELDS, Channel

CREATED_AT, EXTERNAL_ID, EXTRA, IGNORE = "created_at", "external_id", "extra", "ignore"
CAMPAIGN = "campaign"
ALIASES = {"date": CREATED_AT, "id": EXTERNAL_ID, "source": "utm_source"}
# Headers that fill a field when no mapping names their column, as Spanish spreadsheets write them (read
# without accents, in lower case): only the --map of a column, never a field's name.
HEADERS = {
    **dict.fromkeys(("nombre", "nombre y apellido", "nombre completo", "apellido y nombre"), "name"),
    **dict.fromkeys(("correo", "correo electronico", "e-mail", "mail"), "email"),
    **dict.fromkeys(("telefono", "celular", "whatsapp"), "phone"),
    **dict.fromkeys(("empresa", "razon social"), "company"),
    "servicio": "service",
    **dict.fromkeys(("mensaje", "consulta", "comentario", "comentarios", "observaciones"), "message"),
    "campana": CAMPAIGN,
    **dict.fromkeys(("fecha", "fecha de creacion", "fecha de alta", "fecha alta", "fecha de ingreso"), CREATED_AT),
}
FIELDS = (*LEAD_FIELDS, CAMPAIGN, CREATED_AT, EXTERNAL_ID, *UTM_FIELDS, "site", "form_id", EXTRA, IGNORE)
EXTERNAL_PREFIX = "csv/"  # an imported lead's external id: the row's id in the other system, or its content's hash


def field_name(name: str) -> str:
    """A field as the mapping names it (aliases resolved); a ValidationError listing the fields otherwise."""
    chosen = name.strip().lower()
    chosen = ALIASES.get(chosen, chosen)
    if chosen not in FIELDS:
        known = ", ".join((*FIELDS, *ALIASES))
        raise ValidationError(f"unknown field {name!r}; map a column to one of: {known}", {"map": "unknown field"})
    return chosen


@frozen
class ColumnMap:
    """The file's columns, in order, and the field each one fills."""

    columns: tuple[str, ...]
    fields: Mapping[str, str] = field(factory=dict)

    @classmethod
    def of(cls, columns: tuple[str, ...], given: Mapping[str, str]) -> ColumnMap:
        """The mapping `given` (column -> field) checked against the header; unmapped columns routed."""
        unknown = [c for c in given if c not in columns]
        if unknown:
            message = f"no column {unknown[0]!r} in the file; its columns are: {', '.join(map(repr, columns))}"
            raise ValidationError(message, {"map": "unknown column"})
        chosen = {column: field_name(name) for column, name in given.items()}
        taken = set(chosen.values())
        routed: dict[str, str] = {}
        for column in (c for c in columns if c not in chosen):
            routed[column] = _route(column, taken)
            taken.add(routed[column])  # a second 'Empresa' or 'Razón social' is an extra, not joined to it
        return cls(columns, {c: chosen.get(c) or routed[c] for c in columns})

    def reaches(self) -> bool:
        """Whether a column fills the email or the phone: without one, intake would refuse every row."""
        return any(f in {"email", "phone"} for f in self.fields.values())

    def lead_form(self, row: CsvRow, *, zone: tzinfo, latest: datetime) -> LeadForm:
        """The row as intake takes it; a ValidationError for a value intake cannot even be given."""
        if len(row.values) > len(self.columns):
            raise ValidationError(f"the row has {len(row.values)} values, the header {len(self.columns)} columns")
        values = dict(zip(self.columns, (*row.values, *[""] * (len(self.columns) - len(row.values))), strict=True))
        by_field: dict[str, list[str]] = {}
        extras: dict[str, str] = {}
        for column, value in values.items():
            target = self.fields[column]
            if target == EXTRA:
                extras[column] = value
            elif target != IGNORE and value.strip():
                by_field.setdefault(target, []).append(value.strip())
        text = {name: _joined(name, by_field.get(name, [])) for name in LEAD_FIELDS}
        created_at = _date(by_field.get(CREATED_AT, []), zone, latest)
        if created_at is not None:
            extras = {SUBMITTED_AT: created_at.isoformat(), **extras}
        return LeadForm(
            Channel.IMPORT,
            name=_name(text),
            email=text["email"],
            phone=text["phone"],
            company=text["company"],
            service=text["service"],
            message=text["message"],
            site=" ".join(by_field.get("site", [])),
            form_id=" ".join(by_field.get("form_id", [])),
            external_id=EXTERNAL_PREFIX + _external_id(by_field.get(EXTERNAL_ID, []), row.values),
            campaign=" ".join(by_field.get(CAMPAIGN, [])),
            extras=bounded_extras(extras),
            utm={k: " ".join(v) for k, v in by_field.items() if k in UTM_FIELDS},
            created_at=created_at,
        )


def _route(column: str, taken: set[str]) -> str:
    """An unmapped column named like a field fills it, unless a column fills that field already; else an extra."""
    said = column.strip().lower()
    plain = " ".join(unicodedata.normalize("NFKD", said).encode("ascii", "ignore").decode().split())
    name = ALIASES.get(said) or HEADERS.get(plain) or said
    return name if name in FIELDS and name not in (EXTRA, IGNORE) and name not in taken else EXTRA


def _name(text: Mapping[str, str]) -> str:
    """As the sync names a lead: a row someone can reach is never refused for a missing name."""
    if text["name"] or not (text["email"] or text["phone"]):
        return text["name"]
    return (text["company"] or text["email"])[: LIMITS["name"]]


def _joined(lead_field: str, parts: list[str]) -> str:
    return ("\n" if lead_field == "message" else " ").join(parts)


def _date(values: list[str], zone: tzinfo, latest: datetime) -> datetime | None:
    if not values:
        return None
    moment = parse_date(values[0], zone=zone)
    if moment > latest:
        raise ValidationError(f"the date {values[0]!r} is in the future", {CREATED_AT: "in the future"})
    return moment


def _external_id(ids: list[str], values: tuple[str, ...]) -> str:
    """The row's own id if mapped, else a hash of its values: the same row imported again is a duplicate."""
    if ids:
        return " ".join(ids)
    return hashlib.sha256("\x1f".join(v.strip() for v in values).encode()).hexdigest()[:40]
