"""WordPress sites from the environment; the format is documented in docs/wordpress-plugin.md:

    LEADSMANAGER_WORDPRESS_SITES=shop,blog
    LEADSMANAGER_WORDPRESS_SHOP_KIND=leadsmanager      # optional: the API its forms are read through
    LEADSMANAGER_WORDPRESS_SHOP_URL=https://shop.example.com
    LEADSMANAGER_WORDPRESS_SHOP_USER=leadsmanager
    LEADSMANAGER_WORDPRESS_SHOP_PASSWORD=abcd efgh ijkl mnop qrst uvwx
    LEADSMANAGER_WORDPRESS_SHOP_FORMS=contact,quote
    LEADSMANAGER_WORDPRESS_SHOP_FIELDS=contact:your-name=name,contact:your-email=email,quote:budget=message
    LEADSMANAGER_WORDPRESS_SHOP_ROUTES=contact:I am=Looking for a job=>lost   # optional: answer=>stage
    LEADSMANAGER_WORDPRESS_SHOP_TOKEN=<24+ random URL-safe characters>  # optional: takes plugins' webhooks
    LEADSMANAGER_WORDPRESS_SHOP_ID_KEY=id       # optional: the pushed field with the plugin's entry id

A site with a token or a webhook secret may go without URL, user and password: it only takes pushes
(docs/form-sources.md, docs/wordpress-plugin.md).
Messages name the variable at fault, never a password or token.
"""

from __future__ import annotations

from collections.abc import Mapping

from leadsmanager.adapters.form_sources.site import SiteKind, WordPressSite
from leadsmanager.application.intake.form_mapping import SITE_NAME
from leadsmanager.application.intake.routing import StageRoute
from leadsmanager.domain.errors import ValidationError

PREFIX = "LEADSMANAGER_WORDPRESS_"
PULL_SETTINGS = ("URL", "USER", "PASSWORD")
# The variable behind a site's field, for messages that name it.
VARIABLE_OF = {"url": "URL", "push_token": "TOKEN", "id_key": "ID_KEY"}


def sites_from_env(environ: Mapping[str, str]) -> tuple[WordPressSite, ...]:
    """Every site listed in LEADSMANAGER_WORDPRESS_SITES; none when it is unset or empty."""
    names = [name.lower() for name in _words(environ.get(PREFIX + "SITES", ""))]
    for name in names:
        if not SITE_NAME.fullmatch(name) or names.count(name) > 1:
            raise ValidationError(f"{PREFIX}SITES: {name!r} is repeated or not 1-40 letters, digits or _")
    return tuple(_site(name, environ) for name in names)


def _site(name: str, environ: Mapping[str, str]) -> WordPressSite:
    prefix = f"{PREFIX}{name.upper()}_"

    def required(suffix: str) -> str:
        value = environ.get(prefix + suffix, "").strip()
        if not value:
            raise ValidationError(f"{prefix}{suffix} is not set", {prefix + suffix: "required"})
        return value

    def optional(suffix: str) -> str:
        return environ.get(prefix + suffix, "").strip()

    kind = _kind(optional("KIND"), variable=prefix + "KIND")
    forms = _words(required("FORMS"))
    mappings = _field_maps(optional("FIELDS"), forms, variable=prefix + "FIELDS")
    routes = stage_routes(optional("ROUTES"), forms, variable=prefix + "ROUTES")
    token = optional("TOKEN")
    # Without a way in for pushes a site is synced, as it always was; with one, all three or none of these.
    syncs = not (token or optional("WEBHOOK_SECRET")) or any(optional(s) for s in PULL_SETTINGS)
    url, user, password = (required(s) if syncs else "" for s in PULL_SETTINGS)
    try:
        return WordPressSite(
            name,
            url,
            user,
            password,
            {f: mappings.get(f, {}) for f in forms},
            webhook_secret=optional("WEBHOOK_SECRET"),
            kind=kind,
            push_token=token,
            id_key=optional("ID_KEY"),
            routes=routes,
        )
    except ValidationError as e:
        variable = prefix + VARIABLE_OF.get(next(iter(e.fields), ""), "*")
        raise ValidationError(f"{variable}: {e}", e.fields) from None


def _kind(text: str, *, variable: str) -> SiteKind:
    """The site's kind; unset means our own plugin's contract."""
    value = text.strip().lower() or SiteKind.LEADSMANAGER.value
    try:
        return SiteKind(value)
    except ValueError:
        kinds = ", ".join(k.value for k in SiteKind)
        raise ValidationError(f"{variable}: {value!r} is not one of {kinds}", {variable: "invalid"}) from None


def _field_maps(text: str, forms: tuple[str, ...], *, variable: str) -> dict[str, dict[str, str]]:
    """`form:field=leadfield` entries, comma separated; a field name may hold ':' or '=' but no comma."""
    mappings: dict[str, dict[str, str]] = {}
    for entry in _words(text):
        form_id, colon, rest = entry.partition(":")
        form_field, equals, lead_field = rest.rpartition("=")
        if not (colon and equals and form_field.strip()):
            raise ValidationError(f"{variable}: {entry!r} is not form:field=leadfield", {variable: "invalid"})
        if form_id.strip() not in forms:
            message = f"{variable}: form {form_id.strip()!r} is not listed in its _FORMS"
            raise ValidationError(message, {variable: "invalid"})
        mappings.setdefault(form_id.strip(), {})[form_field.strip()] = lead_field.strip().lower()
    return mappings


def stage_routes(text: str, forms: tuple[str, ...], *, variable: str) -> dict[str, list[StageRoute]]:
    """`form:field=answer=>stage` entries, comma separated, in the order they are tried. The field is
    read up to its first '=', the stage after the last '=>': an answer may hold ':', '/', '=' and
    accents, a field name no '=', neither a comma."""
    routes: dict[str, list[StageRoute]] = {}
    for entry in _words(text):
        form_id, colon, rest = entry.partition(":")
        choice, arrow, stage = rest.rpartition("=>")
        form_field, equals, answer = choice.partition("=")
        if not (colon and arrow and equals):
            raise ValidationError(f"{variable}: {entry!r} is not form:field=answer=>stage", {variable: "invalid"})
        if form_id.strip() not in forms:
            message = f"{variable}: form {form_id.strip()!r} is not listed in its _FORMS"
            raise ValidationError(message, {variable: "invalid"})
        try:
            routes.setdefault(form_id.strip(), []).append(StageRoute(form_field, answer, stage))
        except ValidationError as e:
            raise ValidationError(f"{variable}: {entry!r}: {e}", {variable: "invalid"}) from None
    return routes


def _words(value: str) -> tuple[str, ...]:
    return tuple(w.strip() for w in value.split(",") if w.strip())
