"""The committed state every in-memory unit of work and view shares, as a database would hold it."""

from __future__ import annotations

import itertools
import threading
from datetime import datetime

from leadsmanager.adapters.memory.failed_submissions import FailedSubmissionStore
from leadsmanager.adapters.memory.file_imports import FileImportStore
from leadsmanager.adapters.memory.jobs import JobStore
from leadsmanager.adapters.memory.pipeline import PipelineStore
from leadsmanager.domain.api_key import ApiKey
from leadsmanager.domain.idempotency import IdempotencyRecord
from leadsmanager.domain.key_notice import KeyNotice
from leadsmanager.domain.lead import Channel, Lead
from leadsmanager.domain.session import WebSession
from leadsmanager.domain.sync_cursor import SyncCursor
from leadsmanager.domain.user import User


class MemoryStore:
    """Committed state shared by every unit of work, like a database; ids come from sequences."""

    def __init__(self) -> None:
        self.leads: dict[int, Lead] = {}
        self.users: dict[int, User] = {}
        self.lock = threading.Lock()
        self.lead_ids = itertools.count(1)
        self.user_ids = itertools.count(1)
        self.history_ids = itertools.count(1)
        self.sessions: dict[str, WebSession] = {}
        self.api_keys: dict[int, ApiKey] = {}
        self.idempotency: dict[tuple[str, str], IdempotencyRecord] = {}
        self.key_notices: dict[str, KeyNotice] = {}
        self.api_key_ids = itertools.count(1)
        self.sync_cursors: dict[tuple[str, str], SyncCursor] = {}
        self.failed_submissions = FailedSubmissionStore()
        self.file_imports = FileImportStore()
        self.jobs = JobStore()
        self.pipeline = PipelineStore()
        # The external ids of submissions that joined an open lead: the lead's id by (source, external id).
        self.joined_ids: dict[tuple[Channel, str], int] = {}
        # When each user last signed in from each address.
        self.sign_in_addresses: dict[tuple[int, str], datetime] = {}
