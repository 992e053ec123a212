"""Pipelines shipped as data: `default` (the stages LeadsManager always had) and `intralog`."""

from __future__ import annotations

from leadsmanager.domain.errors import NotFound
from leadsmanager.domain.pipeline.pipeline import Pipeline
from leadsmanager.domain.pipeline.stage import Stage, StageKind

OPEN, W, L, S, X = StageKind.OPEN, StageKind.WON, StageKind.LOST, StageKind.SPAM, StageKind.EXCLUDED


def _stages(*rows: tuple[str, str, str, StageKind]) -> tuple[Stage, ...]:
    return tuple(Stage(key, {"en": en, "es": es}, n, kind) for n, (key, en, es, kind) in enumerate(rows, 1))


# Labels are the keys themselves in English, as the product always showed them.
DEFAULT = Pipeline.of(
    _stages(
        ("new", "new", "nuevo", OPEN),
        ("contacted", "contacted", "contactado", OPEN),
        ("qualified", "qualified", "calificado", OPEN),
        ("proposal", "proposal", "propuesta", OPEN),
        ("won", "won", "ganado", W),
        ("lost", "lost", "perdido", L),
        ("spam", "spam", "spam", S),
    ),
    start="new",
)

INTRALOG = Pipeline.of(
    _stages(
        ("esperandoDatos", "1) Waiting for details", "1) Esperando datos", OPEN),
        ("faltaCotizar", "2) Quote pending", "2) Falta cotizar", OPEN),
        ("cotizado", "3) Quoted", "3) Cotizado", OPEN),
        ("avanzando", "4) Moving ahead", "4) Avanzando", OPEN),
        ("noAvanzo", "5) Did not go ahead", "5) No avanzó", L),
        ("noViable", "6) Not viable", "6) No viable", L),
        ("nuevoCliente", "7) New customer", "7) Nuevo cliente", W),
        ("negativo", "8) Not a prospect", "8) Negativo", X),
        ("spam", "Spam", "Spam", S),
    ),
    start="esperandoDatos",
)

PRESETS: dict[str, Pipeline] = {"default": DEFAULT, "intralog": INTRALOG}


def preset(name: str) -> Pipeline:
    try:
        return PRESETS[name]
    except KeyError:
        raise NotFound(f"there is no preset {name!r}; use one of: {', '.join(PRESETS)}") from None
