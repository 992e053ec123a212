"""Who is acting: a signed-in user, or the system itself (CLI, scheduler, intake)."""

from __future__ import annotations

from attrs import frozen

from leadsmanager.domain.roles import Permission, Role, has_permission


@frozen
class Actor:
    user_id: int | None
    role: Role
    name: str

    @classmethod
    def system(cls) -> Actor:
        return cls(user_id=None, role=Role.ADMIN, name="system")

    def can(self, permission: Permission) -> bool:
        return has_permission(self.role, permission)

    def can_see(self, assignee_id: int | None) -> bool:
        if self.can(Permission.SEE_ALL_LEADS):
            return True
        return assignee_id is not None and assignee_id == self.user_id

    def can_work(self, assignee_id: int | None) -> bool:
        if self.can(Permission.WORK_ALL_LEADS):
            return True
        return self.can(Permission.WORK_OWN_LEADS) and self.can_see(assignee_id)
