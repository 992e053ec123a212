"""The details a change corrects, as typed, into the values intake would have stored."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from functools import partial

from leadsmanager.application.intake import normalisation as clean
from leadsmanager.application.intake.form import TEXT_LIMITS
from leadsmanager.domain.lead import DETAILS, HistoryField

# The names a form or a request gives the details by: a lead's `name`, `email`, ... as the API writes them.
DETAIL_NAMES = tuple(name.value for name in DETAILS)


def corrections(typed: Mapping[str, str], *, region: str) -> dict[HistoryField, str]:
    """Each detail given, normalised; "" clears it. Every field is checked at once, so a person sees all
    their mistakes together (ValidationError naming each field)."""
    check = clean.FieldErrors()
    parsers = _parsers(region)
    found = {
        name: check.attempt(name.value, partial(parsers[name], typed[name.value]), "")
        for name in DETAILS
        if name.value in typed
    }
    check.check("the lead was not changed")
    return found


def _parsers(region: str) -> dict[HistoryField, Callable[[str], str]]:
    return {
        HistoryField.NAME: clean.normalise_name,
        HistoryField.EMAIL: _unless_blank(clean.normalise_email),
        HistoryField.PHONE: _unless_blank(partial(clean.normalise_phone, region=region)),
        HistoryField.COMPANY: partial(clean.clean_text, max_length=TEXT_LIMITS["company"], field="company"),
        HistoryField.SERVICE: partial(clean.clean_text, max_length=TEXT_LIMITS["service"], field="service"),
        HistoryField.MESSAGE: clean.clean_message,
        HistoryField.CAMPAIGN: partial(clean.clean_text, max_length=TEXT_LIMITS["campaign"], field="campaign"),
    }


def _unless_blank(parse: Callable[[str], str]) -> Callable[[str], str]:
    """A contact left blank is cleared, not refused as malformed."""
    return lambda typed: parse(typed) if typed.strip() else ""
