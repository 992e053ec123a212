"""Roles and what each may do. Permissions are data, checked by the use cases."""

from __future__ import annotations

import enum

from leadsmanager.domain.errors import ValidationError


class Role(enum.StrEnum):
    ADMIN = "admin"
    MANAGER = "manager"
    EMPLOYEE = "employee"


class Permission(enum.StrEnum):
    SEE_ALL_LEADS = "see_all_leads"
    WORK_OWN_LEADS = "work_own_leads"
    WORK_ALL_LEADS = "work_all_leads"
    ASSIGN_LEADS = "assign_leads"
    ENTER_LEADS = "enter_leads"
    SEE_REPORTS = "see_reports"
    MANAGE_USERS = "manage_users"
    MANAGE_SOURCES = "manage_sources"  # the Sources page: form sites' health and the failed-submissions inbox
    IMPORT_LEADS = "import_leads"  # bring a file of existing leads in (admins)
    EDIT_STAGES = "edit_stages"  # the stages of the pipeline and their reasons (admins)


ROLE_PERMISSIONS: dict[Role, frozenset[Permission]] = {
    Role.ADMIN: frozenset(Permission),
    Role.MANAGER: frozenset(
        {
            Permission.SEE_ALL_LEADS,
            Permission.WORK_OWN_LEADS,
            Permission.WORK_ALL_LEADS,
            Permission.ASSIGN_LEADS,
            Permission.ENTER_LEADS,
            Permission.SEE_REPORTS,
        }
    ),
    Role.EMPLOYEE: frozenset({Permission.WORK_OWN_LEADS, Permission.ENTER_LEADS}),
}


def has_permission(role: Role, permission: Permission) -> bool:
    return permission in ROLE_PERMISSIONS[role]


def parse_role(value: str) -> Role:
    try:
        return Role(value.strip().lower())
    except ValueError:
        allowed = ", ".join(r.value for r in Role)
        message = f"unknown role {value!r}; use one of: {allowed}"
        raise ValidationError(message, {"role": message}) from None
