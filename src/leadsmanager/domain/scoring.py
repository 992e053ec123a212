"""The lead score: 0 to 100 points from named factors, each with the reasons behind its points.

The score rates how promising a lead looks, not how far it got: the status plays no part. It is
stored on the lead (so the list sorts by it) and recomputed whenever an input changes.
"""

from __future__ import annotations

from attrs import frozen

from leadsmanager.domain.channel import Channel

DETAILED_MESSAGE = 80  # characters; a message this long usually says what the person needs
SOURCE_POINTS = {
    "manual": (15, "entered by staff, who spoke to them"),
    "web_form": (10, "sent our web form"),
    "wordpress": (10, "sent a form on one of our sites"),
    "api": (5, "sent by another system"),
    "import": (5, "imported from a file"),
}


@frozen
class Reason:
    """One thing that earned points, or (at 0 points) one that is missing."""

    label: str
    points: int


@frozen
class ScoreFactor:
    name: str
    maximum: int
    reasons: tuple[Reason, ...]

    @property
    def points(self) -> int:
        return sum(r.points for r in self.reasons)


@frozen
class LeadScore:
    factors: tuple[ScoreFactor, ...]

    @property
    def total(self) -> int:
        return sum(f.points for f in self.factors)


def score_of(
    *,
    email: str | None,
    phone: str | None,
    company: str,
    source: Channel,
    service: str,
    message: str,
    resubmissions: int,
) -> LeadScore:
    """The score from a lead's fields (`Lead.score_card`, and code that holds rows rather than leads: the
    bench seed)."""
    return LeadScore(
        (
            _contact_data(email, phone, company),
            _source(source),
            _service(service),
            _engagement(message, resubmissions),
        )
    )


def _have(points: int, present: bool, label: str) -> Reason:
    return Reason(label, points) if present else Reason(f"no {label}", 0)


def _contact_data(email: str | None, phone: str | None, company: str) -> ScoreFactor:
    reasons = (_have(15, bool(email), "email address"), _have(15, bool(phone), "phone number"))
    return ScoreFactor("contact data", 40, (*reasons, _have(10, bool(company), "company name")))


def _source(source: Channel) -> ScoreFactor:
    points, label = SOURCE_POINTS[source.value]
    return ScoreFactor("source", 15, (Reason(label, points),))


def _service(service: str) -> ScoreFactor:
    reason = Reason(f"asked about {service}", 15) if service else Reason("no service named", 0)
    return ScoreFactor("service", 15, (reason,))


def _engagement(message: str, resubmissions: int) -> ScoreFactor:
    length = len(message)
    if length >= DETAILED_MESSAGE:
        said = Reason(f"a detailed message ({length} characters)", 15)
    else:
        said = Reason(f"a short message ({length} characters)", 5) if length else Reason("no message", 0)
    if resubmissions:
        again = Reason(f"wrote again {_times(resubmissions)}", 15 if resubmissions > 1 else 10)
    else:
        again = Reason("wrote once", 0)
    return ScoreFactor("engagement", 30, (said, again))


def _times(n: int) -> str:
    return "once" if n == 1 else "twice" if n == 2 else f"{n} times"
