"""The `formidable` kind against a fake of Formidable's API add-on on loopback: the walk newest first, its
pages served oldest first, the entries' shape and the add-on's refusals."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest

from leadsmanager.adapters.form_sources.client import SiteClient
from leadsmanager.adapters.form_sources.formidable.source import FormidableSource
from leadsmanager.adapters.form_sources.site import SiteKind, WordPressSite
from leadsmanager.adapters.service_probes import wordpress_probe
from leadsmanager.application.sync_types import FormSourceAuthFailed, FormSourceBadResponse, SubmissionPage
from tests.integration.fake_sources.formidable import API_KEY, FakeFormidable, FrmField
from tests.integration.fake_sources.site import PASSWORD, USERNAME
from tests.integration.fake_wordpress import Fault, quick_policy

CONTACT = (
    FrmField("nombre", "Nombre y Apellido"),
    FrmField("correo", "Correo electrónico", "email"),
    FrmField("servicios", "Servicios", "checkbox"),
    FrmField("pedidos", "Cantidad de pedidos", "select", (("Menos de 100", "lt100"), ("Más de 100", "gt100"))),
    FrmField("mensaje", "Mensaje", "textarea"),
    FrmField("seccion", "Datos", "divider"),
)


def person(n: int, **meta: Any) -> dict[str, Any]:
    return {"nombre": f"Ana {n}", "correo": f"ana{n}@example.com", **meta}


@pytest.fixture
def site() -> Iterator[FakeFormidable]:
    with FakeFormidable() as fake:
        fake.add_form(4, "contacto", "Contacto", *CONTACT)
        fake.add_form(5, "cotizacion", "Cotización", FrmField("correo", "Correo"))
        yield fake


def source_for(fake: FakeFormidable, *, user: str = USERNAME, password: str = PASSWORD) -> FormidableSource:
    config = WordPressSite("shop", fake.url, user, password, {"4": {}, "5": {}}, kind=SiteKind.FORMIDABLE)
    return FormidableSource([config], client=SiteClient(policy=quick_policy([], attempts=1)))


def every_page(
    source: FormidableSource, form_id: str = "4", *, after_id: str | None = None, limit: int = 100
) -> list[SubmissionPage]:
    pages = [source.fetch("shop", form_id, after_id=after_id, limit=limit)]
    while pages[-1].has_more:
        pages.append(source.fetch("shop", form_id, after_id=pages[-1].next_after_id, limit=limit))
    return pages


def ids(pages: list[SubmissionPage]) -> list[str]:
    return [s.id for page in pages for s in page.submissions]


def pages_asked(site: FakeFormidable) -> list[str]:
    return [r.query["page"] for r in site.seen]


def test_the_walk_reads_newest_first_once_and_serves_oldest_first(site: FakeFormidable) -> None:
    made = site.add(4, *(person(n) for n in range(250)))
    pages = every_page(source_for(site), limit=100)
    assert ids(pages) == made
    assert [(len(p.submissions), p.has_more) for p in pages] == [(100, True), (100, True), (50, False)]
    assert pages_asked(site) == ["1", "2", "3"]  # the pages walked once, not again for each page served
    assert site.seen[0].form_id == "forms/4/entries"
    assert site.seen[0].query == {"order_by": "id", "order": "desc", "page_size": "100", "page": "1"}


def test_the_walk_stops_at_the_page_that_reaches_the_cursor(site: FakeFormidable) -> None:
    made = site.add(4, *(person(n) for n in range(250)))
    assert ids(every_page(source_for(site), after_id=made[180])) == made[181:]
    assert pages_asked(site) == ["1"]
    site.seen.clear()
    assert ids(every_page(source_for(site), after_id=made[120])) == made[121:]
    assert pages_asked(site) == ["1", "2"]


def test_an_entry_arriving_during_the_walk_is_read_twice_and_kept_once(site: FakeFormidable) -> None:
    made = site.add(4, *(person(n) for n in range(150)))
    site.arriving["1"] = [(4, person(999))]
    got = ids(every_page(source_for(site)))
    assert got == made  # the newcomer waits for the next run; its neighbour is not kept twice
    assert ids(every_page(source_for(site), after_id=got[-1])) == ["151"]


def test_a_fetch_from_another_position_walks_anew(site: FakeFormidable) -> None:
    made = site.add(4, *(person(n) for n in range(5)))
    source = source_for(site)
    first = source.fetch("shop", "4", after_id=None, limit=2)
    assert [s.id for s in first.submissions] == made[:2]
    again = source.fetch("shop", "4", after_id=made[3], limit=2)
    assert [s.id for s in again.submissions] == made[4:] and not again.has_more
    assert pages_asked(site) == ["1", "1"]


def test_meta_by_field_key_shown_values_kept_lists_joined_empties_absent(site: FakeFormidable) -> None:
    site.add(4, person(1, servicios=["Almacenamiento", "Cross-docking"], pedidos="gt100", mensaje=""))
    [got] = source_for(site).fetch("shop", "4", after_id=None, limit=10).submissions
    assert got.fields == {
        "nombre": "Ana 1",
        "correo": "ana1@example.com",
        "servicios": "Almacenamiento, Cross-docking",
        "pedidos": "Más de 100",
    }
    assert got.created_at.isoformat() == "2026-03-01T09:00:00+00:00"


def test_the_api_key_as_user_name_reads_entries_too(site: FakeFormidable) -> None:
    site.add(4, person(1))
    assert len(every_page(source_for(site, user=API_KEY, password="x"))[0].submissions) == 1


def test_an_empty_or_unknown_form_is_one_empty_last_page(site: FakeFormidable) -> None:
    assert every_page(source_for(site), "5") == [SubmissionPage((), has_more=False, next_after_id=None)]
    assert every_page(source_for(site), "nope") == [SubmissionPage((), has_more=False, next_after_id=None)]


def test_an_inactive_add_on_names_the_fix(site: FakeFormidable) -> None:
    site.active = False
    with pytest.raises(FormSourceBadResponse) as caught:
        source_for(site).fetch("shop", "4", after_id=None, limit=10)
    assert caught.value.detail.startswith("Formidable's API is not there: activate the Formidable API add-on")
    assert caught.value.detail.endswith("(HTTP 404, rest_no_route)")


def test_a_user_without_the_capability_is_told_what_to_grant(site: FakeFormidable) -> None:
    site.can_view_entries = False
    with pytest.raises(FormSourceAuthFailed) as caught:
        source_for(site).fetch("shop", "4", after_id=None, limit=10)
    assert "give the user in LEADSMANAGER_WORDPRESS_SHOP_USER the frm_view_entries capability" in caught.value.detail
    assert caught.value.detail.endswith("(HTTP 403, rest_forbidden_context)")


def test_a_wrong_api_key_is_an_unknown_user_and_stays_secret(site: FakeFormidable) -> None:
    with pytest.raises(FormSourceAuthFailed) as caught:
        source_for(site, user="WRONG-KEY-0000", password="x").fetch("shop", "4", after_id=None, limit=10)
    assert caught.value.detail.startswith("WordPress knows no such user: set LEADSMANAGER_WORDPRESS_SHOP_USER")
    assert "WRONG-KEY" not in str(caught.value)


def test_a_wrong_application_password_is_refused_credentials(site: FakeFormidable) -> None:
    with pytest.raises(FormSourceAuthFailed, match=r"HTTP 401, incorrect_password\): check the user and"):
        source_for(site, password="not the password").fetch("shop", "4", after_id=None, limit=10)


def entries(*ids: int) -> bytes:
    def entry(n: int) -> dict[str, Any]:
        return {
            "id": str(n),
            "item_key": f"k{n}",
            "meta": {"correo": "x@example.com"},
            "created_at": "2026-03-01 09:00:00",
        }

    return json.dumps({f"k{n}": entry(n) for n in ids}).encode()


@pytest.mark.parametrize(
    ("bodies", "says"),
    [
        ([b"<html>Error establishing a database connection</html>"], "the body is not valid JSON"),
        ([b'{"k1": {"id": "1", "meta": {"correo": "\xfe"}}}'], "the body is not UTF-8"),
        ([entries(5, 7, 6)], "ids must descend; page 1 goes back up to 7 after 5"),
        ([entries(*range(400, 200, -2)), entries(251, 150)], "ids must descend; page 2 goes back up to 251 after 202"),
        (
            [entries(*range(300, 200, -1)), entries(*range(300, 200, -1))],
            "page 2 repeats the entries before it: the site seems to ignore paging",
        ),
        ([b'[{"id": "1"}]'], "expected an object of entries keyed by item_key"),
        ([entries(3).replace(b'"meta": {', b'"meta": "x", "m": {')], "entry 'k3': 'meta' should be an object"),
        ([entries(3).replace(b'"3"', b'"three"')], "entry 'k3': 'id' is missing or not a decimal number"),
    ],
)
def test_a_page_off_the_api_fails_the_whole_walk_clearly(site: FakeFormidable, bodies: list[bytes], says: str) -> None:
    for body in bodies:
        site.fail_next(Fault(status=200, body=body))
    with pytest.raises(FormSourceBadResponse) as caught:
        source_for(site).fetch("shop", "4", after_id=None, limit=10)
    assert caught.value.detail.startswith(f"the response is not Formidable's API's: {says}")


def test_a_30_mb_page_stops_at_the_cap_and_a_100k_value_comes_whole(site: FakeFormidable) -> None:
    site.fail_next(Fault(status=200, body=b'{"k": "' + b"x" * 30_000_000 + b'"}'))
    with pytest.raises(FormSourceBadResponse, match="the response is larger than 20,000,000 bytes"):
        source_for(site).fetch("shop", "4", after_id=None, limit=10)
    site.add(4, person(1, mensaje="ñ" * 100_000))
    [got] = source_for(site).fetch("shop", "4", after_id=None, limit=10).submissions
    assert got.fields["mensaje"] == "ñ" * 100_000


def test_check_reaches_the_site_with_one_page_of_the_kinds_own_request(site: FakeFormidable) -> None:
    site.add(4, *(person(n) for n in range(250)))
    config = WordPressSite("shop", site.url, USERNAME, PASSWORD, {"4": {}}, kind=SiteKind.FORMIDABLE)
    probe = wordpress_probe(config)
    assert probe.ok, probe.detail
    assert [(r.form_id, r.query["page"], r.query["order"]) for r in site.seen] == [("forms/4/entries", "1", "desc")]
    site.active = False
    assert wordpress_probe(config).detail.startswith("Formidable's API is not there")
