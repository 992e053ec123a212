"""The emails the product sends, rendered from Jinja2 templates in `templates/email/`.

Each email is three templates: `<name>.subject.txt`, `<name>.txt` and `<name>.html`. HTML is
autoescaped; text is not (it is never interpreted). Whatever a lead typed, the subject ends up
as one capped line and the recipients as checked addresses: `EmailMessage` enforces both.

The confirmation to the person who wrote in repeats nothing they typed, not even their name:
anyone can submit a form with someone else's address, and we must not mail their words to them.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import jinja2

from leadsmanager.application.notification_types import EmailMessage, checked_subject, single_line
from leadsmanager.application.ports import NoticeTemplates
from leadsmanager.domain.errors import ValidationError
from leadsmanager.domain.lead import Lead
from leadsmanager.domain.user import User

TEMPLATES = Path(__file__).parent / "templates" / "email"


def when(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%d %H:%M UTC")


class EmailTemplates(NoticeTemplates):
    def __init__(self, *, base_url: str, team_name: str = "LeadsManager") -> None:
        """`base_url` is where staff open the web app, e.g. https://leads.example.com."""
        self._base_url = base_url.rstrip("/")
        self._team_name = team_name
        self._env = jinja2.Environment(
            loader=jinja2.FileSystemLoader(TEMPLATES),
            autoescape=jinja2.select_autoescape(["html"], default_for_string=False, default=False),
            undefined=jinja2.StrictUndefined,  # a misspelt field fails the tests instead of mailing a blank
            trim_blocks=True,
            lstrip_blocks=True,
        )
        self._env.filters["when"] = when
        # Short fields stay on one line in bodies too, so a name cannot fake a line such as "Open it: ...".
        self._env.filters["line"] = single_line

    def new_lead(self, lead: Lead, *, to: Iterable[str]) -> EmailMessage:
        """To the sales team: who wrote in, how to reach them, and a link to the lead."""
        return self._render("new_lead", to, lead=lead)

    def new_lead_chat(self, lead: Lead) -> str:
        """One plain line for the team channel; the chat adapter escapes its own markup."""
        company = f" ({single_line(lead.company, max_length=80)})" if lead.company else ""
        name = single_line(lead.contact_name, max_length=80) or "someone"
        return f"New lead #{lead.id}: {name}{company} via {lead.source.value}. {self._base_url}/leads/{lead.id}"

    def follow_up_reminder(self, lead: Lead, *, assignee: User) -> EmailMessage:
        return self._render("follow_up_reminder", [assignee.email], lead=lead, assignee=assignee)

    def escalation(self, lead: Lead, *, to: Iterable[str], reason: str) -> EmailMessage:
        """To the managers; `reason` is one line from the use case, e.g. "no reply in 3 days"."""
        return self._render("escalation", to, lead=lead, reason=reason)

    def submission_confirmation(self, lead: Lead) -> EmailMessage:
        if not lead.email:
            raise ValidationError("this lead has no email address to confirm to", {"email": "missing"})
        return self._render("submission_confirmation", [lead.email])

    def _render(self, name: str, to: Iterable[str], **context: Any) -> EmailMessage:
        context["team_name"] = self._team_name
        if "lead" in context:
            context["lead_url"] = f"{self._base_url}/leads/{context['lead'].id}"
        subject = checked_subject(self._env.get_template(f"{name}.subject.txt").render(context))
        return EmailMessage(
            to=to,
            subject=subject,
            text=self._env.get_template(f"{name}.txt").render(context),
            html=self._env.get_template(f"{name}.html").render(context, subject=subject),
        )
