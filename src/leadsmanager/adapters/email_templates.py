"""The emails the product sends, rendered from Jinja2 templates in `templates/email/`, and its chat lines.

Each email is three templates: `<name>.subject.txt`, `<name>.txt` and `<name>.html`. HTML is
autoescaped; text is not (it is never interpreted). Whatever a lead typed, the subject ends up
as one capped line and the recipients as checked addresses: `EmailMessage` enforces both.

Every notice is written in the language its readers read (the templates' text is marked for gettext, its
catalogue is `adapters/i18n/locale`), times in the deployment's zone as that language writes them, and the
lead's stage by its label in that language.

The confirmation to the person who wrote in repeats nothing they typed, not even their name:
anyone can submit a form with someone else's address, and we must not mail their words to them.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from datetime import timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import jinja2

from leadsmanager.adapters.i18n.catalogues import N_, notice_translations
from leadsmanager.adapters.i18n.local_formats import LocalFormats
from leadsmanager.application.notification_types import (
    EmailMessage,
    EscalationReason,
    checked_subject,
    single_line,
)
from leadsmanager.application.ports import NoticeTemplates
from leadsmanager.domain.channel import Channel
from leadsmanager.domain.errors import ValidationError
from leadsmanager.domain.language import LANGUAGES
from leadsmanager.domain.lead import Lead
from leadsmanager.domain.pipeline import Pipeline
from leadsmanager.domain.user import User

TEMPLATES = Path(__file__).parent / "templates" / "email"
LABEL_WIDTH = 10  # the text bodies' "Name:     Ana" column
SOURCE_NAMES = {
    Channel.WEB_FORM: N_("web form"),
    Channel.MANUAL: N_("entered by staff"),
    Channel.API: N_("API"),
    Channel.WORDPRESS: N_("WordPress"),
    Channel.IMPORT: N_("imported file"),
}


def label(text: str) -> str:
    return f"{text}:".ljust(LABEL_WIDTH)


def _environment(language: str, zone: ZoneInfo) -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(TEMPLATES),
        autoescape=jinja2.select_autoescape(["html"], default_for_string=False, default=False),
        undefined=jinja2.StrictUndefined,  # a misspelt field fails the tests instead of mailing a blank
        trim_blocks=True,
        lstrip_blocks=True,
        extensions=["jinja2.ext.i18n"],
    )
    install: Any = env.install_gettext_translations  # type: ignore[attr-defined]  # added by jinja2.ext.i18n
    install(notice_translations(language), newstyle=True)
    env.filters["when"] = LocalFormats(language, zone).when
    # Short fields stay on one line in bodies too, so a name cannot fake a line such as "Open it: ...".
    env.filters["line"] = single_line
    env.filters["label"] = label
    env.filters["company_apart"] = company_apart
    env.globals["language"] = language
    return env


def company_apart(lead: Lead) -> str:
    """The lead's company beside its name, or nothing when the lead is named by it (a form asking no name)."""
    company = lead.company or ""
    return "" if " ".join(company.split()).casefold() == " ".join(lead.contact_name.split()).casefold() else company


class EmailTemplates(NoticeTemplates):
    def __init__(self, *, base_url: str, team_name: str = "LeadsManager", zone: ZoneInfo | None = None) -> None:
        """`base_url` is where staff open the web app, e.g. https://leads.example.com; `zone` the deployment's."""
        self._base_url = base_url.rstrip("/")
        self._team_name = team_name
        self._envs = {code: _environment(code, zone or ZoneInfo("UTC")) for code in LANGUAGES}

    def new_lead(self, lead: Lead, *, to: Iterable[str], language: str, pipeline: Pipeline) -> EmailMessage:
        """To the sales team: who wrote in, how to reach them, and a link to the lead."""
        return self._render("new_lead", to, language, lead=lead, pipeline=pipeline)

    def new_lead_chat(self, lead: Lead, *, language: str) -> str:
        """One plain line for the team channel; the chat adapter escapes its own markup."""
        _ = notice_translations(language).gettext
        said = {
            "id": lead.id,
            "name": single_line(lead.contact_name, max_length=80) or _("someone"),
            "company": single_line(company_apart(lead), max_length=80),
            "source": _(SOURCE_NAMES.get(lead.source, lead.source.value)),
        }
        if said["company"]:
            line = _("New lead #%(id)s: %(name)s (%(company)s) via %(source)s.") % said
        else:
            line = _("New lead #%(id)s: %(name)s via %(source)s.") % said
        return f"{line} {self._lead_url(lead)}"

    def follow_up_reminder(self, lead: Lead, *, assignee: User, language: str, pipeline: Pipeline) -> EmailMessage:
        return self._render(
            "follow_up_reminder", [assignee.email], language, lead=lead, pipeline=pipeline, assignee=assignee
        )

    def escalation(
        self,
        lead: Lead,
        *,
        to: Iterable[str],
        language: str,
        pipeline: Pipeline,
        reasons: Sequence[EscalationReason],
        overdue_after: timedelta,
    ) -> EmailMessage:
        """To the managers, saying every reason the lead needs one now."""
        reason = "; ".join(_reason(notice_translations(language).gettext, r, overdue_after) for r in reasons)
        return self._render("escalation", to, language, lead=lead, pipeline=pipeline, reason=reason)

    def submission_confirmation(self, lead: Lead, *, language: str) -> EmailMessage:
        if not lead.email:
            raise ValidationError("this lead has no email address to confirm to", {"email": "missing"})
        return self._render("submission_confirmation", [lead.email], language)

    def _render(
        self,
        name: str,
        to: Iterable[str],
        language: str,
        *,
        lead: Lead | None = None,
        pipeline: Pipeline | None = None,
        **context: Any,
    ) -> EmailMessage:
        env = self._envs.get(language) or self._envs["en"]
        context["team_name"] = self._team_name
        if lead is not None and pipeline is not None:
            _ = notice_translations(language).gettext
            context |= {
                "lead": lead,
                "lead_url": self._lead_url(lead),
                "status": pipeline.label(lead.status, language),
                "source": _(SOURCE_NAMES.get(lead.source, lead.source.value)),
            }
        subject = checked_subject(env.get_template(f"{name}.subject.txt").render(context))
        return EmailMessage(
            to=to,
            subject=subject,
            text=env.get_template(f"{name}.txt").render(context),
            html=env.get_template(f"{name}.html").render(context, subject=subject),
        )

    def _lead_url(self, lead: Lead) -> str:
        return f"{self._base_url}/leads/{lead.id}"


def _reason(_: Callable[[str], str], reason: EscalationReason, overdue_after: timedelta) -> str:
    if reason is EscalationReason.OVERDUE:
        hours = int(overdue_after.total_seconds() // 3600)
        return _("still new %(hours)s hours after it arrived") % {"hours": hours}
    if reason is EscalationReason.UNASSIGNED:
        return _("nobody is assigned to it yet")
    return _("its assignee cannot be reached")
