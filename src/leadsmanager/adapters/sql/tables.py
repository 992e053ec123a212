"""The schema, as SQLAlchemy Core tables. Alembic migrations must match it (a test checks)."""

from __future__ import annotations

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    Column,
    Date,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    SmallInteger,
    String,
    Table,
    Text,
    UniqueConstraint,
    false,
)

from leadsmanager.adapters.sql.column_types import MYSQL_OPTIONS, BigText, Id, Term, UtcDateTime, exact_string
from leadsmanager.application.tallies import RESPONSE_BUCKETS, Facet
from leadsmanager.domain.lead import Channel
from leadsmanager.domain.status import PIPELINE, LeadStatus

metadata = MetaData(
    naming_convention={
        "ix": "ix_%(table_name)s_%(column_0_N_name)s",
        "uq": "uq_%(table_name)s_%(column_0_N_name)s",
        "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
        "pk": "pk_%(table_name)s",
    }
)

users = Table(
    "users",
    metadata,
    Column("id", Id, primary_key=True, autoincrement=True),
    Column("email", exact_string(254), nullable=False, unique=True),
    Column("full_name", String(200), nullable=False),
    Column("phone", String(32), nullable=True),
    Column("role", String(16), nullable=False),
    Column("active", Boolean, nullable=False),
    Column("password_hash", String(255), nullable=False),
    Column("session_version", Integer, nullable=False),
    Column("created_at", UtcDateTime, nullable=False),
    Column("language", String(8), nullable=True),
    **MYSQL_OPTIONS,
)

leads = Table(
    "leads",
    metadata,
    Column("id", Id, primary_key=True, autoincrement=True),
    Column("contact_name", String(200), nullable=False),
    Column("email", exact_string(254), nullable=True),
    Column("phone", String(32), nullable=True),
    Column("company", String(200), nullable=False),
    Column("service", String(120), nullable=False),
    Column("message", Text, nullable=False),
    Column("source", exact_string(16), nullable=False),
    Column("site", exact_string(200), nullable=False),
    Column("form_id", exact_string(100), nullable=False),
    Column("external_id", exact_string(191), nullable=True),
    Column("extras", JSON, nullable=False),
    Column("utm", JSON, nullable=False),
    Column("status", String(16), nullable=False),
    Column("assignee_id", Id, ForeignKey("users.id"), nullable=True),
    Column("created_at", UtcDateTime, nullable=False),
    Column("updated_at", UtcDateTime, nullable=False),
    Column("version", Integer, nullable=False),
    # Set only while the lead is open: the database itself refuses a second open lead per contact.
    Column("open_email", exact_string(254), nullable=True, unique=True),
    Column("open_phone", exact_string(32), nullable=True, unique=True),
    Column("first_response_at", UtcDateTime, nullable=True),
    Column("stage_reached", String(16), nullable=False),
    Column("resubmissions", Integer, nullable=False),
    Column("score", Integer, nullable=False),
    # The kind of the status's stage (open, won, lost, spam, excluded): open-lead queries need no join.
    Column("status_kind", String(16), nullable=False, server_default="open"),
    # The team's name for the campaign the lead came from; NULL for none (most leads). Exact, as in Python
    # and SQLite: the filter and the report by campaign hold "Expo" and "expo" apart on every database.
    Column("campaign", exact_string(200), nullable=True),
    UniqueConstraint("source", "external_id"),
    # Every list filter walks one of these newest-first; the primary key rides along in each.
    Index(None, "created_at", "id"),
    Index(None, "status", "created_at", "id"),
    Index(None, "assignee_id", "status", "created_at", "id"),
    Index(None, "assignee_id", "created_at", "id"),
    Index(None, "source", "created_at", "id"),
    Index(None, "site", "form_id", "created_at", "id"),
    Index(None, "service", "created_at", "id"),
    Index(None, "campaign", "created_at", "id"),
    # The report by campaign counts the period's leads within this one, never reading their rows.
    Index(None, "created_at", "campaign", "status_kind"),
    # The Sources page counts each synced form's recent leads within this index.
    Index(None, "source", "site", "form_id", "created_at"),
    # Lists sorted by score, best first.
    Index(None, "score", "id"),
    Index(None, "status", "score", "id"),
    Index(None, "assignee_id", "score", "id"),
    **MYSQL_OPTIONS,
)

lead_history = Table(
    "lead_history",
    metadata,
    Column("id", Id, primary_key=True, autoincrement=True),
    Column("lead_id", Id, ForeignKey("leads.id"), nullable=False, index=True),
    Column("field", String(32), nullable=False),
    Column("old", Text, nullable=True),
    Column("new", Text, nullable=True),
    Column("actor_id", Id, ForeignKey("users.id"), nullable=True),
    Column("at", UtcDateTime, nullable=False),
    Column("reason", String(16), nullable=True),  # of a status change into a stage that requires one
    # No actor_id: true for a person whose account was deleted (an imported change), false for the system.
    Column("actor_deleted", Boolean, nullable=False, server_default=false()),
    **MYSQL_OPTIONS,
)

# The external id of each submission that joined an open lead (a lead's own is on its row): a
# re-delivery of any accepted submission is then a duplicate, not one more re-submission.
joined_external_ids = Table(
    "joined_external_ids",
    metadata,
    Column("source", exact_string(16), primary_key=True),
    Column("external_id", exact_string(191), primary_key=True),
    Column("lead_id", Id, ForeignKey("leads.id"), nullable=False, index=True),
    **MYSQL_OPTIONS,
)

lead_search = Table(
    "lead_search",
    metadata,
    Column("term", Term, primary_key=True),
    Column("lead_id", Id, ForeignKey("leads.id"), primary_key=True),
    # A copy of leads.created_at (fixed at intake): a search sorts its matches here, before reading leads.
    Column("created_at", UtcDateTime, nullable=False),
    Index(None, "lead_id"),
    **MYSQL_OPTIONS,
)

web_sessions = Table(
    "web_sessions",
    metadata,
    Column("key", exact_string(64), primary_key=True),
    Column("user_id", Id, ForeignKey("users.id"), nullable=False, index=True),
    Column("user_session_version", Integer, nullable=False),
    Column("csrf_token", exact_string(64), nullable=False),
    Column("created_at", UtcDateTime, nullable=False),
    Column("last_seen_at", UtcDateTime, nullable=False),
    **MYSQL_OPTIONS,
)

rate_limits = Table(
    "rate_limits",
    metadata,
    Column("key", exact_string(191), primary_key=True),
    Column("hits", Integer, nullable=False),
    Column("expires_at", UtcDateTime, nullable=False, index=True),  # when the window ends: pruned after
    **MYSQL_OPTIONS,
)

# Where each user signed in from: after many failed sign-ins at an account only these may still try it.
sign_in_addresses = Table(
    "sign_in_addresses",
    metadata,
    Column("user_id", Id, ForeignKey("users.id"), primary_key=True),
    Column("address", exact_string(64), primary_key=True),
    Column("last_signed_in_at", UtcDateTime, nullable=False),
    **MYSQL_OPTIONS,
)

api_keys = Table(
    "api_keys",
    metadata,
    Column("id", Id, primary_key=True, autoincrement=True),
    Column("name", String(100), nullable=False),
    Column("prefix", exact_string(16), nullable=False, unique=True),
    Column("key_hash", exact_string(64), nullable=False),
    Column("scopes", String(200), nullable=False),
    Column("created_at", UtcDateTime, nullable=False),
    Column("revoked_at", UtcDateTime, nullable=True),
    **MYSQL_OPTIONS,
)

idempotency_keys = Table(
    "idempotency_keys",
    metadata,
    Column("owner", exact_string(64), primary_key=True),
    Column("key", exact_string(191), primary_key=True),
    Column("fingerprint", String(64), nullable=False),
    Column("lead_id", Id, ForeignKey("leads.id"), nullable=False),
    Column("created_at", UtcDateTime, nullable=False),
    **MYSQL_OPTIONS,
)

# A new API key waiting to be shown once after the redirect (application/key_notices.py).
key_notices = Table(
    "key_notices",
    metadata,
    Column("key", exact_string(64), primary_key=True),
    Column("user_id", Id, ForeignKey("users.id"), nullable=False),
    Column("name", String(100), nullable=False),
    Column("masked", exact_string(256), nullable=False),
    Column("expires_at", UtcDateTime, nullable=False, index=True),
    **MYSQL_OPTIONS,
)

# Where the WordPress sync resumes on each form. Sizes follow the limits on site names, form ids and
# submission ids (application/intake/form_mapping.py, application/sync_types.py).
sync_cursors = Table(
    "sync_cursors",
    metadata,
    Column("site", exact_string(40), primary_key=True),
    Column("form_id", exact_string(100), primary_key=True),
    Column("after_id", exact_string(40), nullable=True),
    Column("last_run_at", UtcDateTime, nullable=True),
    Column("last_error", Text, nullable=True),
    Column("imported_total", BigInteger, nullable=False),
    Column("succeeded_at", UtcDateTime, nullable=True),
    Column("failed_at", UtcDateTime, nullable=True),
    Column("newest_entry_at", UtcDateTime, nullable=True),
    **MYSQL_OPTIONS,
)

# The failed-submissions inbox (domain/failed_submission.py): a site's form's submission is kept once.
failed_submissions = Table(
    "failed_submissions",
    metadata,
    Column("id", Id, primary_key=True, autoincrement=True),
    Column("site", exact_string(40), nullable=False),
    Column("form_id", exact_string(100), nullable=False),
    Column("submission_id", exact_string(40), nullable=True),
    Column("received_by", String(16), nullable=False),
    Column("reason", Text, nullable=False),
    Column("received_at", UtcDateTime, nullable=False),
    Column("submitted_at", UtcDateTime, nullable=True),
    Column("fields", JSON(none_as_null=True), nullable=True),
    Column("body", BigText, nullable=False),
    Column("attempts", Integer, nullable=False),
    Column("tried_at", UtcDateTime, nullable=False),
    Column("lead_id", Id, ForeignKey("leads.id"), nullable=True),
    Column("replayed_at", UtcDateTime, nullable=True),
    UniqueConstraint("site", "form_id", "submission_id"),
    # The inbox lists those still waiting, oldest first.
    Index(None, "replayed_at", "id"),
    **MYSQL_OPTIONS,
)

# Lead events, written in the lead's transaction; the relay publishes them to the task queue.
outbox_events = Table(
    "outbox_events",
    metadata,
    Column("id", Id, primary_key=True, autoincrement=True),
    Column("lead_id", Id, nullable=False),
    Column("kind", String(40), nullable=False),
    Column("data", JSON, nullable=False),
    Column("created_at", UtcDateTime, nullable=False),
    Column("published_at", UtcDateTime, nullable=True),
    # The relay looks for unpublished events oldest first.
    Index(None, "published_at", "id"),
    **MYSQL_OPTIONS,
)

# One row per (lead, notice, channel): what makes each notice go out once, even when a task runs twice.
deliveries = Table(
    "deliveries",
    metadata,
    Column("lead_id", Id, primary_key=True),
    Column("notice", String(32), primary_key=True),
    Column("channel", String(16), primary_key=True),
    Column("state", String(16), nullable=False),  # sending, sent, failed
    Column("attempts", Integer, nullable=False),
    Column("claimed_at", UtcDateTime, nullable=False),
    Column("sent_at", UtcDateTime, nullable=True),
    Column("last_error", Text, nullable=True),
    **MYSQL_OPTIONS,
)

failed_tasks = Table(
    "failed_tasks",
    metadata,
    Column("id", Id, primary_key=True, autoincrement=True),
    Column("task", String(100), nullable=False),
    Column("args", JSON, nullable=False),
    Column("error", Text, nullable=False),
    Column("failed_at", UtcDateTime, nullable=False),
    Column("retried_at", UtcDateTime, nullable=True),
    **MYSQL_OPTIONS,
)

# Files of leads being imported (domain/file_import.py), by the SHA-256 of their bytes, and where each stands.
file_imports = Table(
    "file_imports",
    metadata,
    Column("file_hash", exact_string(64), primary_key=True),
    Column("file_name", String(255), nullable=False),
    Column("columns", JSON, nullable=False),
    Column("mapping", JSON, nullable=False),
    Column("started_at", UtcDateTime, nullable=False),
    Column("updated_at", UtcDateTime, nullable=False),
    Column("next_row", BigInteger, nullable=False),
    Column("created", BigInteger, nullable=False),
    Column("merged", BigInteger, nullable=False),
    Column("duplicates", BigInteger, nullable=False),
    Column("refused", BigInteger, nullable=False),
    Column("finished_at", UtcDateTime, nullable=True),
    Column("separator", String(1), nullable=False, server_default=","),
    **MYSQL_OPTIONS,
)

# The rows of an import that intake refused, with their values, for the error report.
file_import_refusals = Table(
    "file_import_refusals",
    metadata,
    Column("file_hash", exact_string(64), primary_key=True),
    Column("row_no", BigInteger, primary_key=True, autoincrement=False),
    Column("row_values", JSON, nullable=False),
    Column("reason", Text, nullable=False),
    **MYSQL_OPTIONS,
)

# Running counts for reports (adapters/sql/views/report_counts.py): every write of a lead adds rows to
# report_pending, and a periodic job folds them into report_counts and report_keys.
# One row per UTC day ('D') and per UTC month ('M') the leads arrived in, and per assignee (0: nobody).
# Each counter holds how many of those leads have one facet key (application/tallies.py):
COUNTERS: dict[str, tuple[Facet, tuple[str, ...]]] = {
    **{f"{c.value}_{s.value}": (Facet.SOURCE_STATUS, (c.value, s.value)) for c in Channel for s in LeadStatus},
    **{f"reached_{s.value}": (Facet.REACHED, (s.value,)) for s in PIPELINE},
    **{f"response_{b:02d}": (Facet.RESPONSE, (str(b),)) for b in range(RESPONSE_BUCKETS)},
    "unanswered": (Facet.UNANSWERED, ()),
}
COUNTER_OF = {key: name for name, key in COUNTERS.items()}
NOBODY, EVERYONE = 0, -1

report_counts = Table(
    "report_counts",
    metadata,
    Column("span", String(1), primary_key=True),
    Column("starts", Date, primary_key=True),
    Column("assignee_id", BigInteger, primary_key=True, autoincrement=False),
    *(Column(name, Integer, nullable=False) for name in COUNTERS),
    Index(None, "assignee_id", "span", "starts"),
    **MYSQL_OPTIONS,
)

# The keys no counter column can hold (sites, forms and services), by the same days and months; `who`
# is an assignee (0: nobody) or EVERYONE, so that a manager's report reads one row per key and day.
# A status or furthest stage outside the default pipeline (facets source_status and reached) is kept
# here too, under its assignee only.
report_keys = Table(
    "report_keys",
    metadata,
    Column("who", BigInteger, primary_key=True, autoincrement=False),
    Column("span", String(1), primary_key=True),
    Column("starts", Date, primary_key=True),
    Column("facet", String(16), primary_key=True),
    Column("first_key", exact_string(200), primary_key=True),
    Column("second_key", exact_string(100), primary_key=True),
    Column("leads", Integer, nullable=False),
    # Every assignee's rows of one facet: the statuses no counter column holds, read for all reps at once.
    Index(None, "facet", "span", "starts"),
    **MYSQL_OPTIONS,
)

# Lead writes not yet folded into the counts and keys above: each row is what one lead counted as
# (application/tallies.py's Counted), added (sign 1) or taken away (sign -1), with the UTC day it
# arrived. Writers only insert here, so concurrent writes never wait on each other's count rows.
report_pending = Table(
    "report_pending",
    metadata,
    Column("id", Id, primary_key=True, autoincrement=True),
    Column("sign", SmallInteger, nullable=False),
    Column("day", Date, nullable=False),
    Column("assignee_id", BigInteger, nullable=True),
    Column("created_at", UtcDateTime, nullable=False),
    Column("source", String(16), nullable=False),
    Column("status", String(16), nullable=False),
    Column("stage_reached", String(16), nullable=False),
    Column("first_response_at", UtcDateTime, nullable=True),
    Column("site", exact_string(200), nullable=False),
    Column("form_id", exact_string(100), nullable=False),
    Column("service", exact_string(120), nullable=False),
    Column("status_kind", String(16), nullable=False, server_default="open"),
    **MYSQL_OPTIONS,
)

# The configured pipeline (domain/pipeline): one row per stage; leads.status holds a stage's key.
stages = Table(
    "stages",
    metadata,
    Column("key", exact_string(16), primary_key=True),
    Column("position", Integer, nullable=False),
    Column("kind", String(16), nullable=False),
    Column("labels", JSON, nullable=False),
    Column("retired", Boolean, nullable=False),
    Column("requires_reason", Boolean, nullable=False),
    Column("is_start", Boolean, nullable=False),
    Column("reasons", JSON, nullable=True),  # [{"key", "labels", "retired"}], for a lost or excluded stage
    **MYSQL_OPTIONS,
)

# Every change to the stages: who (a user's email, or "cli"), when, and what.
stage_changes = Table(
    "stage_changes",
    metadata,
    Column("id", Id, primary_key=True, autoincrement=True),
    Column("at", UtcDateTime, nullable=False),
    Column("actor", String(254), nullable=False),
    Column("action", String(32), nullable=False),
    Column("detail", Text, nullable=False),
    Column(
        "params", JSON(none_as_null=True), nullable=True
    ),  # what detail says, as data; none on entries logged before 0024
    **MYSQL_OPTIONS,
)
