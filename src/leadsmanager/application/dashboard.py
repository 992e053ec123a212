"""The dashboard: where the leads stand, and who is waiting for a first call."""

from __future__ import annotations

from collections.abc import Callable

from attrs import Factory, frozen

from leadsmanager.application.leads import owner_names
from leadsmanager.application.ports import LeadViewsFactory
from leadsmanager.application.queries import LeadQuery
from leadsmanager.domain.actor import Actor
from leadsmanager.domain.lead import Lead
from leadsmanager.domain.pipeline import Pipeline, StageKind
from leadsmanager.domain.roles import Permission


@frozen
class DashboardView:
    counts: dict[str, int]
    my_open: list[Lead]
    waiting: list[Lead]  # still in the starting stage, longest waiting first
    owners: dict[int, str] = Factory(dict)  # the waiting leads' owners by name, for those who see everyone's

    @property
    def total(self) -> int:
        return sum(self.counts.values())


class Dashboard:
    def __init__(self, views: LeadViewsFactory, stages: Callable[[], Pipeline], *, rows: int = 10) -> None:
        self._views = views
        self._stages = stages
        self._rows = rows

    def __call__(self, *, by: Actor) -> DashboardView:
        sees_all = by.can(Permission.SEE_ALL_LEADS)
        if not sees_all and by.user_id is None:
            return DashboardView({}, [], [])
        scope = None if sees_all else by.user_id
        pipeline = self._stages()
        mine = LeadQuery(statuses=tuple(pipeline.of_kind(StageKind.OPEN)), assignee_id=by.user_id, limit=self._rows)
        waiting = LeadQuery(statuses=(pipeline.start,), assignee_id=scope, limit=self._rows, oldest_first=True)
        with self._views() as views:
            my_open = views.list(mine).leads if by.user_id is not None else []
            waited = views.list(waiting).leads
            owners = owner_names(views, waited) if sees_all else {}
            return DashboardView(views.count_by_status(scope), my_open, waited, owners)
