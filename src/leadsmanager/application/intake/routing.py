"""Routing a form's submission to a stage by one field's answer (LEADSMANAGER_WORDPRESS_<SITE>_ROUTES).

INTRALOG's form 3 asks what the writer wants; those who answer "Busco trabajo/ Ofrezco productos o
servicios" are job seekers and vendors, not sales: their leads go straight to the excluded stage
`negativo`. An answer matches trimmed, whitespace collapsed and case aside, whole or as one choice of a
multi-choice answer (choices arrive joined by ", "). The stage is a key of the configured pipeline,
which lives in the database: `leadsmanager check` names routes to stages it lacks, and intake puts a
submission routed to an unknown or retired stage in the starting stage, with a warning in the log.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from attrs import Attribute, field, frozen

from leadsmanager.application.intake.labels import field_label
from leadsmanager.domain.errors import ValidationError
from leadsmanager.domain.pipeline import Pipeline
from leadsmanager.domain.pipeline.stage import KEY_PATTERN


def _check_stage(_: Any, attribute: Attribute[str], value: str) -> None:
    if not KEY_PATTERN.fullmatch(value):
        message = f"{value!r} is not a stage key (a letter, then letters, digits or _, at most 16)"
        raise ValidationError(message, {"routes": "invalid stage"})


def _check_filled(_: Any, attribute: Attribute[str], value: str) -> None:
    if not value:
        name = attribute.name.replace("_", " ")
        raise ValidationError(f"a route needs a {name}", {"routes": f"no {name}"})


def _stripped(text: str) -> str:
    return text.strip()


def answer_key(text: str) -> str:
    """An answer as routes compare it: trimmed, whitespace collapsed, case aside."""
    return field_label(text).casefold()


@frozen
class StageRoute:
    """Submissions whose field `form_field` answers `answer` go to stage `stage`."""

    form_field: str = field(converter=field_label, validator=_check_filled)
    answer: str = field(converter=field_label, validator=_check_filled)
    stage: str = field(converter=_stripped, validator=_check_stage)

    def matches(self, values: Mapping[str, str]) -> bool:
        """Whether the submission (values by field label) gives this answer, alone or among its choices."""
        given = values.get(self.form_field, "")
        wanted = answer_key(self.answer)
        return answer_key(given) == wanted or any(answer_key(part) == wanted for part in given.split(","))

    @property
    def because(self) -> str:
        """What the lead's history says sent it there."""
        return f'the form\'s answer "{self.answer}" to "{self.form_field}"'


def route_of(routes: Sequence[StageRoute], values: Mapping[str, str]) -> StageRoute | None:
    """The first route, in the order configured, that the submission's answers match."""
    return next((route for route in routes if route.matches(values)), None)


def unknown_stages(routes: Sequence[StageRoute], pipeline: Pipeline) -> list[str]:
    """The routed stages `pipeline` lacks, or has retired (they take no new leads), in order, once each."""
    wanted = dict.fromkeys(route.stage for route in routes)
    return [key for key in wanted if (stage := pipeline.find(key)) is None or stage.retired]
