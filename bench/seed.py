"""Seed a MariaDB/MySQL database with realistic leads for the list benchmark.

    .venv/bin/python bench/seed.py                  # 1,000,000 leads into leadsmanager_bench
    .venv/bin/python bench/seed.py --leads 100000   # a smaller set
    .venv/bin/python bench/seed.py --fresh          # drop the database and seed again
    .venv/bin/python bench/seed.py --progress       # progress on stderr even when it is not a terminal

The database comes from LEADSMANAGER_BENCH_MYSQL_URL (default
mysql+pymysql://root@127.0.0.1:3306/leadsmanager_bench) or --url. It is created if missing and
migrated with the project's own Alembic migrations, then filled with LOAD DATA LOCAL INFILE: rows
are written to tab-separated files first and each table is loaded in one transaction with unique
and foreign key checks off, which lets InnoDB build the indexes of an empty table by sorting.

A row in the table `bench_seed` records a finished seed; a second run with the same --leads and
--seed only applies any newer migrations. A database that holds tables but no such row was not made here, and is only
dropped when --fresh says so.
"""

from __future__ import annotations

import argparse
import functools
import itertools
import json
import math
import os
import random
import sys
import tempfile
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pymysql
from sqlalchemy import make_url

from leadsmanager.adapters.sql.engine import make_engine
from leadsmanager.adapters.sql.migrate import upgrade
from leadsmanager.adapters.sql.tables import COUNTERS
from leadsmanager.adapters.sql.views.report_rebuild import rebuild
from leadsmanager.adapters.system import Argon2Hasher
from leadsmanager.application.tallies import Facet
from leadsmanager.domain.lead import Channel
from leadsmanager.domain.scoring import score_of
from leadsmanager.domain.search import fold, lead_terms
from leadsmanager.entrypoints.cli.progress import Progress

DEFAULT_URL = "mysql+pymysql://root@127.0.0.1:3306/leadsmanager_bench"
URL_ENV = "LEADSMANAGER_BENCH_MYSQL_URL"

# Leads are spread over the two years before END, newest last (ids grow with created_at).
END = datetime(2025, 11, 1, tzinfo=UTC)
SPAN = timedelta(days=730)
RECENT = timedelta(days=60)


def _words(block: str) -> list[str]:
    return block.split()


FIRST_NAMES = _words("""
James Mary John Patricia Robert Jennifer Michael Linda William Elizabeth David Barbara Richard Susan Joseph
Jessica Thomas Sarah Charles Karen Christopher Nancy Daniel Lisa Matthew Betty Anthony Margaret Mark Sandra
Donald Ashley Steven Kimberly Paul Emily Andrew Donna Joshua Michelle Kenneth Dorothy Kevin Carol Brian Amanda
George Melissa Timothy Deborah Ronald Stephanie Edward Rebecca Jason Sharon Jeffrey Laura Ryan Cynthia Jacob
Kathleen Gary Amy Nicholas Angela Eric Shirley Jonathan Anna Stephen Brenda Larry Pamela Justin Emma Scott
Nicole Brandon Helen Benjamin Samantha Samuel Katherine Gregory Christine Alexander Debra Frank Rachel Patrick
Carolyn Raymond Janet Jack Catherine Dennis Maria Jerry Heather Tyler Diane Aaron Ruth Jose Julie Adam Olivia
Nathan Joyce Henry Virginia Douglas Victoria Zachary Kelly Peter Lauren Kyle Christina Ethan Joan Walter
Evelyn Noah Judith Jeremy Megan Christian Andrea Keith Cheryl Roger Hannah Terry Jacqueline Gerald Martha
Harold Gloria Sean Teresa Austin Ann Carl Sara Arthur Madison Lawrence Frances Dylan Kathryn Jesse Janice
Jordan Jean Bryan Abigail Billy Alice Joe Julia Bruce Judy Gabriel Sophia Logan Grace Albert Denise Willie
Amber Alan Doris Juan Marilyn Wayne Danielle Elijah Beverly Randy Isabella Roy Theresa Vincent Diana Ralph
Natalie Eugene Brittany Russell Charlotte Bobby Marie Mason Kayla Philip Alexis Louis Lori José María Lucía
Sofía Martín Álvaro Jesús Ángel Inés Raúl Andrés Adrián Marta Pablo Javier Sergio Elena Irene Jürgen Jörg
Müller Björn Sören Lukas Jonas Felix Leon Finn Lena Mia Lea Anna-Lena Hanna Katrin Sabine Uwe Dieter Renée
Chloé Zoë Léa Amélie Hélène François Jérôme Benoît Gaëlle Élodie Céline Noël Maël Loïc Thibault Camille
Łukasz Paweł Michał Agnieszka Małgorzata Krzysztof Tomasz Zofia Oskar Astrid Ingrid Sven Nils Freya Aoife
Siobhán Seán Ciarán Niamh Oisín Giulia Matteo Lorenzo Francesca Chiara Alessandro Luca Marco Sofia Aurora
Mohammed Fatima Aisha Omar Yusuf Amir Leila Priya Arjun Rahul Ananya Wei Li Chen Hiroshi Yuki Sakura Minh
""")

REAL_SURNAMES = _words("""
Smith Johnson Williams Brown Jones Miller Davis Wilson Anderson Taylor Thomas Moore Martin Jackson Thompson
White Harris Clark Lewis Robinson Walker Young Allen King Wright Scott Hill Adams Baker Nelson Carter Mitchell
Roberts Turner Phillips Campbell Parker Evans Edwards Collins Stewart Morris Murphy Cook Rogers Morgan Cooper
Peterson Reed Bailey Bell Kelly Howard Ward Cox Richardson Wood Watson Brooks Bennett Gray James Hughes Price
Sanders Myers Long Ross Foster García Rodríguez Martínez Hernández López González Pérez Sánchez Ramírez Torres
Flores Rivera Gómez Díaz Cruz Morales Reyes Gutiérrez Ortiz Jiménez Ruiz Álvarez Castillo Romero Núñez Muñoz
Müller Schmidt Schneider Fischer Weber Meyer Wagner Becker Schulz Hoffmann Schäfer Koch Bauer Richter Klein
Wolf Schröder Neumann Schwarz Zimmermann Braun Krüger Hofmann Hartmann Lange Schmitt Werner Krause Köhler
Dubois Durand Lefèvre Moreau Laurent Girard Bonnet François Mercier Rousseau Fontaine Chevalier Gauthier
O'Brien O'Connor O'Neill McCarthy MacDonald Nowak Kowalski Wiśniewski Wójcik Kamiński Lewandowski Zieliński
Rossi Russo Ferrari Esposito Bianchi Romano Colombo Ricci Marino Greco Nguyen Tran Kim Park Lee Chen Wang
Singh Patel Kumar Shah Khan Ali Hansen Johansson Nielsen Andersson Larsen Kuznetsov Ivanova Popescu
""")

SURNAME_HEADS = _words("""
Ash Black Bright Brook Cald Card Clay Cole Cross Dal Dun East Fair Fern Fox Glen Gold Green Hal Hart Haw Hay
Heath Hol Kings Lang Lock Long Mar Mead Mill Moor New North Oak Pen Red Rich Ridge Rock Ros Rush Sal Shaw
Stan Stone Sum Thorn Wal War West Whit Wil Win Wood Wyn Bar Bel Brad Brom Carr Chad Dar Els Gar Hel Kem Lind
""")
SURNAME_TAILS = _words("""
ford wood well ley ton field by worth more ham bury combe dale den hurst land low mere ridge stead stock stone
thorpe wick win brook burn cliffe croft gate holm hill cott shaw man son er ing mont berg mann stein feld heim
""")

INDUSTRIES = _words("""
Logistics Dental Bakery Plumbing Consulting Media Builders Analytics Foods Clinic Motors Design Studio Legal
Partners Systems Solutions Properties Realty Fitness Catering Printing Robotics Energy Pharma Textiles Travel
Finance Insurance Software Labs Garden Roofing Electrical Interiors Holdings Ventures Farms Coffee Brewing
""")
COMPANY_SUFFIXES = ["", "", " Ltd", " LLC", " GmbH", " Inc", " & Co", " Group", " S.L.", " SARL", " AG"]

MAIL_DOMAINS = [
    ("gmail.com", 34),
    ("yahoo.com", 8),
    ("outlook.com", 8),
    ("hotmail.com", 6),
    ("icloud.com", 5),
    ("gmx.de", 3),
    ("web.de", 2),
    ("orange.fr", 2),
    ("", 32),  # the company's own domain, or a made-up one for people without a company
]

SERVICES = [
    ("Boiler installation", 14),
    ("Plumbing repair", 13),
    ("Heat pump", 11),
    ("Solar panels", 10),
    ("Bathroom remodel", 9),
    ("Kitchen remodel", 8),
    ("Roofing", 7),
    ("Electrical", 6),
    ("Window replacement", 5),
    ("Insulation", 4),
    ("HVAC maintenance", 4),
    ("Flooring", 3),
    ("Painting", 3),
    ("Landscaping", 2),
    ("Pest control", 1),
]

# (site, form_id, weight): about ten sites, most with one or two forms.
SITE_FORMS = [
    ("www.northheat.example", "quote", 14),
    ("www.northheat.example", "contact", 6),
    ("www.solarly.example", "quote", 11),
    ("www.solarly.example", "callback", 4),
    ("bathrooms.example.co.uk", "contact", 8),
    ("www.roofpro.example", "estimate", 7),
    ("www.brightkitchens.example", "contact", 7),
    ("www.brightkitchens.example", "showroom-booking", 3),
    ("www.fixmypipes.example", "emergency", 9),
    ("www.fixmypipes.example", "contact", 4),
    ("heizung.example.de", "anfrage", 6),
    ("www.greenhome.example", "newsletter", 3),
    ("www.greenhome.example", "survey", 5),
    ("www.windowworld.example", "quote", 5),
    ("www.paintandfloor.example", "contact", 4),
]

SOURCES = [("web_form", 55), ("wordpress", 20), ("manual", 15), ("api", 10)]

# Older leads have mostly been worked and closed; the last two months are mostly still new.
STATUSES = ["new", "contacted", "qualified", "proposal", "won", "lost", "spam"]
OPEN_STATUSES = frozenset(STATUSES[:4])
RECENT_WEIGHTS = [52, 26, 8, 5, 1, 5, 3]
OLD_WEIGHTS = [14, 26, 5, 3, 8, 37, 7]

# Where a lost lead got to before it was lost, by weight; the other statuses reached themselves.
LOST_AT = [("new", 25), ("contacted", 40), ("qualified", 20), ("proposal", 15)]
# Hours to a first response: log-normal around each assignee's own median (RESPONSE_HOURS x their pace).
RESPONSE_HOURS = 3.0
RESPONSE_SPREAD = 1.3

# (country code, mobile prefixes): the last seven digits are unique per lead, see _phone.
PHONE_PLANS = [
    ("+1", ["212", "213", "305", "312", "415", "512", "617", "646", "702", "718", "773", "917"], 55),
    ("+44", ["770", "771", "772", "783", "791", "795"], 20),
    ("+49", ["151", "160", "170", "171", "176", "1575"], 15),
    ("+34", ["61", "62", "65", "69"], 10),
]

MESSAGES = [
    "Hi, I would like a quote for {service}. Please call me back.",
    "Looking for help with {service} at our {place}. When could someone come round?",
    "Can you send me prices for {service}? We are comparing three offers.",
    "Our {place} needs {service} before winter. Is there a waiting list?",
    "Please contact me about {service}. Best time to reach me is after 5pm.",
    "We saw your advert. Interested in {service} for a {place} of about 120 m2.",
    "Urgent: {service} needed, the old one stopped working yesterday.",
    "Do you offer financing for {service}? Budget is flexible.",
    "",
]
PLACES = ["house", "flat", "office", "shop", "holiday home", "restaurant", "warehouse"]

EXTRAS = [
    "{}",
    "{}",
    "{}",
    json.dumps({"budget": "5k-10k"}),
    json.dumps({"budget": "10k-25k", "timeline": "this month"}),
    json.dumps({"property": "owner", "postcode": "10115"}),
]
UTMS = [
    "{}",
    "{}",
    json.dumps({"utm_source": "google", "utm_medium": "cpc", "utm_campaign": "heating-autumn"}),
    json.dumps({"utm_source": "facebook", "utm_medium": "social", "utm_campaign": "solar-2025"}),
    json.dumps({"utm_source": "newsletter", "utm_medium": "email"}),
    json.dumps({"utm_source": "bing", "utm_medium": "cpc", "utm_term": "boiler repair"}),
]

USERS = [
    ("admin", "Ada Admin"),
    ("manager", "Maggie Lang"),
    ("manager", "Marcus Feld"),
    ("manager", "Marta Núñez"),
    *(
        ("employee", name)
        for name in (
            "Ella Stone Hart",
            "Eddie Brook",
            "Emil Schröder",
            "Erin Walsh",
            "Ethan Cole",
            "Eva Lindqvist",
            "Ezra Moon",
            "Elif Kaya",
            "Enzo Ricci",
            "Esme Grant",
            "Emre Demir",
            "Elsa Berg",
            "Eli Brooks",
            "Emma Dubois",
            "Erik Holm",
            "Edith Ward",
        )
    ),
]

LEAD_COLUMNS = _words(
    "id contact_name email phone company service message source site form_id external_id extras utm status "
    "assignee_id created_at updated_at version open_email open_phone first_response_at stage_reached resubmissions "
    "score"
)
HISTORY_COLUMNS = _words("id lead_id field old new actor_id at")
SEARCH_COLUMNS = ["term", "lead_id", "created_at"]

NULL = "\\N"
_ESCAPES = str.maketrans({"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r", "\0": "\\0"})


def text(value: str) -> str:
    """One field for LOAD DATA's default format (tab separated, backslash escaped)."""
    return value.translate(_ESCAPES)


EPOCH = datetime(1970, 1, 1)


def stamp(micros: int) -> str:
    """Naive UTC with microseconds, as UtcDateTime stores it."""
    return (EPOCH + timedelta(microseconds=micros)).isoformat(sep=" ", timespec="microseconds")


def micros_of(moment: datetime) -> int:
    return (moment.replace(tzinfo=None) - EPOCH) // timedelta(microseconds=1)


@dataclass
class Vocabulary:
    """Name, company and contact pools, drawn once from a seeded random generator."""

    rng: random.Random
    first_names: list[str] = field(init=False)
    surnames: list[str] = field(init=False)
    surname_weights: list[float] = field(init=False)
    companies: list[tuple[str, str]] = field(init=False)

    def __post_init__(self) -> None:
        self.first_names = list(dict.fromkeys(FIRST_NAMES))
        made = [head + tail for head, tail in itertools.product(SURNAME_HEADS, SURNAME_TAILS)]
        self.surnames = list(dict.fromkeys(REAL_SURNAMES + made))
        self.rng.shuffle(self.surnames)
        # Zipf-like: the commonest surname is on ~0.6% of leads, a typical one on ~0.02%.
        self.surname_weights = list(itertools.accumulate(1 / (rank + 10) ** 0.7 for rank in range(len(self.surnames))))
        self.companies = []
        for _ in range(20_000):
            base = self.rng.choice(self.surnames)
            industry = self.rng.choice(INDUSTRIES)
            name = f"{base} {industry}{self.rng.choice(COMPANY_SUFFIXES)}"
            domain = f"{_slug(base)}-{industry.lower()}.{self.rng.choice(['com', 'co.uk', 'de', 'example'])}"
            self.companies.append((name, domain))


def _slug(value: str) -> str:
    return "".join(c for c in fold(value) if c.isalnum())


def _weights(pairs: list[tuple[Any, int]] | list[tuple[Any, Any, int]]) -> list[int]:
    return list(itertools.accumulate(p[-1] for p in pairs))


@dataclass
class Counts:
    leads: int = 0
    history: int = 0
    terms: int = 0
    open_leads: int = 0
    status: dict[str, int] = field(default_factory=dict)


@dataclass
class Follow:
    """What became of a lead after it arrived: its first response, furthest stage and repeats.

    Drawn from a generator of its own, so that every other column stays what the same seed gave before
    these columns existed.
    """

    rng: random.Random
    end_us: int
    pace: dict[int | None, float] = field(default_factory=dict)

    def stage(self, status: str) -> str:
        if status == "lost":
            return self.rng.choices([s for s, _ in LOST_AT], cum_weights=_weights(LOST_AT))[0]
        return "new" if status == "spam" else status

    def first_response(self, status: str, created_us: int, assignee: int | None) -> int | None:
        """New leads sometimes have a note already; spam and a few lost leads never had a person's reply."""
        answered = {"new": 0.2, "spam": 0.0, "lost": 0.95}.get(status, 1.0)
        if self.rng.random() >= answered:
            return None
        pace = self.pace.setdefault(assignee, self.rng.uniform(0.4, 2.5))
        hours = RESPONSE_HOURS * pace * math.exp(self.rng.gauss(0, RESPONSE_SPREAD))
        at = created_us + int(hours * 3_600e6)
        if at < self.end_us:
            return at
        return None if status == "new" else max(created_us, self.end_us - 1)

    def resubmissions(self) -> int:
        chance = self.rng.random()
        return 0 if chance < 0.96 else 1 if chance < 0.99 else self.rng.randint(2, 4)


@functools.lru_cache(maxsize=65_536)
def lead_score(
    email: bool, phone: bool, company: bool, source: str, service: bool, length: int, resubmissions: int
) -> int:
    """The domain's score, from the few facts it depends on (so that it is computed once per kind of lead)."""
    return score_of(
        email="x" if email else None,
        phone="x" if phone else None,
        company="x" if company else "",
        source=Channel(source),
        service="x" if service else "",
        message="x" * length,
        resubmissions=resubmissions,
    ).total


def generate(n: int, seed: int, folder: Path, staff: list[tuple[int, str]], progress: Progress | None = None) -> Counts:
    """Write leads.tsv, lead_history.tsv and lead_search.tsv for ids 1..n."""
    rng = random.Random(seed)
    follow = Follow(random.Random(seed + 1), micros_of(END))
    vocab = Vocabulary(rng)
    employees = [uid for uid, role in staff if role == "employee"]
    managers = [uid for uid, role in staff if role == "manager"]
    # Some employees get far more leads than others; managers take a few themselves.
    assignees = employees + managers
    assignee_weights = list(itertools.accumulate([rng.uniform(0.5, 2.0) for _ in employees] + [0.4 for _ in managers]))
    everyone = [uid for uid, _ in staff]

    source_names, source_weights = [s for s, _ in SOURCES], _weights(SOURCES)
    service_names, service_weights = [s for s, _ in SERVICES], _weights(SERVICES)
    site_weights = _weights(SITE_FORMS)
    domain_names, domain_weights = [d for d, _ in MAIL_DOMAINS], _weights(MAIL_DOMAINS)
    recent_weights, old_weights = list(itertools.accumulate(RECENT_WEIGHTS)), list(itertools.accumulate(OLD_WEIGHTS))

    start_us, end_us = micros_of(END - SPAN), micros_of(END)
    recent_us = end_us - RECENT // timedelta(microseconds=1)
    gaps = [rng.expovariate(1.0) for _ in range(n)]
    scale = (end_us - start_us) / sum(gaps)

    used_emails: set[str] = set()
    earlier_contacts: list[tuple[str | None, str | None, str, str]] = []
    counts = Counts(status=dict.fromkeys(STATUSES, 0))
    moment = float(start_us)
    previous_us = start_us

    with (
        open(folder / "leads.tsv", "w", encoding="utf-8", newline="\n") as leads_file,
        open(folder / "lead_history.tsv", "w", encoding="utf-8", newline="\n") as history_file,
        open(folder / "lead_search.tsv", "w", encoding="utf-8", newline="\n") as search_file,
    ):
        lead_rows: list[str] = []
        history_rows: list[str] = []
        search_rows: list[str] = []
        for lead_id in range(1, n + 1):
            moment += gaps[lead_id - 1] * scale
            # About one lead in a hundred arrives in the same microsecond as the one before (bulk imports).
            created_us = previous_us if rng.random() < 0.01 else max(int(moment), previous_us + 1)
            previous_us = created_us

            weights = recent_weights if created_us >= recent_us else old_weights
            status = rng.choices(STATUSES, cum_weights=weights)[0]
            is_open = status in OPEN_STATUSES
            source = rng.choices(source_names, cum_weights=source_weights)[0]

            if not is_open and earlier_contacts and rng.random() < 0.04:
                # The same person again, on a lead that is already closed: a contact seen before.
                email, phone, first, last = rng.choice(earlier_contacts)
            else:
                first = rng.choice(vocab.first_names)
                last = rng.choices(vocab.surnames, cum_weights=vocab.surname_weights)[0]
                email, phone = _contact(rng, lead_id, first, last, vocab, domain_names, domain_weights)
                if email is not None:
                    email = _unique(email, used_emails)
                if len(earlier_contacts) < 50_000 or rng.random() < 0.02:
                    earlier_contacts.append((email, phone, first, last))
            contact_name = f"{first} {last}"
            company = rng.choice(vocab.companies)[0] if rng.random() < 0.55 else ""
            service = rng.choices(service_names, cum_weights=service_weights)[0] if rng.random() < 0.93 else ""
            template = rng.choice(MESSAGES)
            message = template.format(service=(service or "your services").lower(), place=rng.choice(PLACES))

            if source in ("web_form", "wordpress"):
                site, form_id, _ = rng.choices(SITE_FORMS, cum_weights=site_weights)[0]
            else:
                site, form_id = "", ""
            external_id = f"{source}-{lead_id:08d}" if source in ("api", "wordpress") else None

            if status == "new" and rng.random() < 0.5:
                assignee: int | None = None
            elif rng.random() < 0.03:
                assignee = None
            else:
                assignee = rng.choices(assignees, cum_weights=assignee_weights)[0]
            updated_us = created_us if status == "new" else min(end_us, created_us + int(rng.uniform(1, 30) * 86_400e6))
            actor = rng.choice(everyone) if source == "manual" else None
            responded_us = follow.first_response(status, created_us, assignee)
            updated_us = max(updated_us, responded_us or 0)
            repeats = follow.resubmissions()
            facts = (email is not None, phone is not None, bool(company), source, bool(service))
            score = lead_score(*facts, min(len(message), 80), repeats)

            created = stamp(created_us)
            lead_rows.append(
                "\t".join(
                    (
                        str(lead_id),
                        text(contact_name),
                        NULL if email is None else text(email),
                        NULL if phone is None else phone,
                        text(company),
                        text(service),
                        text(message),
                        source,
                        site,
                        form_id,
                        NULL if external_id is None else external_id,
                        rng.choice(EXTRAS),
                        rng.choice(UTMS),
                        status,
                        NULL if assignee is None else str(assignee),
                        created,
                        stamp(updated_us),
                        "1",
                        text(email) if is_open and email is not None else NULL,
                        phone if is_open and phone is not None else NULL,
                        NULL if responded_us is None else stamp(responded_us),
                        follow.stage(status),
                        str(repeats),
                        str(score),
                    )
                )
            )
            history_rows.append(
                f"{lead_id}\t{lead_id}\tstatus\t{NULL}\tnew\t{NULL if actor is None else actor}\t{created}"
            )
            terms = lead_terms(contact_name, company, email, phone)
            search_rows.extend(f"{text(term)}\t{lead_id}\t{created}" for term in terms)

            counts.leads += 1
            counts.terms += len(terms)
            counts.open_leads += is_open
            counts.status[status] += 1
            if lead_id % 50_000 == 0 or lead_id == n:
                for handle, rows in ((leads_file, lead_rows), (history_file, history_rows), (search_file, search_rows)):
                    handle.write("\n".join(rows))
                    handle.write("\n")
                    rows.clear()
                if progress is not None:
                    progress.show(
                        f"  generated {lead_id:>9,} of {n:,} leads ({lead_id / n:.0%}), {counts.terms:,} terms"
                    )
    if progress is not None:
        progress.done()
    counts.history = counts.leads
    return counts


def _contact(
    rng: random.Random,
    lead_id: int,
    first: str,
    last: str,
    vocab: Vocabulary,
    domain_names: list[str],
    domain_weights: list[int],
) -> tuple[str | None, str | None]:
    kind = rng.random()
    has_email, has_phone = kind >= 0.08, kind < 0.88  # 8% phone only, 12% email only
    email = None
    if has_email:
        f, s = _slug(first), _slug(last)
        local = rng.choice((f"{f}.{s}", f"{f}{s}", f"{f[0]}{s}", f"{f}_{s}", f"{s}.{f}", f"{f}.{s[0]}", f))
        if rng.random() < 0.45:
            local += str(rng.randint(1, 999))
        domain = rng.choices(domain_names, cum_weights=domain_weights)[0] or rng.choice(vocab.companies)[1]
        email = f"{local}@{domain}"
    phone = _phone(rng, lead_id) if has_phone else None
    return email, phone


def _phone(rng: random.Random, lead_id: int) -> str:
    """E.164; the last seven digits come from a bijection of the id, so they are unique up to 8M leads."""
    code, prefixes, _ = rng.choices(PHONE_PLANS, cum_weights=_PLAN_WEIGHTS)[0]
    line = 2_000_000 + (lead_id * 1_000_003) % 8_000_000
    return f"{code}{rng.choice(prefixes)}{line}"


_PLAN_WEIGHTS = _weights(PHONE_PLANS)


def _unique(email: str, used: set[str]) -> str:
    candidate = email
    local, _, domain = email.partition("@")
    for attempt in itertools.count(2):
        if candidate not in used:
            used.add(candidate)
            return candidate
        candidate = f"{local}{attempt}@{domain}"
    raise AssertionError("unreachable")


# ---------------------------------------------------------------------------------------------
# Database


@dataclass
class Target:
    url: str
    host: str
    port: int
    user: str
    password: str
    database: str

    @classmethod
    def parse(cls, url: str) -> Target:
        parsed = make_url(url)
        if parsed.get_backend_name() not in ("mysql", "mariadb") or not parsed.database:
            raise SystemExit(f"need a mysql+pymysql:// URL with a database name, not {url!r}")
        return cls(
            url=url,
            host=parsed.host or "127.0.0.1",
            port=parsed.port or 3306,
            user=parsed.username or "root",
            password=parsed.password or "",
            database=parsed.database,
        )

    def connect(self, database: str | None = None, **options: Any) -> pymysql.connections.Connection[Any]:
        return pymysql.connect(
            host=self.host,
            port=self.port,
            user=self.user,
            password=self.password,
            database=database,
            charset="utf8mb4",
            local_infile=True,
            **options,
        )


def _quoted(name: str) -> str:
    return "`" + name.replace("`", "``") + "`"


def prepare(target: Target, n: int, seed: int, fresh: bool) -> bool:
    """Create (or recreate) the database; False when it already holds this exact seed."""
    db = _quoted(target.database)
    with target.connect() as server, server.cursor() as cursor:
        cursor.execute("SELECT 1 FROM information_schema.schemata WHERE schema_name = %s", (target.database,))
        exists = cursor.fetchone() is not None
        if exists and not fresh:
            cursor.execute(
                "SELECT table_name FROM information_schema.tables WHERE table_schema = %s", (target.database,)
            )
            tables = {row[0] for row in cursor.fetchall()}
            if "bench_seed" in tables:
                cursor.execute(f"SELECT leads, seed, finished_at, seconds FROM {db}.bench_seed")
                marker = cursor.fetchone()
                if marker is not None and marker[0] == n and marker[1] == seed and marker[2] is not None:
                    print(
                        f"{target.database} already holds {n:,} leads (seed {seed}, seeded in {marker[3]:.0f} s "
                        f"on {marker[2]:%Y-%m-%d %H:%M}); only migrating. Use --fresh to seed again."
                    )
                    return False
                what = "an unfinished seed" if marker is None or marker[2] is None else f"{marker[0]:,} leads"
                print(f"{target.database} holds {what}, not {n:,} leads with seed {seed}: recreating it")
                fresh = True
            elif tables:
                raise SystemExit(
                    f"{target.database} already has tables {sorted(tables)} but was not seeded by this script; "
                    "pass --fresh to drop it"
                )
        if fresh and exists:
            print(f"dropping database {target.database}")
            cursor.execute(f"DROP DATABASE {db}")
        cursor.execute(f"CREATE DATABASE IF NOT EXISTS {db} CHARACTER SET utf8mb4")
        cursor.execute(
            f"CREATE TABLE IF NOT EXISTS {db}.bench_seed (leads BIGINT NOT NULL, seed INT NOT NULL, "
            "started_at DATETIME NOT NULL, finished_at DATETIME NULL, seconds DOUBLE NULL) ENGINE=InnoDB"
        )
        cursor.execute(f"DELETE FROM {db}.bench_seed")
        cursor.execute(
            f"INSERT INTO {db}.bench_seed (leads, seed, started_at) VALUES (%s, %s, UTC_TIMESTAMP())", (n, seed)
        )
        server.commit()
    return True


def migrate(target: Target) -> None:
    engine = make_engine(target.url)
    try:
        upgrade(engine)
    finally:
        engine.dispose()


def insert_users(target: Target) -> list[tuple[int, str]]:
    password_hash = Argon2Hasher().hash("bench-password")
    created = stamp(micros_of(END - SPAN - timedelta(days=30)))
    rows = []
    for index, (role, name) in enumerate(USERS, start=1):
        email = f"{_slug(name.split()[0])}.{_slug(name.split()[-1])}@staff.example"
        phone = f"+4930{5550000 + index}"
        rows.append((index, email, name, phone, role, 1, password_hash, 0, created))
    with target.connect(target.database) as conn, conn.cursor() as cursor:
        cursor.executemany(
            "INSERT INTO users (id, email, full_name, phone, role, active, password_hash, session_version, "
            "created_at) VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s)",
            rows,
        )
        conn.commit()
    return [(row[0], row[4]) for row in rows]


def load(target: Target, table: str, path: Path, columns: list[str]) -> float:
    """One LOAD DATA in one transaction into an empty table, checks off: InnoDB bulk-builds its indexes."""
    began = time.perf_counter()
    size = path.stat().st_size / 1e6
    print(f"  loading {table} from {size:,.0f} MB ...", flush=True)
    with target.connect(target.database) as conn, conn.cursor() as cursor:
        cursor.execute("SET SESSION unique_checks = 0, foreign_key_checks = 0")
        sql_path = str(path).replace("\\", "\\\\").replace("'", "\\'")
        cursor.execute(
            f"LOAD DATA LOCAL INFILE '{sql_path}' INTO TABLE {table} CHARACTER SET utf8mb4 ({', '.join(columns)})"
        )
        loaded = cursor.rowcount
        cursor.execute("SHOW WARNINGS LIMIT 5")
        warnings = cursor.fetchall()
        conn.commit()
    if warnings:
        raise SystemExit(f"LOAD DATA into {table} warned: {warnings}")
    took = time.perf_counter() - began
    print(f"  loaded {table}: {loaded:,} rows in {took:.1f} s", flush=True)
    return took


def count_for_reports(target: Target) -> float:
    """The running report counts, made in SQL from the loaded leads (the app keeps them up to date)."""
    began = time.perf_counter()
    print("  counting for reports ...", flush=True)
    engine = make_engine(target.url)
    try:
        with engine.begin() as connection:
            rebuild(connection)
    finally:
        engine.dispose()
    took = time.perf_counter() - began
    print(f"  counted for reports in {took:.1f} s", flush=True)
    return took


def finish(target: Target, counts: Counts, started: float) -> None:
    with target.connect(target.database) as conn, conn.cursor() as cursor:
        for table in ("users", "leads", "lead_history", "lead_search", "report_counts", "report_keys"):
            began = time.perf_counter()
            cursor.execute(f"ANALYZE TABLE {table}")
            cursor.fetchall()
            print(f"  analyzed {table} in {time.perf_counter() - began:.1f} s", flush=True)
        checks = {
            "leads": ("SELECT COUNT(*) FROM leads", counts.leads),
            "lead_history": ("SELECT COUNT(*) FROM lead_history", counts.history),
            "lead_search": ("SELECT COUNT(*) FROM lead_search", counts.terms),
            "open leads": (
                "SELECT COUNT(*) FROM leads WHERE status IN ('new','contacted','qualified','proposal')",
                counts.open_leads,
            ),
            # The unique indexes were built with unique_checks off: prove open contacts really are unique.
            "duplicate open emails": ("SELECT COUNT(open_email) - COUNT(DISTINCT open_email) FROM leads", 0),
            "duplicate open phones": ("SELECT COUNT(open_phone) - COUNT(DISTINCT open_phone) FROM leads", 0),
            "open_email on closed leads": (
                "SELECT COUNT(*) FROM leads WHERE status IN ('won','lost','spam') AND "
                "(open_email IS NOT NULL OR open_phone IS NOT NULL)",
                0,
            ),
            # Search sorts by lead_search.created_at (migration 0005): it must be its lead's, checked on a sample.
            "search terms dated unlike their lead": (
                "SELECT COUNT(*) FROM lead_search s JOIN leads l ON l.id = s.lead_id "
                f"WHERE s.lead_id IN ({_sample_ids(counts.leads)}) AND s.created_at <> l.created_at",
                0,
            ),
            # The report counts were made from the loaded leads: each lead counts once a day and once a month.
            "leads counted for reports, per span": (
                f"SELECT COUNT(DISTINCT total) FROM (SELECT span, SUM({' + '.join(_SOURCE_STATUS)}) AS total "
                "FROM report_counts GROUP BY span) AS spans WHERE total = " + str(counts.leads),
                1,
            ),
            "first responses before their lead arrived": (
                "SELECT COUNT(*) FROM leads WHERE first_response_at < created_at",
                0,
            ),
        }
        for name, (sql, expected) in checks.items():
            cursor.execute(sql)
            found = cursor.fetchone()[0]
            if found != expected:
                raise SystemExit(f"check failed: {name} is {found}, expected {expected}")
        _check_scores(cursor, counts.leads)
        seconds = time.perf_counter() - started
        cursor.execute("UPDATE bench_seed SET finished_at = UTC_TIMESTAMP(), seconds = %s", (seconds,))
        conn.commit()


_SOURCE_STATUS = [name for name, (facet, _) in COUNTERS.items() if facet is Facet.SOURCE_STATUS]


def _check_scores(cursor: Any, n: int) -> None:
    """The stored score is the domain's, on a sample of leads spread over the ids."""
    cursor.execute(
        "SELECT id, email, phone, company, source, service, message, resubmissions, score FROM leads "
        f"WHERE id IN ({_sample_ids(n)})"
    )
    for lead_id, email, phone, company, source, service, message, repeats, stored in cursor.fetchall():
        fields = {"email": email, "phone": phone, "company": company, "service": service, "message": message}
        expected = score_of(**fields, source=Channel(source), resubmissions=repeats).total
        if stored != expected:
            raise SystemExit(f"check failed: lead {lead_id} has score {stored}, the domain gives {expected}")


def _sample_ids(n: int, size: int = 1_000) -> str:
    return ", ".join(str(i) for i in range(1, n + 1, max(1, n // size)))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--leads", type=int, default=1_000_000, help="how many leads (default 1,000,000)")
    parser.add_argument("--seed", type=int, default=20251101, help="random seed (same seed, same data)")
    parser.add_argument("--fresh", action="store_true", help="drop the database and seed it again")
    parser.add_argument(
        "--url", default=os.environ.get(URL_ENV, DEFAULT_URL), help=f"default: ${URL_ENV} or {DEFAULT_URL}"
    )
    parser.add_argument("--workdir", type=Path, default=None, help="where the load files go (default: a temp dir)")
    parser.add_argument(
        "--progress", action=argparse.BooleanOptionalAction, default=None, help="on stderr (default: on a terminal)"
    )
    args = parser.parse_args(argv)
    if args.leads < 1:
        parser.error("--leads must be at least 1")

    target = Target.parse(args.url)
    started = time.perf_counter()
    if not prepare(target, args.leads, args.seed, args.fresh):
        # Still bring the schema to the code's newest migration, so the benchmark runs against it.
        migrate(target)
        return 0
    print(f"migrating {target.database}", flush=True)
    migrate(target)
    staff = insert_users(target)

    with tempfile.TemporaryDirectory(prefix="leadsmanager-bench-", dir=args.workdir) as tmp:
        folder = Path(tmp)
        print(f"generating {args.leads:,} leads into {folder}", flush=True)
        began = time.perf_counter()
        counts = generate(args.leads, args.seed, folder, staff, Progress.chosen(args.progress))
        generated = time.perf_counter() - began
        print(f"generated in {generated:.1f} s", flush=True)
        print("loading", flush=True)
        load(target, "leads", folder / "leads.tsv", LEAD_COLUMNS)
        load(target, "lead_history", folder / "lead_history.tsv", HISTORY_COLUMNS)
        load(target, "lead_search", folder / "lead_search.tsv", SEARCH_COLUMNS)
    count_for_reports(target)
    print("analyzing and checking", flush=True)
    finish(target, counts, started)

    total = time.perf_counter() - started
    share = ", ".join(f"{s} {c / counts.leads:.0%}" for s, c in counts.status.items())
    print(
        f"seeded {counts.leads:,} leads ({counts.open_leads:,} open; {share}), {counts.history:,} history rows, "
        f"{counts.terms:,} search terms in {total:.0f} s ({total / 60:.1f} min)"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
