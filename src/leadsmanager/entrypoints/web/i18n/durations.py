"""Waits in the reader's words: the web pages' counterpart of the CLI's English `duration`."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

from attrs import frozen

Gettext = Callable[[str], str]
Ngettext = Callable[[str, str, int], str]


@frozen
class Durations:
    gettext: Gettext
    ngettext: Ngettext

    def span(self, span: timedelta) -> str:
        """45 min, 1 h 30 min, 36 h, 3 days: as `entrypoints.formats.report_tables.duration` in English."""
        _ = self.gettext
        minutes = int(span.total_seconds() // 60)
        if minutes < 1:
            return _("under 1 min")
        if minutes < 60:
            return _("%(minutes)s min") % {"minutes": minutes}
        hours, rest = divmod(minutes, 60)
        if hours < 72:
            return _("%(hours)s h %(minutes)s min") % {"hours": hours, "minutes": rest} if rest else self._hours(hours)
        days, hours = divmod(hours, 24)
        shown = self.ngettext("%(num)s day", "%(num)s days", days) % {"num": days}
        return f"{shown} {self._hours(hours)}" if hours else shown

    def waited(self, minutes: int) -> str:
        """The dashboard's wait: minutes, hours and minutes, then days."""
        _ = self.gettext
        if minutes < 60:
            return _("%(minutes)s min") % {"minutes": max(minutes, 0)}
        hours = minutes // 60
        if hours < 48:
            return _("%(hours)s h %(minutes)s min") % {"hours": hours, "minutes": minutes % 60}
        days = hours // 24
        return self.ngettext("%(num)s day", "%(num)s days", days) % {"num": days}

    def _hours(self, hours: int) -> str:
        return self.gettext("%(hours)s h") % {"hours": hours}
