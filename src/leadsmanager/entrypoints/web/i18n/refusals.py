"""Refusals said in the page's language.

The domain and the use cases refuse in English (`str()` of their errors), and some refusals are kept as
that text (a failed submission's reason, an import's refused rows). The CLI, the logs and the API keep
the English; the pages say each known refusal in the reader's language: its pattern finds the values in
the English text and puts them into the translation. A refusal not known here shows in English.
`tests/web/test_refusals.py` raises the real errors, so a reworded message is caught, not left English.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from attrs import frozen

from leadsmanager.entrypoints.web.i18n.field_errors import FieldErrors

Gettext = Callable[[str], str]
# What a value of a refusal is, by the name of its group: said again in the reader's words, or kept as is.
_STAGES = ("stage", "target")
_PARTS = "parts"  # refusals joined by "; ", each said on its own
_REASON = "reason"  # a refusal inside another
_PROBLEMS = "problems"  # "field: problem; field: problem", as intake and the CSV import give them
_FIELD = "field"
_WHAT = "what"  # the kind of a record: a lead, a user
_PROBLEM = re.compile(r"(?P<field>[a-z_]+): (?P<problem>.+)")
_SAVE_AS = re.escape("save it from the spreadsheet as 'CSV UTF-8'")
_FIELD_NAMES = ("name", "email", "phone", "company", "service", "message", "created_at", "contact", "extras")


def _fixed(_: Gettext) -> dict[str, str]:
    """The refusals that hold no value, by their English text."""
    return {
        "this person is already being handled by the team": _("this person is already being handled by the team"),
        "leads can only go to active users": _("leads can only go to active users"),
        "the chosen assignee is not an active user": _("the chosen assignee is not an active user"),
        "a note is at most 10,000 characters": _("a note is at most 10,000 characters"),
        "a note cannot be empty": _("a note cannot be empty"),
        "this is the last active admin; make another admin first": _(
            "this is the last active admin; make another admin first"
        ),
        "this account is refusing sign-ins from new places for a while after many failed attempts; try again "
        "later or from where you usually sign in": _(
            "this account is refusing sign-ins from new places for a while after many failed attempts; try "
            "again later or from where you usually sign in"
        ),
        "that password is too long": _("that password is too long"),
        "you may not change this lead": _("you may not change this lead"),
        "you may not enter leads": _("you may not enter leads"),
        "only managers and admins assign leads": _("only managers and admins assign leads"),
        "only admins manage users": _("only admins manage users"),
        "only admins manage API keys": _("only admins manage API keys"),
        "only admins may import leads": _("only admins may import leads"),
        "only admins see the form sources": _("only admins see the form sources"),
        "your role does not allow this page": _("your role does not allow this page"),
        "this form was sent from another site": _("this form was sent from another site"),
        "the form has expired or did not come from this site; reload the page and try again": _(
            "the form has expired or did not come from this site; reload the page and try again"
        ),
        "choose a CSV file to upload": _("choose a CSV file to upload"),
        "give the key at least one scope": _("give the key at least one scope"),
        "name the integration this key is for": _("name the integration this key is for"),
        "no such upload: it was imported already, or never uploaded": _(
            "no such upload: it was imported already, or never uploaded"
        ),
        "only admins edit the stages": _("only admins edit the stages"),
        "a pipeline needs a won stage in use": _("a pipeline needs a won stage in use"),
        "a pipeline needs a spam stage in use": _("a pipeline needs a spam stage in use"),
        # What a pushed submission's body held, as a failed submission's reason (and inside a replay's).
        "the body is not JSON": _("the body is not JSON"),
        "the body is not UTF-8 text": _("the body is not UTF-8 text"),
        "the body is JSON but not an object of fields": _("the body is JSON but not an object of fields"),
        # The pages' own refusals: an address or a form that names nothing there is.
        "there is no such action": _("there is no such action"),
        "there is no such change": _("there is no such change"),
        "there is no such report table": _("there is no such report table"),
        "no such import": _("no such import"),
        "no such upload": _("no such upload"),
        # The reports' period, as its form sends it.
        "the period ends before it starts": _("the period ends before it starts"),
        "from must be a date like 2026-03-01": _("from must be a date like 2026-03-01"),
        "to must be a date like 2026-03-01": _("to must be a date like 2026-03-01"),
        "from must be a date between the years 1900 and 9000": _("from must be a date between the years 1900 and 9000"),
        "to must be a date between the years 1900 and 9000": _("to must be a date between the years 1900 and 9000"),
        "reports cover one rep or everyone, not unassigned leads": _(
            "reports cover one rep or everyone, not unassigned leads"
        ),
        "sort is newest, oldest or score": _("sort is newest, oldest or score"),
        "assignee must be a user id or 'none'": _("assignee must be a user id or 'none'"),
    }


def _patterns(_: Gettext) -> list[tuple[str, str]]:
    """Each known refusal: its English pattern (a regular expression) and its translation."""
    return [
        (
            r"unknown status (?P<value>'.*'); use one of: (?P<keys>.*)",
            _("unknown stage %(value)s; use one of: %(keys)s"),
        ),
        (r"lead is already (?P<stage>\S+)", _("the lead is already in %(stage)s")),
        (
            r"a lead cannot move from (?P<stage>\S+) to (?P<target>\S+)",
            _("a lead cannot move from %(stage)s to %(target)s"),
        ),
        (
            r"only a manager or admin can move a lead from (?P<stage>\S+) to (?P<target>\S+)",
            _("only a manager or admin can move a lead from %(stage)s to %(target)s"),
        ),
        (
            r"lead (?P<id>\d+) was changed by someone else; reload it and try again",
            _("lead %(id)s was changed by someone else; reload it and try again"),
        ),
        (
            r"this contact already has open lead (?P<id>\d+); work that one instead",
            _("this contact already has open lead %(id)s; work that one instead"),
        ),
        (r"another open lead has this contact: (?P<parts>.+)", _("another open lead has this contact: %(parts)s")),
        (
            r"lead (?P<id>\d+) \((?P<name>.*)\) is open with this (?P<field>email|phone)",
            _("lead %(id)s (%(name)s) is open with this %(field)s"),
        ),
        (r"lead (?P<id>\d+) is open with this (?P<field>email|phone)", _("lead %(id)s is open with this %(field)s")),
        (r"the lead was not accepted \((?P<problems>.+)\)", _("the lead was not accepted (%(problems)s)")),
        (r"(?P<value>'.*') is not a valid phone number", _("%(value)s is not a valid phone number")),
        (r"(?P<value>'.*') is not a valid email address: .*", _("%(value)s is not a valid email address")),
        (r"a user with email (?P<email>\S+) already exists", _("a user with email %(email)s already exists")),
        (r"(?P<what>lead|user) (?P<id>\d+) was not found", _("%(what)s %(id)s was not found")),
        (r"API key (?P<id>\d+) was not found", _("API key %(id)s was not found")),
        (
            r"no failed submission (?P<id>\d+) is waiting in the inbox",
            _("no failed submission %(id)s is waiting in the inbox"),
        ),
        (r"there is no form called (?P<slug>'.*')", _("there is no form called %(slug)s")),
        (
            r"a password needs at least (?P<count>\d+) characters",
            _("a password needs at least %(count)s characters"),
        ),
        (
            r"too many sign-in attempts; try again in (?P<minutes>\d+) minutes",
            _("too many sign-in attempts; try again in %(minutes)s minutes"),
        ),
        (
            r"no email and no phone: map the form's fields in the site's _FIELDS"
            r" \(the fields received are (?P<names>.*)\)",
            _("no email and no phone: map the form's fields in the site's _FIELDS (the fields received are %(names)s)"),
        ),
        (
            r"no email and no phone: map the form's fields in the site's _FIELDS \(no fields were received\)",
            _("no email and no phone: map the form's fields in the site's _FIELDS (no fields were received)"),
        ),
        (
            r"(?P<reason>.+); fields not mapped to a lead field: (?P<names>.*)",
            _("%(reason)s; fields not mapped to a lead field: %(names)s"),
        ),
        (
            r"site (?P<site>'.*') has no form (?P<form>'.*') configured any more",
            _("site %(site)s has no form %(form)s configured any more"),
        ),
        (
            r"its body could not be read, so it cannot be mapped \((?P<reason>.*)\)",
            _("its body could not be read, so it cannot be mapped (%(reason)s)"),
        ),
        (
            r"(?P<value>'.*') is not a date \(.*\)",
            _("%(value)s is not a date (dd/mm/yyyy, yyyy-mm-dd, either with hh:mm, or an Excel date number)"),
        ),
        (r"the date (?P<value>'.*') is in the future", _("the date %(value)s is in the future")),
        (
            r"the row has (?P<values>\d+) values, the header (?P<columns>\d+) columns",
            _("the row has %(values)s values, the header %(columns)s columns"),
        ),
        # The stage editor's refusals, and a move into a stage that asks for a reason.
        (r"there is already a stage (?P<value>'.*')", _("there is already a stage %(value)s")),
        (
            r"(?P<stage>\S+) is where new leads start: choose another starting stage first",
            _("%(stage)s is where new leads start: choose another starting stage first"),
        ),
        (
            r"(?P<count>\d+) leads? holds? (?P<stage>\S+): a stage in use can only be retired",
            _("leads in %(stage)s: %(count)s; a stage in use can only be retired"),
        ),
        (
            r"(?P<count>\d+) leads? holds? (?P<stage>\S+): its kind stays \S+",
            _("leads in %(stage)s: %(count)s; its kind stays"),
        ),
        (
            r"stage (?P<stage>\S+) requires a reason: add one to its list first",
            _("%(stage)s asks for a reason: add one to its list first"),
        ),
        (r"(?P<stage>\S+) cannot move further that way", _("%(stage)s cannot move further that way")),
        (r"(?:stage|reason) \S+ needs a label in some language", _("give it a name, in English or in Spanish")),
        (
            r"only a lost or excluded stage keeps reasons \((?P<stage>\S+) is \S+\)",
            _("only a lost or excluded stage keeps reasons, and %(stage)s is neither"),
        ),
        (
            r"a stage key is a letter then letters, digits or _ \(at most 16\): (?P<value>'.*')",
            _("a stage key is a letter, then letters, digits or _ (at most 16): %(value)s"),
        ),
        (
            r"moving a lead to (?P<stage>\S+) needs a reason \(.*\); use one of: (?P<keys>.*)",
            _("moving a lead to %(stage)s needs one of its reasons: %(keys)s"),
        ),
        (
            r"the body is a JSON list of (?P<count>\d+) items, not one submission \(an object\)",
            _("the body is a JSON list of %(count)s items, not one submission (an object)"),
        ),
        (r"the form has more than (?P<count>\d+) fields", _("the form has more than %(count)s fields")),
        (
            r"unknown time zone (?P<value>'.*'); use an IANA name such as UTC or Europe/Madrid",
            _("unknown time zone %(value)s; use an IANA name such as UTC or Europe/Madrid"),
        ),
        (r"unknown source (?P<value>'.*')", _("unknown source %(value)s")),
        (r"a stage's kind is one of: (?P<names>.*)", _("a stage's kind is one of: %(names)s")),
        # A CSV file the import cannot read at all, named by the file's name (anything the uploader chose).
        (
            r"(?P<file>.+) is not a CSV file: its first line, the header naming the columns, is empty",
            _("%(file)s is not a CSV file: its first line, the header naming the columns, is empty"),
        ),
        (
            r"(?P<file>.+) is not a CSV file \(a spreadsheet workbook or another binary file\?\): " + _SAVE_AS,
            _(
                "%(file)s is not a CSV file (a spreadsheet workbook or another binary file?): save it from the "
                "spreadsheet as 'CSV UTF-8'"
            ),
        ),
        (
            r"(?P<file>.+) is not a CSV file in UTF-8: " + _SAVE_AS,
            _("%(file)s is not a CSV file in UTF-8: save it from the spreadsheet as 'CSV UTF-8'"),
        ),
        (
            r"(?P<file>.+) is not UTF-8 text after row (?P<row>\d+): " + _SAVE_AS,
            _("%(file)s is not UTF-8 text after row %(row)s: save it from the spreadsheet as 'CSV UTF-8'"),
        ),
        (
            r"(?P<file>.+): the header names a column twice: (?P<names>.*)",
            _("%(file)s: the header names a column twice: %(names)s"),
        ),
        (
            r"(?P<file>.+): row near line (?P<row>\d+) cannot be read: (?P<why>.*)",
            _("%(file)s: row near line %(row)s cannot be read: %(why)s"),
        ),
        (r"(?P<file>[^:]+) is empty", _("%(file)s is empty")),  # not "WordPress site 'x': the url is empty"
        (
            r"unknown field (?P<value>'.*'); map a column to one of: (?P<names>.*)",
            _("unknown field %(value)s; map a column to one of: %(names)s"),
        ),
        (
            r"no column (?P<value>'.*') in the file; its columns are: (?P<names>.*)",
            _("no column %(value)s in the file; its columns are: %(names)s"),
        ),
        (
            r"no column fills the email or the phone: map a column to one of them"
            r" \(the file's columns: (?P<names>.*)\)",
            _("no column fills the email or the phone: map a column to one of them (the file's columns: %(names)s)"),
        ),
        # An import's row refused by intake, its reason as `field: problem; field: problem`.
        (rf"(?P<problems>(?:{'|'.join(_FIELD_NAMES)}): .+)", "%(problems)s"),
    ]


def _field_names(_: Gettext) -> dict[str, str]:
    return {
        "name": _("name"),
        "email": _("email"),
        "phone": _("phone"),
        "company": _("company"),
        "service": _("service"),
        "message": _("message"),
        "created_at": _("date"),
        "contact": _("contact"),
        "extras": _("extra fields"),
        "lead": _("lead"),
        "user": _("user"),
    }


@frozen
class Refusals:
    gettext: Gettext
    fields: FieldErrors
    stage: Callable[[str], str] = str  # a stage key as the reader reads it: its label

    def __call__(self, message: str) -> str:
        """`message` in the reader's language, or as it is when it is not a refusal known here."""
        fixed = _fixed(self.gettext)
        if message in fixed:
            return fixed[message]
        for pattern, said in _patterns(self.gettext):
            found = re.fullmatch(pattern, message, re.DOTALL)
            if found is not None:
                return said % {name: self._value(name, value) for name, value in found.groupdict().items()}
        return message

    def field(self, message: str, field: str = "") -> str:
        """A message beside a form's field: intake's field messages, else a refusal known here."""
        said = self.fields(message, field)
        return said if said != message else self(message)

    def _value(self, name: str, value: str) -> str:
        if name in _STAGES:
            return self.stage(value)
        if name == _REASON:
            return self(value)
        if name == _PARTS:
            return "; ".join(self(part) for part in value.split("; "))
        if name == _PROBLEMS:
            return "; ".join(self._problem(part) for part in value.split("; "))
        if name in (_FIELD, _WHAT):
            return _field_names(self.gettext).get(value, value)
        return value

    def _problem(self, text: str) -> str:
        """One field's problem, as `name: enter a name`."""
        found = _PROBLEM.fullmatch(text)
        if found is None:
            return self(text)
        field, problem = found.group("field"), found.group("problem")
        return f"{_field_names(self.gettext).get(field, field)}: {self.field(problem, field)}"
