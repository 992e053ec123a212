"""The in-memory lead repository: reads the committed leads, and keeps its writes until commit."""

from __future__ import annotations

import copy
from collections.abc import Collection, Sequence

from leadsmanager.adapters.memory.store import MemoryStore
from leadsmanager.application.ports import LeadRepository
from leadsmanager.domain.lead import Channel, Lead, in_time_order


class MemoryLeadRepository(LeadRepository):
    def __init__(self, store: MemoryStore) -> None:
        self._store = store
        self._committed = copy.deepcopy(store.leads)
        self.added: list[Lead] = []
        self.saved: dict[int, Lead] = {}
        self.appended: dict[int, Lead] = {}
        self.read_versions: dict[int, int] = {}

    def add(self, lead: Lead) -> None:
        with self._store.lock:
            lead.id = next(self._store.lead_ids)
        lead.version = 1
        self.added.append(lead)

    def get(self, lead_id: int, *, with_history: bool = False) -> Lead | None:
        """As the SQL adapter reads a row: a lead of its own each time, with its history only when asked."""
        stored = self._committed.get(lead_id)
        if stored is None:
            return None
        lead = copy.deepcopy(stored)
        lead.history = in_time_order(lead.history) if with_history else []
        self.read_versions.setdefault(lead_id, lead.version)
        return lead

    def save(self, lead: Lead) -> None:
        assert lead.id is not None
        if lead not in self.added:
            self.saved[lead.id] = lead

    def store(self, new: Sequence[Lead], joined: Sequence[Lead] = ()) -> Lead | None:
        if len(new) == 1 and not joined:  # as SQL: inserted first, refused for an open lead's contact
            found = self._open_by_contact(new[0]) if new[0].is_open else None
            if found is None:
                self.add(new[0])
            return found
        for lead in new:
            self.add(lead)
        for lead in joined:
            assert lead.id is not None
            self.appended[lead.id] = lead
        return None

    def _open_by_contact(self, lead: Lead) -> Lead | None:
        for key, value in (("email", lead.email), ("phone", lead.phone)):
            found = [x for x in self._visible() if value and x.is_open and getattr(x, key) == value]
            if found and found[0].id:
                return self.get(found[0].id)
        return None

    def find_by_external_ids(self, source: Channel, external_ids: Collection[str]) -> dict[str, int]:
        wanted = set(external_ids)
        found = [x for x in self._visible() if x.source == source and x.external_id in wanted]
        joined = {key: lead_id for key, lead_id in self._joined().items() if key[0] == source and key[1] in wanted}
        own = {x.external_id: x.id for x in found if x.external_id is not None and x.id is not None}
        return {external_id: lead_id for (_, external_id), lead_id in joined.items()} | own

    def _joined(self) -> dict[tuple[Channel, str], int]:
        """Stored, and joined in this unit of work (not written until commit, as SQL writes them at once)."""
        pending = [*self.added, *self.appended.values()]
        return self._store.joined_ids | {key: x.id for x in pending if x.id is not None for key in x.joined_ids}

    def find_open_by_contacts(self, emails: Collection[str], phones: Collection[str]) -> list[Lead]:
        emails, phones = set(emails), set(phones)
        found = [x for x in self._visible() if x.is_open and (x.email in emails or x.phone in phones)]
        return [lead for x in found if x.id is not None and (lead := self.get(x.id)) is not None]

    def _visible(self) -> list[Lead]:
        return sorted([*self._committed.values(), *self.added], key=lambda x: x.id or 0)
