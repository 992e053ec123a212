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
from attrs import evolve
from dependency_injector import providers
from hypothesis import HealthCheck, assume, given, settings
from schemathesis.checks import not_a_server_error
from schemathesis.generation.modes import GenerationMode
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    negative_data_rejection,
    response_schema_conformance,
    status_code_conformance,
)

from leadsmanager.adapters.form_sources.site import WordPressSite
from leadsmanager.domain.actor import Actor
from leadsmanager.domain.api_key import Scope
from leadsmanager.entrypoints.api.openapi import document
from leadsmanager.entrypoints.bootstrap.container import Container
from leadsmanager.entrypoints.web.app import create_app
from tests.web.conftest import Staff

# The default run is derandomised so CI is repeatable; LEADSMANAGER_FUZZ_EXAMPLES=N explores N random examples.
EXPLORE = os.environ.get("LEADSMANAGER_FUZZ_EXAMPLES")
FUZZ = settings(
    max_examples=int(EXPLORE or 60),
    derandomize=not EXPLORE,
    deadline=None,
    suppress_health_check=list(HealthCheck),
    database=None,
)
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


def takes_input(path: str, method: str) -> bool:
    """An operation with neither parameters nor a body has no negative data to send."""
    operation = document()["paths"][path][method]
    return bool(operation.get("parameters") or operation.get("requestBody") or "{" in path)


FUZZED = [
    (path, method, mode)
    for path, method in OPERATIONS
    for mode in CHECKS
    if mode is GenerationMode.POSITIVE or takes_input(path, method)
]


@pytest.mark.parametrize(("path", "method", "mode"), FUZZED, ids=[f"{m.upper()} {p}-{g}" for p, m, g in FUZZED])
def test_every_operation_answers_within_its_schema(
    container: Container, staff: Staff, path: str, method: str, mode: GenerationMode
) -> None:
    _, secret = container.api_keys().create("fuzz", frozenset(Scope), by=Actor.system())
    schema = schemathesis.openapi.from_asgi("/api/v1/openapi.json", create_app(container))
    operation = schema[path][method]

    @given(case=operation.as_strategy(generation_mode=mode))
    @FUZZ
    def check(case: schemathesis.Case[Any]) -> None:
        assume(not only_headers_mutated(case) and not structured_query(case))
        if mode is GenerationMode.NEGATIVE and case.headers:
            # A precondition is checked before the body, and a broken If-Match has its own refusal (412):
            # without it, the negative body itself must be refused.
            case.headers.pop("If-Match", None)
        case.call_and_validate(headers={"Authorization": f"Bearer {secret}"}, checks=CHECKS[mode])

    check()


PUSH_TOKEN = "fuzz-push-token-0123456789abcdef"
PUSH_OPERATIONS = [
    (p, m) for p, m in OPERATIONS if p.startswith(("/api/v1/intake/webhook/", "/api/v1/intake/elementor/"))
]


@pytest.mark.parametrize(("path", "method"), PUSH_OPERATIONS, ids=[f"{m.upper()} {p}" for p, m in PUSH_OPERATIONS])
def test_the_push_intakes_answer_any_body_to_a_configured_site_within_their_schema(
    container: Container, path: str, method: str
) -> None:
    """The site and form exist and the token is right: whatever the body, no 5xx and a documented answer."""
    site = WordPressSite("shop", "", "", "", {"contact": {}}, push_token=PUSH_TOKEN)
    container.settings.override(providers.Object(evolve(container.settings(), wordpress_sites=(site,))))
    schema = schemathesis.openapi.from_asgi("/api/v1/openapi.json", create_app(container))

    @given(case=schema[path][method].as_strategy(generation_mode=GenerationMode.POSITIVE))
    @FUZZ
    def check(case: schemathesis.Case[Any]) -> None:
        case.path_parameters = {**(case.path_parameters or {}), "site": "shop", "form_id": "contact"}
        case.query = {"token": PUSH_TOKEN}
        headers = {"Authorization": f"Bearer {PUSH_TOKEN}"}
        case.call_and_validate(headers=headers, checks=CHECKS[GenerationMode.POSITIVE])

    check()
