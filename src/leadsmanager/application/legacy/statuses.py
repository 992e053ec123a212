"""Where each of the original system's `estado` values lands in the `intralog` pipeline preset. The stages the
system ends with keep their key; the values it retired over two years, still found in old rows, go to the stage
that now means the same. `leadsmanager import legacy` prints this table, and `--status old=new` overrides a row."""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from leadsmanager.domain.errors import ValidationError

CURRENT = (
    "esperandoDatos",
    "faltaCotizar",
    "cotizado",
    "avanzando",
    "noAvanzo",
    "noViable",
    "nuevoCliente",
    "negativo",
)
RETIRED = {
    "pendiente": "esperandoDatos",  # waiting to be looked at: where new leads start now
    "asignado": "esperandoDatos",  # given to a rep who has not yet spoken to them
    "noDefinido": "esperandoDatos",
    "contactado": "faltaCotizar",  # spoken to; the quote is what comes next
    "pospuesto": "faltaCotizar",  # the customer asked to talk later: still before the quote
    "interesadoAvanzar": "avanzando",
    "gestionExitosa": "nuevoCliente",
}
DEFAULT_STATUS_MAP: Mapping[str, str] = {**{key: key for key in CURRENT}, **RETIRED}


def status_map(overrides: Iterable[str], *, stages: Iterable[str] = CURRENT) -> dict[str, str]:
    """The default table with `old=new` overrides applied; a target that is not a stage is refused."""
    known = tuple(stages)
    table = dict(DEFAULT_STATUS_MAP)
    for text in overrides:
        old, sep, new = (part.strip() for part in text.partition("="))
        if not sep or not old or not new:
            raise ValidationError(f"status override {text!r}: write it as old=new, e.g. pospuesto=avanzando")
        if new not in known:
            raise ValidationError(f"status override {text!r}: {new!r} is not a stage; use one of: {', '.join(known)}")
        table[old] = new
    return table
