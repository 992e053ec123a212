"""Ports: what the use cases need from the outside, named for their role."""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping, Sequence
from datetime import datetime, timedelta
from types import TracebackType
from typing import Protocol

from leadsmanager.application.discovery.catalogue import CatalogueForm
from leadsmanager.application.job_types import Claim, DeliveryChannel, FailedTask, GapScan, Notice, OutboxEvent
from leadsmanager.application.notification_types import EmailMessage, EscalationReason
from leadsmanager.application.queries import CampaignCount, LeadPage, LeadQuery, LeadStats, StatsQuery
from leadsmanager.application.sync_types import SubmissionPage
from leadsmanager.application.tallies import Tally, TallyQuery
from leadsmanager.domain.api_key import ApiKey
from leadsmanager.domain.failed_submission import FailedSubmission
from leadsmanager.domain.file_import import FileImport, RowRefusal
from leadsmanager.domain.idempotency import IdempotencyRecord
from leadsmanager.domain.key_notice import KeyNotice
from leadsmanager.domain.lead import Channel, Lead
from leadsmanager.domain.pipeline import Pipeline, StageChange
from leadsmanager.domain.session import WebSession
from leadsmanager.domain.sync_cursor import SyncCursor
from leadsmanager.domain.user import User


class LeadRepository(Protocol):
    def add(self, lead: Lead) -> None:
        """Store a new lead; gives it an id and version 1."""

    def get(self, lead_id: int, *, with_history: bool = False) -> Lead | None: ...

    def save(self, lead: Lead) -> None:
        """Write changes and new history; raises Conflict if the stored version moved on."""

    def find_by_external_ids(self, source: Channel, external_ids: Collection[str]) -> dict[str, int]:
        """The ids of stored leads from `source`, by external id (a lead's own, or that of a submission
        that joined it); ids not stored are left out."""

    def find_open_by_contacts(self, emails: Collection[str], phones: Collection[str]) -> list[Lead]:
        """Every open lead whose email is one of `emails` or whose phone is one of `phones` (not locked)."""

    def store(self, new: Sequence[Lead], joined: Sequence[Lead] = ()) -> Lead | None:
        """Store what intake decided: the new leads, in order, as `add` stores each, then the stored leads
        that re-submissions joined (their new history, count, score and a new version; TransientConflict
        if one's version moved on since it was read). A lone new lead (nothing joined) is inserted before
        anything is looked up: when an open lead already has its email (else its phone), nothing is stored and that
        lead is returned, locked until the unit of work ends where the store has row locks. With more
        leads, such a clash raises TransientConflict."""


class LeadViews(Protocol):
    """What pages read: lists, searches, counts and reports, on one read-only snapshot taken at the first
    read and let go on exit. Nothing read here is locked, and nothing is ever written through it."""

    def __enter__(self) -> LeadViews: ...

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None: ...

    def list(self, query: LeadQuery) -> LeadPage:
        """A page of a list or a search (its leads without their history) and the cursor of the next."""

    def lead(self, lead_id: int) -> Lead | None:
        """The lead with its whole history."""

    def names(self, user_ids: set[int]) -> dict[int, str]:
        """The full names of these users; ids of no user are left out."""

    def count_by_status(self, assignee_id: int | None = None) -> dict[str, int]: ...

    def stats(self, query: StatsQuery) -> LeadStats: ...

    def campaigns(self, query: StatsQuery) -> Sequence[CampaignCount]:
        """Leads created in the query's range by campaign and stage kind."""

    def tallies(self, query: TallyQuery) -> Sequence[Tally]:
        """Leads per facet key and assignee, of those created in the query's range."""

    def imported(self, site: str, form_id: str, *, since: Sequence[datetime]) -> tuple[int, ...]:
        """For each time in `since`, how many leads the site's form made (synced or pushed) from then on."""


class LeadViewsFactory(Protocol):
    def __call__(self) -> LeadViews: ...


class UserRepository(Protocol):
    def add(self, user: User) -> None: ...

    def get(self, user_id: int) -> User | None: ...

    def get_by_email(self, email: str) -> User | None: ...

    def list(self) -> list[User]: ...

    def names(self, user_ids: set[int]) -> dict[int, str]: ...

    def save(self, user: User) -> None: ...


class UnitOfWork(Protocol):
    """One business transaction: nothing is kept unless `commit()` is called."""

    leads: LeadRepository
    users: UserRepository
    sessions: SessionRepository
    api_keys: ApiKeyRepository
    idempotency: IdempotencyRepository
    key_notices: KeyNoticeRepository
    sync_cursors: SyncCursorRepository
    failed_submissions: FailedSubmissionRepository
    imports: FileImportRepository
    outbox: OutboxRepository
    deliveries: DeliveryLog
    failed_tasks: FailedTaskRepository
    checks: ConsistencyQueries
    pipeline: PipelineRepository

    def __enter__(self) -> UnitOfWork: ...

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None: ...

    def commit(self) -> None: ...

    def rollback(self) -> None: ...


class PipelineRepository(Protocol):
    """The configured pipeline (the default preset until one is applied) and the log of its changes."""

    def get(self) -> Pipeline: ...

    def current(self, *, lock: bool = False) -> Pipeline:
        """The pipeline as stored now, not as this process last kept it; `lock` holds it until the
        transaction ends, so that two edits of the stages take turns."""

    def replace(self, pipeline: Pipeline, change: StageChange) -> None:
        """Stores `pipeline` and logs `change`. Leads in a stage whose kind changes take the new kind;
        when some did, or `move_leads` moved some, the report counts are counted again."""

    def changes(self) -> list[StageChange]: ...

    def leads_by_status(self) -> dict[str, int]: ...

    def lead_ids_in(self, statuses: Sequence[str], *, after_id: int, limit: int) -> list[int]:
        """Ids above `after_id` of leads in any of `statuses`, ascending, at most `limit`."""

    def move_leads(self, moves: Mapping[str, str], pipeline: Pipeline, *, at: datetime, batch: int) -> None:
        """Moves the leads of each stage of `moves` to its stage of `pipeline`, each as `Lead.restage`
        moves one (a furthest stage reached that `moves` names moves too), `batch` leads at a time, in
        this transaction; `replace`, which follows in it, counts the reports again."""


class UnitOfWorkFactory(Protocol):
    def __call__(self) -> UnitOfWork: ...


class Clock(Protocol):
    def now(self) -> datetime:
        """The current time, timezone-aware UTC."""


class PasswordHasher(Protocol):
    def hash(self, password: str) -> str: ...

    def verify(self, password_hash: str, password: str) -> bool: ...

    def needs_rehash(self, password_hash: str) -> bool: ...


class SessionRepository(Protocol):
    def add(self, session: WebSession) -> None: ...

    def get(self, key: str) -> WebSession | None: ...

    def touch(self, key: str, at: datetime) -> None: ...

    def remove(self, key: str) -> None: ...

    def remove_for_user(self, user_id: int) -> None: ...

    def remember_address(self, user_id: int, address: str, *, at: datetime, forget_before: datetime) -> None:
        """Note a sign-in of the user from `address`; forget their addresses last used before `forget_before`."""

    def knows_address(self, user_id: int, address: str, *, since: datetime) -> bool:
        """Whether the user signed in from `address` at `since` or later."""


class ApiKeyRepository(Protocol):
    def add(self, key: ApiKey) -> None: ...

    def get(self, key_id: int) -> ApiKey | None: ...

    def get_by_prefix(self, prefix: str) -> ApiKey | None: ...

    def list(self) -> list[ApiKey]: ...

    def save(self, key: ApiKey) -> None: ...


class KeyNoticeRepository(Protocol):
    def add(self, notice: KeyNotice) -> None: ...

    def take(self, key: str) -> KeyNotice | None:
        """The notice stored under `key`, removed; None when there is none (or another took it first)."""

    def prune(self, now: datetime) -> None:
        """Forget notices expired by `now`."""


class IdempotencyRepository(Protocol):
    def get(self, owner: str, key: str) -> IdempotencyRecord | None: ...

    def add(self, record: IdempotencyRecord) -> None:
        """Raises TransientConflict when the same (owner, key) was stored meanwhile."""


class RateLimiter(Protocol):
    """Attempts counted per key in fixed windows; `now` names the window, so a caller that takes back
    or clears an attempt passes the `now` it counted it with."""

    def hit(self, key: str, *, limit: int, window: timedelta, now: datetime) -> bool:
        """Count one attempt; False once `limit` attempts fell in the current window."""

    def allows(self, key: str, *, limit: int, window: timedelta, now: datetime) -> bool:
        """Whether one more attempt would be within `limit`, counting nothing."""

    def forgive(self, key: str, *, window: timedelta, now: datetime) -> None:
        """Take back one attempt counted in the window of `now` (one that turned out to be legitimate)."""

    def clear(self, key: str, *, window: timedelta, now: datetime) -> None:
        """Forget every attempt counted in the window of `now`."""


class TokenGenerator(Protocol):
    def token(self) -> str:
        """A new unguessable URL-safe token."""


class EmailSender(Protocol):
    def send(self, message: EmailMessage) -> None:
        """Deliver one email; raises RetryableDeliveryError or PermanentDeliveryError (both ExternalServiceError)."""


class ChatNotifier(Protocol):
    def post(self, text: str, *, key: str | None = None) -> None:
        """Post plain text to the team channel; the adapter escapes its service's markup. Errors as EmailSender.

        `key` is the same on every attempt to post one notice (see EmailMessage.key), for de-duplication."""


class FormSource(Protocol):
    def fetch(self, site: str, form_id: str, *, after_id: str | None, limit: int) -> SubmissionPage:
        """At most `limit` (>= 1) submissions of a form with ids after `after_id` (None: from the first), oldest first.

        Raises a FormSourceError (an ExternalServiceError): FormSourceUnavailable is worth retrying later;
        any other (credentials refused, a response off the contract, an unknown site or form) needs a person.
        """


class FormCatalogue(Protocol):
    def forms(self, site: str) -> Sequence[CatalogueForm]:
        """Every form the site's plugin lists, with its fields.

        Raises FormsNotListable when the site's kind of API cannot list forms, a FormSourceError when the
        site fails or refuses us (its `form_id` is empty).
        """


class SyncCursorRepository(Protocol):
    def get(self, site: str, form_id: str) -> SyncCursor | None: ...

    def save(self, cursor: SyncCursor) -> None:
        """Store the cursor of its (site, form), replacing the one stored before."""

    def list(self) -> list[SyncCursor]:
        """Every stored cursor, by site then form id."""


class FailedSubmissionRepository(Protocol):
    """The failed-submissions inbox: submissions that could not become leads, kept whole."""

    def add(self, submission: FailedSubmission) -> FailedSubmission | None:
        """Keep a new one; it comes back with its id. None, and nothing stored, when the inbox already
        holds the site's form's submission with that submission id (waiting or replayed). Two units of
        work adding the same one at once: the second raises TransientConflict."""

    def get(self, failed_id: int) -> FailedSubmission | None: ...

    def save(self, submission: FailedSubmission) -> None:
        """Store what a replay changed (attempts, reason, the lead it made) of one that has an id."""

    def waiting(self) -> list[FailedSubmission]:
        """Every one not yet replayed into a lead, oldest first."""

    def waiting_counts(self) -> dict[tuple[str, str], int]:
        """How many are waiting, by (site, form_id)."""

    def waiting_newest(self, *, before: int | None, limit: int) -> list[FailedSubmission]:
        """At most `limit` of those waiting, newest first, with ids below `before` (from the newest if None)."""


class FileImportRepository(Protocol):
    """Files of leads being imported, by the SHA-256 of their bytes, and the rows intake refused."""

    def get(self, file_hash: str) -> FileImport | None: ...

    def save(self, file_import: FileImport) -> None:
        """Store the import's position and counts, replacing what was stored for its file."""

    def add_refusals(self, file_hash: str, refusals: Sequence[RowRefusal]) -> None: ...

    def refusals(self, file_hash: str, *, after_row: int, limit: int) -> list[RowRefusal]:
        """At most `limit` refused rows of the file with numbers after `after_row`, in row order."""


class OutboxRepository(Protocol):
    """Lead events are written here by the lead repository, in the lead's own transaction."""

    def pending(self, limit: int) -> list[OutboxEvent]:
        """The oldest unpublished events, oldest first."""

    def mark_published(self, event_ids: list[int], at: datetime) -> None: ...

    def count_pending(self) -> int: ...


class DeliveryLog(Protocol):
    """Which notices went out: the record that makes each one go out once."""

    def claim(
        self, lead_id: int, notice: Notice, channel: DeliveryChannel, *, now: datetime, lease: timedelta
    ) -> Claim:
        """GRANTED when nobody sent it and nobody holds an unexpired claim; raises TransientConflict on a race."""

    def finish(self, lead_id: int, notice: Notice, channel: DeliveryChannel, *, at: datetime) -> None: ...

    def release(self, lead_id: int, notice: Notice, channel: DeliveryChannel, *, error: str) -> None:
        """Give a claim back after a failed attempt, so a retry may claim it at once."""

    def fail(self, lead_id: int, notice: Notice, channel: DeliveryChannel, *, error: str) -> None:
        """Never to be retried on its own; `tasks retry` clears it."""

    def reopen(self, lead_id: int, notice: Notice) -> None:
        """Forget failed deliveries of a notice so it can be sent again."""

    def forget(self, lead_id: int, notice: Notice) -> None:
        """Forget every delivery of a notice but one being sent, so it goes out again when due."""

    def sent(self, lead_id: int) -> list[tuple[Notice, DeliveryChannel]]: ...

    def due(self, notice: Notice, *, created_from: datetime, created_before: datetime, limit: int) -> list[int]:
        """Ids of leads still `new`, created in the window, that were never sent this notice."""


class FailedTaskRepository(Protocol):
    def add(self, task: FailedTask) -> FailedTask: ...

    def get(self, task_id: int) -> FailedTask | None: ...

    def list(self, *, include_retried: bool = False) -> list[FailedTask]: ...

    def mark_retried(self, task_id: int, at: datetime) -> None: ...


class ConsistencyQueries(Protocol):
    """Finds stored data that breaks the product's rules; each method returns at most `limit` rows."""

    def assigned_to_inactive(self, limit: int) -> list[tuple[int, int]]:
        """(lead id, inactive user id) pairs of open leads: a closed lead keeps who won or lost it."""

    def unknown_statuses(self, limit: int) -> list[tuple[int, str]]:
        """(lead id, stored status) for statuses that are no stage of the configured pipeline."""

    def status_history_gaps(self, after_id: int, limit: int) -> GapScan:
        """Leads whose status differs from the last one their history records, among up to `limit` leads
        with ids after `after_id`."""

    def record_status_correction(self, lead_id: int, recorded: str | None, current: str, *, at: datetime) -> None:
        """Close a gap: a history entry by the system from the last recorded status to the current one."""

    def set_unknown_status(self, lead_id: int, status: str, *, at: datetime) -> None:
        """Put a lead whose status is no stage into `status` (the pipeline's open starting stage),
        recording the old value in the history."""


class TaskQueue(Protocol):
    def enqueue(self, task: str, **args: int | str) -> None:
        """Hand a task to the workers; raises QueueUnavailable when the broker cannot take it."""


class NoticeTemplates(Protocol):
    """Writes what each notice says, in `language` (its readers'), the lead's stage by its label in
    `pipeline`; the adapter keeps whatever a lead typed out of headers."""

    def new_lead(self, lead: Lead, *, to: Iterable[str], language: str, pipeline: Pipeline) -> EmailMessage: ...

    def new_lead_chat(self, lead: Lead, *, language: str) -> str: ...

    def follow_up_reminder(self, lead: Lead, *, assignee: User, language: str, pipeline: Pipeline) -> EmailMessage: ...

    def escalation(
        self,
        lead: Lead,
        *,
        to: Iterable[str],
        language: str,
        pipeline: Pipeline,
        reasons: Sequence[EscalationReason],
        overdue_after: timedelta,
    ) -> EmailMessage: ...

    def submission_confirmation(self, lead: Lead, *, language: str) -> EmailMessage: ...
