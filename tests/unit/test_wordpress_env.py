"""WordPress sites from environment variables: every mistake names its variable, never a password."""

from __future__ import annotations

from pathlib import Path

import pytest

from leadsmanager.adapters.form_sources.env import sites_from_env
from leadsmanager.adapters.form_sources.site import SiteKind, WordPressSite
from leadsmanager.domain.errors import ValidationError
from leadsmanager.entrypoints.bootstrap.container import build
from leadsmanager.entrypoints.bootstrap.settings import Settings

SECRET = "abcd efgh ijkl mnop"


def environ(**changes: str) -> dict[str, str]:
    values = {
        "LEADSMANAGER_WORDPRESS_SITES": "shop, Blog",
        "LEADSMANAGER_WORDPRESS_SHOP_URL": "https://shop.example.com/",
        "LEADSMANAGER_WORDPRESS_SHOP_USER": "sync",
        "LEADSMANAGER_WORDPRESS_SHOP_PASSWORD": SECRET,
        "LEADSMANAGER_WORDPRESS_SHOP_FORMS": "contact, quote",
        "LEADSMANAGER_WORDPRESS_SHOP_FIELDS": (
            "contact:first-name=name, contact:last-name=name, contact:your-email=Email, quote:field:1.3=phone"
        ),
        "LEADSMANAGER_WORDPRESS_BLOG_URL": "https://example.org/blog",
        "LEADSMANAGER_WORDPRESS_BLOG_USER": "sync",
        "LEADSMANAGER_WORDPRESS_BLOG_PASSWORD": SECRET,
        "LEADSMANAGER_WORDPRESS_BLOG_FORMS": "7",
    }
    values.update(changes)
    return {k: v for k, v in values.items() if v != "<unset>"}


def test_every_listed_site_is_read_with_its_forms_and_field_mappings() -> None:
    shop, blog = sites_from_env(environ())
    assert (shop.name, shop.base_url, shop.username, shop.app_password) == (
        "shop",
        "https://shop.example.com",
        "sync",
        SECRET,
    )
    assert shop.forms == {
        "contact": {"first-name": "name", "last-name": "name", "your-email": "email"},
        "quote": {"field:1.3": "phone"},
    }
    assert (blog.name, blog.base_url, blog.forms) == ("blog", "https://example.org/blog", {"7": {}})


@pytest.mark.parametrize("sites", ["<unset>", "", " , "])
def test_no_sites_listed_means_no_sync(sites: str) -> None:
    assert sites_from_env(environ(LEADSMANAGER_WORDPRESS_SITES=sites)) == ()


@pytest.mark.parametrize(
    ("changes", "named"),
    [
        ({"LEADSMANAGER_WORDPRESS_SHOP_URL": "<unset>"}, "LEADSMANAGER_WORDPRESS_SHOP_URL is not set"),
        ({"LEADSMANAGER_WORDPRESS_BLOG_PASSWORD": " "}, "LEADSMANAGER_WORDPRESS_BLOG_PASSWORD is not set"),
        ({"LEADSMANAGER_WORDPRESS_SHOP_FORMS": ""}, "LEADSMANAGER_WORDPRESS_SHOP_FORMS is not set"),
        ({"LEADSMANAGER_WORDPRESS_SITES": "shop,shop"}, "LEADSMANAGER_WORDPRESS_SITES: 'shop' is repeated"),
        ({"LEADSMANAGER_WORDPRESS_SITES": "my-shop"}, "LEADSMANAGER_WORDPRESS_SITES: 'my-shop'"),
        ({"LEADSMANAGER_WORDPRESS_SHOP_FIELDS": "contact:email"}, "_SHOP_FIELDS: 'contact:email' is not form:field"),
        ({"LEADSMANAGER_WORDPRESS_SHOP_FIELDS": "news:email=email"}, "form 'news' is not listed in its _FORMS"),
        ({"LEADSMANAGER_WORDPRESS_SHOP_FIELDS": "contact:x=budget"}, "_SHOP_*: field 'x' must map to one of name"),
        ({"LEADSMANAGER_WORDPRESS_SHOP_FORMS": "contact us", "LEADSMANAGER_WORDPRESS_SHOP_FIELDS": ""}, "form id"),
        ({"LEADSMANAGER_WORDPRESS_SHOP_URL": "ftp://shop.example.com"}, "is not an http(s) address"),
        ({"LEADSMANAGER_WORDPRESS_SHOP_URL": "https://shop.example.com/?a=1"}, "is not an http(s) address"),
        ({"LEADSMANAGER_WORDPRESS_SHOP_URL": "http://shop.example.com"}, "must use https"),
    ],
)
def test_a_mistake_names_the_variable_or_site_at_fault(changes: dict[str, str], named: str) -> None:
    with pytest.raises(ValidationError) as caught:
        sites_from_env(environ(**changes))
    assert named in str(caught.value)
    assert SECRET not in str(caught.value)


def test_credentials_in_the_url_are_refused_without_echoing_them() -> None:
    with pytest.raises(ValidationError, match="must not contain a user or password") as caught:
        sites_from_env(environ(LEADSMANAGER_WORDPRESS_SHOP_URL="https://sync:hunter22@shop.example.com"))
    assert "hunter22" not in str(caught.value)


def test_plain_http_is_allowed_on_loopback_only() -> None:
    site = WordPressSite("local", "http://127.0.0.1:8080/", "u", "p")
    assert site.base_url == "http://127.0.0.1:8080"


def test_a_site_repr_shows_where_but_not_how_to_log_in() -> None:
    [shop, _] = sites_from_env(environ())
    assert "shop.example.com" in repr(shop)
    assert SECRET not in repr(shop) and "sync" not in repr(shop)


def test_a_site_names_the_api_its_forms_are_read_through() -> None:
    shop, blog = sites_from_env(environ(LEADSMANAGER_WORDPRESS_SHOP_KIND=" Intralog-Legacy "))
    assert shop.kind is SiteKind.INTRALOG_LEGACY
    assert blog.kind is SiteKind.LEADSMANAGER  # unset: our own plugin's contract


def test_an_unknown_kind_is_refused_naming_the_variable_and_the_kinds() -> None:
    with pytest.raises(ValidationError, match=r"LEADSMANAGER_WORDPRESS_SHOP_KIND.*'ninjaforms'.*gravityforms"):
        sites_from_env(environ(LEADSMANAGER_WORDPRESS_SHOP_KIND="ninjaforms"))


def test_field_mappings_may_name_labels_with_spaces_and_accents() -> None:
    fields = (
        "4:Correo electrónico=email, 4:Razón Social o nombre de la empresa=company,"
        " 4:Nombre y Apellido = name, 3:E-mail=email"
    )
    (shop, _) = sites_from_env(
        environ(LEADSMANAGER_WORDPRESS_SHOP_FORMS="3, 4", LEADSMANAGER_WORDPRESS_SHOP_FIELDS=fields)
    )
    assert dict(shop.forms["4"]) == {
        "Correo electrónico": "email",
        "Razón Social o nombre de la empresa": "company",
        "Nombre y Apellido": "name",
    }
    assert dict(shop.forms["3"]) == {"E-mail": "email"}


TOKEN = "Zr8w3Tq-pL0_vY7nK2sD9hXc4b"


def pushing(**changes: str) -> dict[str, str]:
    """The shop takes pushes only: a token and its forms, no URL, user or password."""
    unset = dict.fromkeys(("URL", "USER", "PASSWORD"), "<unset>")
    settings = {f"LEADSMANAGER_WORDPRESS_SHOP_{k}": v for k, v in {**unset, "TOKEN": TOKEN}.items()}
    return environ(**{**settings, **changes})


def test_a_site_with_a_push_token_needs_no_url_user_or_password() -> None:
    shop, blog = sites_from_env(pushing(LEADSMANAGER_WORDPRESS_SHOP_ID_KEY=" item_id "))
    assert (shop.syncs, shop.takes_pushes, shop.push_token, shop.id_key) == (False, True, TOKEN, "item_id")
    assert (blog.syncs, blog.takes_pushes) == (True, False)
    assert TOKEN not in repr(shop)


def test_a_site_with_only_our_plugins_webhook_secret_takes_its_signed_pushes_and_is_not_synced() -> None:
    shop, _ = sites_from_env(
        pushing(LEADSMANAGER_WORDPRESS_SHOP_TOKEN="<unset>", LEADSMANAGER_WORDPRESS_SHOP_WEBHOOK_SECRET="s" * 32)
    )
    assert (shop.syncs, shop.takes_pushes, shop.push_token) == (False, True, "")


def test_a_site_that_syncs_may_take_pushes_too() -> None:
    [shop, _] = sites_from_env(environ(LEADSMANAGER_WORDPRESS_SHOP_TOKEN=TOKEN))
    assert shop.syncs and shop.takes_pushes and shop.base_url == "https://shop.example.com"


@pytest.mark.parametrize(
    ("changes", "named"),
    [
        (
            {"LEADSMANAGER_WORDPRESS_SHOP_URL": "https://shop.example.com"},
            "LEADSMANAGER_WORDPRESS_SHOP_USER is not set",
        ),
        ({"LEADSMANAGER_WORDPRESS_SHOP_PASSWORD": SECRET}, "LEADSMANAGER_WORDPRESS_SHOP_URL is not set"),
        ({"LEADSMANAGER_WORDPRESS_SHOP_TOKEN": "<unset>"}, "LEADSMANAGER_WORDPRESS_SHOP_URL is not set"),
        ({"LEADSMANAGER_WORDPRESS_SHOP_TOKEN": "too-short-1234"}, "LEADSMANAGER_WORDPRESS_SHOP_TOKEN: "),
        ({"LEADSMANAGER_WORDPRESS_SHOP_TOKEN": TOKEN + ":x"}, "must be 24-200 letters, digits"),
        ({"LEADSMANAGER_WORDPRESS_SHOP_ID_KEY": "x" * 101}, "LEADSMANAGER_WORDPRESS_SHOP_ID_KEY: "),
    ],
    ids=["url without user", "password alone", "no token", "short token", "token with a colon", "long id key"],
)
def test_a_push_site_half_configured_is_refused_naming_the_variable(changes: dict[str, str], named: str) -> None:
    with pytest.raises(ValidationError) as caught:
        sites_from_env(pushing(**changes))
    assert named in str(caught.value)
    assert TOKEN[:10] not in str(caught.value) and "too-short" not in str(caught.value)


def test_the_sync_leaves_push_only_sites_alone(tmp_path: Path) -> None:
    settings = Settings(tmp_path, f"sqlite:///{tmp_path / 'db'}", None, "US", wordpress_sites=sites_from_env(pushing()))
    built = build(settings)
    try:
        assert {form.site for form in built.sync_forms().chosen()} == {"blog"}
        assert {form.site for form in built.synced_forms()} == {"shop", "blog"}  # the inbox replays them all
    finally:
        built.shutdown_resources()
