"""Names the pages show for values kept in English codes (roles, sources), in one language."""

from __future__ import annotations

from collections.abc import Callable

from leadsmanager.domain.channel import Channel
from leadsmanager.domain.lead import HistoryField
from leadsmanager.domain.roles import Role
from leadsmanager.entrypoints.formats.lead_text import DELETED_USER, NO_CAMPAIGN


def role_names(_: Callable[[str], str]) -> dict[str, str]:
    return {Role.ADMIN: _("admin"), Role.MANAGER: _("manager"), Role.EMPLOYEE: _("employee")}


def history_words(_: Callable[[str], str], pgettext: Callable[[str, str], str]) -> dict[str, str]:
    """What a lead's history line says besides its values: the field changed, and who did it."""
    return {
        HistoryField.STATUS: _("status"),
        HistoryField.ASSIGNEE: _("assignee"),
        HistoryField.NOTE: _("note"),
        HistoryField.RESUBMISSION: _("resubmission"),
        HistoryField.NAME: _("name"),
        HistoryField.EMAIL: _("email"),
        HistoryField.PHONE: _("phone"),
        HistoryField.COMPANY: _("company"),
        HistoryField.SERVICE: _("service"),
        HistoryField.MESSAGE: _("message"),
        HistoryField.CAMPAIGN: _("campaign"),
        "nobody": _("nobody"),
        "(none)": _("(none)"),
        NO_CAMPAIGN: pgettext("campaign", "(none)"),  # campaña is feminine: (ninguna)
        "system": _("system"),
        "reason": _("reason"),
        DELETED_USER: _("a deleted user"),
    }


def source_names(_: Callable[[str], str]) -> dict[str, str]:
    return {
        Channel.WEB_FORM: _("web form"),
        Channel.MANUAL: _("manual"),
        Channel.API: _("API"),
        Channel.WORDPRESS: _("WordPress"),
        Channel.IMPORT: _("import"),
    }


def import_field_names(_: Callable[[str], str]) -> dict[str, str]:
    """What the CSV import's column choices read as; the UTM tags keep their names, which the tools use."""
    return {
        "name": _("Name"),
        "email": _("Email"),
        "phone": _("Phone"),
        "company": _("Company"),
        "service": _("Service"),
        "message": _("Message"),
        "campaign": _("Campaign"),
        "created_at": _("Date they wrote"),
        "external_id": _("Id in the other system"),
        "site": _("Site"),
        "form_id": _("Form"),
        "extra": _("extra"),
        "ignore": _("ignore"),
    }
