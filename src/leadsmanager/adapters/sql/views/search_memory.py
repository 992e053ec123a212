"""What a process learns from the searches it ran, to plan its next ones (search_pages.py).

What it holds only chooses a plan or sizes a fetch: every plan returns exactly the matching leads.
The container builds one for the process; each test builds its own.
"""

from __future__ import annotations

import time

# A group with this many lead_search rows is common. Counting that far reads one short range of the
# primary key (term, lead_id); below it, sorting the group's rows stays cheap.
COMMON = 10_000
# A group's count is reused for COUNTS_TTL seconds, except zero: a group with no term makes the page
# empty at once, and a lead added (or corrected) since would be missed. A count that is too high since
# a correction took terms away only chooses a plan; the plan still returns exactly the matches.
COUNTS_TTL = 30.0
# A crude bound on what is kept: forgetting costs one statement the next time.
KEPT = 10_000

Group = tuple[str, ...]


class SearchMemory:
    def __init__(
        self, *, common: int = COMMON, counts_ttl: float = COUNTS_TTL, rows_per_lead: dict[Group, float] | None = None
    ) -> None:
        self.common = common
        self._counts_ttl = counts_ttl
        self._counts: dict[Group, tuple[float, int]] = {}  # group -> (when, capped count)
        # How many rows a page of a rare group's leads took per lead, by group.
        self._rows_per_lead: dict[Group, float] = dict(rows_per_lead or {})

    def count(self, group: Group) -> int:
        """The group's capped count if counted in the last `counts_ttl` seconds, else 0 (count it)."""
        at, n = self._counts.get(group, (0.0, 0))
        return n if time.monotonic() - at < self._counts_ttl else 0

    def counted(self, counts: dict[Group, int]) -> None:
        if len(self._counts) > KEPT:
            self._counts.clear()
        now = time.monotonic()
        self._counts.update({group: (now, n) for group, n in counts.items() if n})

    def rows_per_lead(self, group: Group) -> float:
        return self._rows_per_lead.get(group, 1.3)  # first names: 1.3; surnames: 1.1; company names: 1.05

    def learn_rows_per_lead(self, group: Group, rows_per_lead: float) -> None:
        if len(self._rows_per_lead) > KEPT:
            self._rows_per_lead.clear()
        self._rows_per_lead[group] = rows_per_lead
