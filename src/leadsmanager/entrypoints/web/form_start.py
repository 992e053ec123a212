"""The public form's start token: which form, opened when, embedded where; signed, good for one submission.

It is issued with the form page and sent back with the form. Its signature makes the opening time and the
embedding site trustworthy (a visitor cannot choose the `site` a lead is filed under); its nonce is consumed
in the transaction that accepts the submission, as an idempotency record: the same form sent again (a double
click, a reload) changes nothing and gets the first answer, and the token is refused for a different one.
"""

from __future__ import annotations

import hashlib
import json
import secrets
from collections.abc import Mapping
from urllib.parse import urlsplit

from attrs import asdict, evolve, frozen
from starlette.requests import Request

from leadsmanager.application.intake import Idempotency
from leadsmanager.entrypoints.web.security import Signer

OWNER = "public-form"  # the idempotency records of consumed start tokens
SITE_LENGTH = 200


@frozen
class FormStart:
    form: str
    site: str  # the host of the page that embedded or linked the form; '' when unknown
    at: float  # when the form was opened, in seconds since the epoch
    nonce: str


class FormStarts:
    """Issue, verify and consume start tokens."""

    def __init__(self, signer: Signer) -> None:
        self._signer = signer

    def issue(self, form: str, site: str, at: float) -> str:
        return self._signer.sign(asdict(FormStart(form, site, at, secrets.token_hex(16))))

    def reissue(self, start: FormStart) -> str:
        """A fresh token for a form sent back to be sent again: same opening time and site, a new nonce."""
        return self._signer.sign(asdict(evolve(start, nonce=secrets.token_hex(16))))

    def verify(self, token: str, form: str) -> FormStart | None:
        """The start this form's token vouches for; None when it is missing, forged or for another form."""
        value = self._signer.unsign(token)
        if not isinstance(value, dict):
            return None
        try:
            start = FormStart(str(value["form"]), str(value["site"]), float(value["at"]), str(value["nonce"]))
        except (KeyError, TypeError, ValueError):
            return None
        return start if start.form == form and start.nonce else None

    @staticmethod
    def consume(start: FormStart, fields: Mapping[str, str]) -> Idempotency:
        """Stored with the lead: the same fields again replay the answer, other fields are a Conflict."""
        sent = {k: v for k, v in fields.items() if k != "started"}
        fingerprint = hashlib.sha256(json.dumps(sent, sort_keys=True).encode()).hexdigest()
        return Idempotency(OWNER, start.nonce, fingerprint)


def embedding_site(request: Request) -> str:
    """The host of the page the form is embedded in or linked from: its `site` parameter, else its Referer.

    Our own host is never the embedding site (the thank-you page's link back passes the site along)."""
    given = request.query_params.get("site", "").strip() or request.headers.get("referer", "")
    host = urlsplit(given if "//" in given else f"//{given}").netloc.rpartition("@")[2].lower()
    if host == request.headers.get("host", ""):
        return ""
    return host[:SITE_LENGTH]
