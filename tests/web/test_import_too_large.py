"""A CSV file larger than the import page takes is sent back to the page, which says so in the reader's
language (the body limit stops reading it)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from starlette.testclient import TestClient

from leadsmanager.entrypoints.bootstrap.container import Container
from tests.support import FakeClock
from tests.web.conftest import Staff, csrf_of, deployment, web_settings
from tests.web.test_languages import choose_language

LIMIT = 1_000_000


@pytest.fixture
def container(tmp_path: Path, clock: FakeClock) -> Iterator[Container]:
    yield from deployment(web_settings(tmp_path, import_max_bytes=LIMIT), clock)


def test_a_file_over_the_limit_is_sent_back_to_the_page_which_says_why_in_spanish(
    as_role: Callable[[str], TestClient], staff: Staff
) -> None:
    admin = as_role("admin")
    choose_language(admin, "es")
    token = csrf_of(admin.get("/imports/csv").text)
    big = b"name,email\n" + b"Ana,ana@example.com\n" * (LIMIT // 20 + 1)
    sent = admin.post("/imports/csv", data={"csrf_token": token}, files={"file": ("grande.csv", big, "text/csv")})
    assert sent.status_code == 303 and sent.headers["location"] == "/imports/csv?refused=too-large"
    page = admin.get(sent.headers["location"]).text
    assert "Ese archivo pesa más de 1 MB, lo máximo que acepta esta página" in page
    assert "Ese archivo" not in admin.get("/imports/csv").text
