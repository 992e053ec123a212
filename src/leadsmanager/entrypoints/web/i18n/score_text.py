"""A lead's score card (`domain.scoring`, written in English) said in the page's language."""

from __future__ import annotations

import re
from collections.abc import Callable

from attrs import frozen

_ASKED = re.compile(r"asked about (.+)", re.DOTALL)
_MESSAGE = re.compile(r"a (detailed|short) message \(([0-9]+) characters\)")
_AGAIN = re.compile(r"wrote again ([0-9]+) times")


@frozen
class ScoreText:
    gettext: Callable[[str], str]

    def __call__(self, text: str) -> str:
        _ = self.gettext
        fixed = {
            "contact data": _("contact data"),
            "source": _("source"),
            "service": _("service"),
            "engagement": _("engagement"),
            "email address": _("email address"),
            "phone number": _("phone number"),
            "company name": _("company name"),
            "no email address": _("no email address"),
            "no phone number": _("no phone number"),
            "no company name": _("no company name"),
            "entered by staff, who spoke to them": _("entered by staff, who spoke to them"),
            "sent our web form": _("sent our web form"),
            "sent a form on one of our sites": _("sent a form on one of our sites"),
            "sent by another system": _("sent by another system"),
            "no service named": _("no service named"),
            "no message": _("no message"),
            "wrote once": _("wrote once"),
            "wrote again once": _("wrote again once"),
            "wrote again twice": _("wrote again twice"),
        }
        if text in fixed:
            return fixed[text]
        if found := _ASKED.fullmatch(text):
            return _("asked about %(service)s") % {"service": found.group(1)}
        if found := _MESSAGE.fullmatch(text):
            detailed = found.group(1) == "detailed"
            said = (
                _("a detailed message (%(count)s characters)")
                if detailed
                else _("a short message (%(count)s characters)")
            )
            return said % {"count": found.group(2)}
        if found := _AGAIN.fullmatch(text):
            return _("wrote again %(count)s times") % {"count": found.group(1)}
        return text
