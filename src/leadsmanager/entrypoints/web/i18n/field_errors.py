"""The field messages intake and the users' forms give, said in the page's language."""

from __future__ import annotations

import re
from collections.abc import Callable

from attrs import frozen

_TOO_LONG = re.compile(r"too long: at most ([0-9,]+) characters")


@frozen
class FieldErrors:
    gettext: Callable[[str], str]
    # Email addresses are checked by a library whose many messages are English: in another language
    # they become one message of ours.
    translated: bool

    def __call__(self, message: str, field: str = "") -> str:
        _ = self.gettext
        known = {
            "enter a name": _("enter a name"),
            "enter an email address or a phone number": _("enter an email address or a phone number"),
            "not a valid phone number": _("not a valid phone number"),
        }
        if message in known:
            return known[message]
        if found := _TOO_LONG.fullmatch(message):
            return _("too long: at most %(limit)s characters") % {"limit": found.group(1)}
        if field == "email" and self.translated:
            return _("not a valid email address")
        return message
