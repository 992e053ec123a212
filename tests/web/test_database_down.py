"""While the database is down, a signed-in person still gets the product's own error page."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from typing import Any

import pytest
from sqlalchemy import event
from starlette.testclient import TestClient

from leadsmanager.entrypoints.bootstrap.container import Container
from leadsmanager.entrypoints.web.app import create_app
from tests.web.conftest import Staff, sign_in


@pytest.fixture
def signed_in(container: Container, staff: Staff) -> Iterator[TestClient]:
    # raise_server_exceptions=False: answer as the server would, not re-raise inside the test.
    with TestClient(create_app(container), follow_redirects=False, raise_server_exceptions=False) as client:
        yield sign_in(client, "manager@example.com")


def take_the_database_away(container: Container) -> None:
    engine = container.engine()

    def refuse(*args: Any, **kwargs: Any) -> None:
        raise sqlite3.OperationalError("unable to open database file")

    event.listen(engine, "do_connect", refuse)
    engine.dispose()  # no pooled connection left to hide it


@pytest.mark.parametrize(
    ("path", "status", "says"),
    [
        ("/", 503, "database is not available"),
        ("/leads", 503, "database is not available"),
        ("/leads/1", 503, "database is not available"),
        ("/users", 503, "database is not available"),
        ("/nowhere", 404, "nothing at this address"),
    ],
)
def test_signed_in_pages_answer_the_products_error_page_while_the_database_is_down(
    signed_in: TestClient, container: Container, path: str, status: int, says: str
) -> None:
    assert signed_in.get("/").status_code == 200
    take_the_database_away(container)

    response = signed_in.get(path)

    assert response.status_code == status
    assert response.headers["content-type"].startswith("text/html")
    assert '<link rel="stylesheet" href="/static/app.css">' in response.text
    assert says in response.text
    assert "Traceback" not in response.text
