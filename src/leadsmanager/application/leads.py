"""Working a lead: its details, status, assignment, notes, reading it and listing many."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping

from attrs import evolve, field, frozen

from leadsmanager.application.editing import correct_details, corrections
from leadsmanager.application.intake import SubmitResult
from leadsmanager.application.intake.normalisation import NO_REGION, clean_message, too_long
from leadsmanager.application.job_types import Notice
from leadsmanager.application.ports import Clock, LeadViews, LeadViewsFactory, UnitOfWork, UnitOfWorkFactory
from leadsmanager.application.queries import MAX_PAGE_SIZE, LeadPage, LeadQuery, LeadStats, StatsQuery
from leadsmanager.application.transactions import in_transaction
from leadsmanager.domain.actor import Actor
from leadsmanager.domain.errors import Conflict, NotFound, PermissionDenied, TransientConflict, ValidationError
from leadsmanager.domain.lead import HistoryField, Lead
from leadsmanager.domain.pipeline import Pipeline
from leadsmanager.domain.roles import Permission


@frozen
class LeadView:
    """A lead with its whole history, and the names of the people it mentions."""

    lead: Lead
    people: dict[int, str]


def shown_to(actor: Actor, lead_id: int, lead: Lead | None) -> Lead:
    """Someone else's lead is 'not found' to an employee: its existence is not theirs to know."""
    if lead is None or not actor.can_see(lead.assignee_id):
        raise NotFound(f"lead {lead_id} was not found")
    return lead


def load_workable(uow: UnitOfWork, lead_id: int, actor: Actor, expected_version: int | None) -> Lead:
    lead = shown_to(actor, lead_id, uow.leads.get(lead_id))
    if not actor.can_work(lead.assignee_id):
        raise PermissionDenied("you may not change this lead")
    if expected_version is not None and expected_version != lead.version:
        raise Conflict(f"lead {lead_id} was changed by someone else; reload it and try again")
    return lead


@frozen
class LeadChanges:
    """What one request changes; `assign` says whether `assignee_id` (None: nobody) is part of it.
    `details` are the person's details it corrects, as typed, by name (`name`, `email`, ...; "" clears)."""

    status: str | None = None  # a stage key of the configured pipeline, as given (case aside)
    reason: str | None = None  # the key of one of its reasons, for a stage that requires one
    assign: bool = False
    assignee_id: int | None = None
    details: Mapping[str, str] = field(factory=dict)


class UpdateLead:
    """Details, status and assignee in one transaction: all land, or none. `phone_region` reads a
    corrected phone written without its country code, as intake does."""

    def __init__(self, uow: UnitOfWorkFactory, clock: Clock, *, phone_region: str) -> None:
        self._uow = uow
        self._clock = clock
        self._region = phone_region

    def __call__(self, lead_id: int, changes: LeadChanges, *, by: Actor, expected_version: int | None = None) -> Lead:
        if changes.assign and not by.can(Permission.ASSIGN_LEADS):
            raise PermissionDenied("only managers and admins assign leads")
        details = corrections(changes.details, region=self._region)

        def change(uow: UnitOfWork) -> Lead:
            lead = load_workable(uow, lead_id, by, expected_version)
            now = self._clock.now()
            if details:  # before a status change, so reopening checks the corrected contact
                correct_details(uow, lead, details, by=by, at=now)
            if changes.status is not None:
                pipeline = uow.pipeline.get()
                target = pipeline.parse(changes.status)  # an unknown key names the ones there are
                _check_reopen(uow, lead, target, pipeline)
                lead.change_status(target, by=by, at=now, pipeline=pipeline, reason=changes.reason)
            if changes.assign:
                _check_assignee(uow, changes.assignee_id)
                if changes.assignee_id not in (None, lead.assignee_id):
                    # The reminder follows the lead: its new assignee is reminded, whoever was before.
                    uow.deliveries.forget(lead_id, Notice.FOLLOW_UP)
                lead.assign(changes.assignee_id, by=by, at=now)
            if lead.new_history():  # nothing changed: the version stays, so no one's open page goes stale
                uow.leads.save(lead)
            return lead

        return in_transaction(self._uow, change)


def _check_reopen(uow: UnitOfWork, lead: Lead, target: str, pipeline: Pipeline) -> None:
    if not lead.is_open and pipeline.is_open(target):
        emails, phones = [lead.email] if lead.email else [], [lead.phone] if lead.phone else []
        others = [x for x in uow.leads.find_open_by_contacts(emails, phones) if x.id != lead.id]
        if others:
            other = min(others, key=lambda x: x.email != lead.email)  # the one with its email first
            raise Conflict(f"this contact already has open lead {other.id}; work that one instead")


def _check_assignee(uow: UnitOfWork, assignee_id: int | None) -> None:
    if assignee_id is not None:
        user = uow.users.get(assignee_id)
        if user is None or not user.active:
            raise ValidationError("leads can only go to active users", {"assignee_id": "not an active user"})


class ChangeStatus:
    def __init__(self, uow: UnitOfWorkFactory, clock: Clock) -> None:
        self._update = UpdateLead(uow, clock, phone_region=NO_REGION)  # it corrects no phone

    def __call__(
        self, lead_id: int, target: str, *, by: Actor, expected_version: int | None = None, reason: str | None = None
    ) -> Lead:
        changes = LeadChanges(status=target, reason=reason)
        return self._update(lead_id, changes, by=by, expected_version=expected_version)


class AssignLead:
    def __init__(self, uow: UnitOfWorkFactory, clock: Clock) -> None:
        self._update = UpdateLead(uow, clock, phone_region=NO_REGION)  # it corrects no phone

    def __call__(
        self, lead_id: int, assignee_id: int | None, *, by: Actor, expected_version: int | None = None
    ) -> Lead:
        changes = LeadChanges(assign=True, assignee_id=assignee_id)
        return self._update(lead_id, changes, by=by, expected_version=expected_version)


class AddNote:
    def __init__(self, uow: UnitOfWorkFactory, clock: Clock) -> None:
        self._uow = uow
        self._clock = clock

    def __call__(self, lead_id: int, text: str, *, by: Actor) -> Lead:
        """A note only appends to the history, so it takes no version: one typed on a page that has gone
        stale meanwhile is kept, never refused for a change it could not have overwritten."""
        if len(text) > 10_000:
            raise ValidationError("a note is at most 10,000 characters", {"note": too_long(10_000)})
        # Cleaned as a lead's message is: line breaks kept, control characters (terminal escapes) dropped.
        note = clean_message(text, field="note")

        def append(uow: UnitOfWork) -> Lead:
            lead = load_workable(uow, lead_id, by, None)
            lead.add_note(note, by=by, at=self._clock.now())
            try:
                uow.leads.save(lead)
            except TransientConflict:
                raise
            except Conflict as e:  # changed between this read and the save: read it again, append again
                raise TransientConflict(str(e)) from e
            return lead

        return in_transaction(self._uow, append)


class GetLead:
    def __init__(self, views: LeadViewsFactory) -> None:
        self._views = views

    def __call__(self, lead_id: int, *, by: Actor, with_names: bool = True) -> LeadView:
        """The lead and its history; `with_names=False` skips looking up people's names (`people` is empty)."""
        with self._views() as views:
            lead = shown_to(by, lead_id, views.lead(lead_id))
            if not with_names:
                return LeadView(lead, {})
            ids = {e.actor_id for e in lead.history if e.actor_id is not None}
            ids |= {int(v) for e in lead.history if e.field == HistoryField.ASSIGNEE for v in (e.old, e.new) if v}
            if lead.assignee_id is not None:
                ids.add(lead.assignee_id)
            return LeadView(lead, views.names(ids))

    def submitted(self, result: SubmitResult, *, by: Actor) -> Lead:
        """The lead a submission created or joined, if `by` may see it; read again only when `result` has none."""
        if result.lead is None:
            return self(result.lead_id, by=by, with_names=False).lead
        return shown_to(by, result.lead_id, result.lead)


def visible(query: LeadQuery, actor: Actor) -> LeadQuery | None:
    """The query narrowed to what `actor` may see; None when nothing could match."""
    if actor.can(Permission.SEE_ALL_LEADS):
        return query
    if query.unassigned or query.assignee_id not in (None, actor.user_id):
        return None
    return evolve(query, assignee_id=actor.user_id)


class ListLeads:
    def __init__(self, views: LeadViewsFactory, stages: Callable[[], Pipeline]) -> None:
        self._views = views
        self._stages = stages

    def __call__(self, query: LeadQuery, *, by: Actor, with_owners: bool = False) -> LeadPage:
        """A page of the leads `by` may see; `with_owners` also names each lead's owner, as a page shows them."""
        if not 1 <= query.limit <= MAX_PAGE_SIZE:
            raise ValidationError(f"a page holds 1 to {MAX_PAGE_SIZE} leads", {"limit": "out of range"})
        if query.after is not None and (query.after.score is not None) != query.by_score:
            raise ValidationError("the page cursor belongs to a list in another order", {"cursor": "another order"})
        narrowed = visible(checked_statuses(query, self._stages), by)
        if narrowed is None:
            return LeadPage([], None)
        with self._views() as views:
            return _listed(views, narrowed, with_owners=with_owners)


class ExportLeads:
    """Every lead a list would show, batch after batch, each in a short transaction of its own."""

    def __init__(self, views: LeadViewsFactory, stages: Callable[[], Pipeline], *, batch: int = 1000) -> None:
        self._views = views
        self._stages = stages
        self._batch = batch

    def __call__(self, query: LeadQuery, *, by: Actor, with_owners: bool = False) -> Iterator[LeadPage]:
        """The batches as pages; `with_owners` names each batch's owners, for people to read."""
        narrowed = visible(evolve(checked_statuses(query, self._stages), limit=self._batch, after=None), by)
        if narrowed is None:
            return iter([])
        first = self._page(narrowed, with_owners)  # read now, so a failure is reported before anything is sent
        return self._rest(narrowed, first, with_owners)

    def _rest(self, query: LeadQuery, page: LeadPage, with_owners: bool) -> Iterator[LeadPage]:
        while True:
            yield page
            if page.next_cursor is None:
                return
            page = self._page(evolve(query, after=page.next_cursor), with_owners)

    def _page(self, query: LeadQuery, with_owners: bool) -> LeadPage:
        with self._views() as views:
            return _listed(views, query, with_owners=with_owners)


def _listed(views: LeadViews, query: LeadQuery, *, with_owners: bool) -> LeadPage:
    page = views.list(query)
    return evolve(page, owners=owner_names(views, page.leads)) if with_owners else page


def owner_names(views: LeadViews, leads: Iterable[Lead]) -> dict[int, str]:
    """The names of the people `leads` are assigned to, by their ids."""
    return views.names({x.assignee_id for x in leads if x.assignee_id is not None})


class LeadStatistics:
    """Counts by status, source and assignee; an employee counts only their own leads."""

    def __init__(self, views: LeadViewsFactory) -> None:
        self._views = views

    def __call__(self, query: StatsQuery, *, by: Actor) -> LeadStats:
        if not by.can(Permission.SEE_ALL_LEADS):
            if query.assignee_id not in (None, by.user_id) or by.user_id is None:
                return LeadStats({}, {}, {})
            query = evolve(query, assignee_id=by.user_id)
        with self._views() as views:
            return views.stats(query)


def checked_statuses(query: LeadQuery, stages: Callable[[], Pipeline]) -> LeadQuery:
    """The query with its statuses as the configured pipeline's keys; an unknown one is a ValidationError
    naming the keys there are. The pipeline is read only when statuses are asked for."""
    if not query.statuses:
        return query
    pipeline = stages()
    return evolve(query, statuses=tuple(pipeline.parse(s) for s in query.statuses))
