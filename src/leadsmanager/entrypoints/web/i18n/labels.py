"""Names the pages show for values kept in English codes (roles, sources), in one language."""

from __future__ import annotations

from collections.abc import Callable

from leadsmanager.domain.channel import Channel
from leadsmanager.domain.roles import Role


def role_names(_: Callable[[str], str]) -> dict[str, str]:
    return {Role.ADMIN: _("admin"), Role.MANAGER: _("manager"), Role.EMPLOYEE: _("employee")}


def source_names(_: Callable[[str], str]) -> dict[str, str]:
    return {
        Channel.WEB_FORM: _("web form"),
        Channel.MANUAL: _("manual"),
        Channel.API: _("API"),
        Channel.WORDPRESS: _("WordPress"),
    }
