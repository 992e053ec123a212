"""schemathesis against the app, from its own OpenAPI document.

Schema-valid requests: no 5xx, every response (status, content type, body) as documented.
Schema-invalid requests: rejected with a 4xx. Driven through schemathesis' strategies with
Hypothesis directly, since its pytest plugin does not load under this pytest version.
"""

from __future__ import annotations

import os
from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, assume, given, settings
from schemathesis.checks import not_a_server_error
from schemathesis.generation.modes import GenerationMode
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    negative_data_rejection,
    response_schema_conformance,
    status_code_conformance,
)

from leadsmanager.domain.actor import Actor
from leadsmanager.domain.api_key import Scope
from leadsmanager.entrypoints.api.openapi import document
from leadsmanager.entrypoints.bootstrap.container import Container
from leadsmanager.entrypoints.web.app import create_app
from tests.web.conftest import Staff

# The default run is derandomised so CI is repeatable; LEADSMANAGER_FUZZ_EXAMPLES=N explores N random examples.
EXPLORE = os.environ.get("LEADSMANAGER_FUZZ_EXAMPLES")
OPERATIONS = [(path, method) for path, ops in document()["paths"].items() for method in ops]
CHECKS = {
    GenerationMode.POSITIVE: [
        not_a_server_error,
        status_code_conformance,
        content_type_conformance,
        response_schema_conformance,
    ],
    GenerationMode.NEGATIVE: [not_a_server_error, negative_data_rejection, content_type_conformance],
}


def only_headers_mutated(case: schemathesis.Case[Any]) -> bool:
    """Header-only negatives are not negative here: the valid key replaces Authorization, and HTTP
    servers rightly ignore headers they do not know."""
    data = getattr(getattr(case.meta, "phase", None), "data", None)
    locations = {getattr(m, "parameter_location", None) for m in getattr(data, "mutations", ())}
    locations.add(getattr(data, "parameter_location", None))
    locations.discard(None)
    return bool(locations) and all(str(getattr(loc, "value", loc)) == "header" for loc in locations)


def structured_query(case: schemathesis.Case[Any]) -> bool:
    """Objects and lists in a query string serialise to nothing or to plain text: not negative on the wire."""
    return any(isinstance(v, dict | list) for v in (case.query or {}).values())


@pytest.mark.parametrize("mode", list(CHECKS), ids=str)
@pytest.mark.parametrize(("path", "method"), OPERATIONS, ids=[f"{m.upper()} {p}" for p, m in OPERATIONS])
def test_every_operation_answers_within_its_schema(
    container: Container, staff: Staff, path: str, method: str, mode: GenerationMode
) -> None:
    _, secret = container.api_keys().create("fuzz", frozenset(Scope), by=Actor.system())
    schema = schemathesis.openapi.from_asgi("/api/v1/openapi.json", create_app(container))
    operation = schema[path][method]

    @given(case=operation.as_strategy(generation_mode=mode))
    @settings(
        max_examples=int(EXPLORE or 60),
        derandomize=not EXPLORE,
        deadline=None,
        suppress_health_check=list(HealthCheck),
        database=None,
    )
    def check(case: schemathesis.Case[Any]) -> None:
        assume(not only_headers_mutated(case) and not structured_query(case))
        case.call_and_validate(headers={"Authorization": f"Bearer {secret}"}, checks=CHECKS[mode])

    check()
