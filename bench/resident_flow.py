"""Residents answering a survey under gunicorn, next to a bare Flask hello world as the ceiling.

Run from the repository root: ``.venv/bin/python bench/resident_flow.py [--duration 10]
[--concurrency 32] [--workers 2] [--worker-class gthread] [--threads 4] [--database-url URL]``.
It creates a fresh database (a new SQLite file in a temporary directory, or the PostgreSQL
database given with ``--database-url``) with ``flask db upgrade`` and ``flask demo load``, builds
and publishes a 3-page, 15-question survey of mixed types with the questionnaire services, counts
the SQL statements and in-process time of each step of one answer flow (Flask's test client), and
then serves, one after the other and with the same gunicorn settings, ``bench/hello_app.py`` and
Osallistu (``wsgi:app``, ``FLASK_CONFIG=production``) on 127.0.0.1. An asyncio load generator
(aiohttp, in ``--client-processes`` processes) measures (a) the GET throughput of the hello world
and (b) of the survey's first page ``/fi/e/<id>/respond`` (new visitors without cookies), and (c)
``--concurrency`` residents who each, with their own cookie jar and loopback source address, open
the survey page, start, read the CSRF token and page code from each form, post valid answers page
by page (following the redirects), and read the receipt code from the thank-you page, one flow
after another (``--think-time`` adds reading time between requests; the default 0 is the hardest
load). Each phase warms up for ``--warmup`` seconds, then measures for ``--duration``.
It prints requests/s, latency percentiles, server and client CPU per phase, the ratio of (b) to
(a), the latencies of each step and of whole flows, the "answer flow p95" (the 95th percentile of
the latencies of all requests in the measured flows), errors, and then checks the database:
stored submissions equal completed flows and every receipt code a resident saw belongs to exactly
one stored submission with the answer rows that resident sent. Each target is marked PASS or MISS;
the exit code is 1 when a correctness check fails (errors, stored responses, receipts) or the
benchmark cannot run, 0 otherwise, also when a performance target is missed. ``--show-sql`` lists
each step's SQL, ``--profile`` adds a cProfile of the in-process flows, ``--in-process-only``
stops before the servers. The machine's load average is printed before and after: other work on
the machine skews every figure except the server CPU time per request.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import cProfile
import http.client
import io
import math
import multiprocessing
import os
import platform
import pstats
import queue
import random
import re
import secrets
import shlex
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter, defaultdict
from collections.abc import Callable, Generator, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from html import unescape
from importlib import metadata
from pathlib import Path
from typing import Any
from urllib.parse import urlencode, urlsplit

import aiohttp

HOST = "127.0.0.1"
REPO_ROOT = Path(__file__).resolve().parent.parent
VENV_BIN = Path(sys.executable).parent
LANGUAGES = ("fi", "sv", "en")
HELLO_APP = "bench.hello_app:app"
START_TIMEOUT = 60.0
REQUEST_TIMEOUT = 30.0
STOP_TIMEOUT = 15.0
GET_RATIO_TARGET = 0.30
FLOW_P95_TARGET_MS = 150.0
PROFILE_FLOWS = 5

CSRF_FIELD = re.compile(r'name="csrf_token" value="([^"]+)"')
PAGE_FIELD = re.compile(r'name="page" value="([^"]+)"')
RECEIPT = re.compile(r'<p class="code">([^<]+)</p>')
ERROR_SUMMARY = re.compile(r'<div class="error-summary".*?</div>', re.S)
TAG = re.compile(r"<[^>]+>")


class BenchError(Exception):
    """The benchmark could not run as asked; the message says why."""


# --- the survey -----------------------------------------------------------------------------

Fields = list[tuple[str, str]]


def t(fi: str, sv: str, en: str) -> dict[str, str]:
    return {"fi": fi, "sv": sv, "en": en}


@dataclass(frozen=True)
class Choice:
    code: str
    label: dict[str, str]
    is_other: bool = False
    is_exclusive: bool = False
    is_cant_say: bool = False


@dataclass(frozen=True)
class BenchQuestion:
    """One question of the bench survey, and how a simulated resident answers it."""

    code: str
    type: str
    text: dict[str, str]
    #: (random, answers so far by question code) → form fields; every field is one stored row,
    #: except ``q-<code>-other``, which goes into its option's row.
    answer: Callable[[random.Random, dict[str, str]], Fields]
    required: bool = False
    settings: dict[str, Any] = field(default_factory=dict)
    options: tuple[Choice, ...] = ()
    rows: tuple[Choice, ...] = ()
    #: Shown only when an earlier question has this answer: (question code, option code).
    shown_if: tuple[str, str] | None = None

    def shown(self, given: dict[str, str]) -> bool:
        return self.shown_if is None or given.get(self.shown_if[0]) == self.shown_if[1]

    def condition(self) -> dict | None:
        if self.shown_if is None:
            return None
        question, value = self.shown_if
        return {"rules": [{"question": question, "op": "equals", "value": value}]}


@dataclass(frozen=True)
class BenchPage:
    code: str
    title: dict[str, str]
    questions: tuple[BenchQuestion, ...]


def stored_rows(question: BenchQuestion, fields: Fields) -> int:
    return sum(1 for name, _value in fields if name != f"q-{question.code}-other")


def _one(code: str, value: str) -> Fields:
    return [(f"q-{code}", value)]


CANT_SAY = Choice("eos", t("En osaa sanoa", "Vet inte", "Can't say"), is_cant_say=True)
PLACES = (
    Choice("uimahalli", t("Uimahalli", "Simhall", "Swimming hall")),
    Choice("kuntosali", t("Kuntosali", "Gym", "Gym")),
    Choice("ulkoilureitit", t("Ulkoilureitit", "Friluftsleder", "Outdoor trails")),
    Choice("jaahalli", t("Jäähalli", "Ishall", "Ice rink")),
    Choice("muu", t("Muu paikka", "Annan plats", "Another place"), is_other=True),
    Choice(
        "ei_mitaan", t("En mitään näistä", "Inget av dessa", "None of these"), is_exclusive=True
    ),
)
POSTAL_AREAS = tuple(
    Choice(code, t(name, name, name))
    for code, name in (
        ("94100", "94100 Keskusta"),
        ("94200", "94200 Karihaara"),
        ("94300", "94300 Syväkangas"),
        ("94400", "94400 Sauvosaari"),
        ("94500", "94500 Lautiosaari"),
        ("94600", "94600 Veitsiluoto"),
    )
)
MATRIX_ROWS = (
    Choice("siisteys", t("Siisteys", "Renlighet", "Cleanliness")),
    Choice("turvallisuus", t("Turvallisuus", "Trygghet", "Safety")),
    Choice("esteettomyys", t("Esteettömyys", "Tillgänglighet", "Accessibility")),
    Choice("aukioloajat", t("Aukioloajat", "Öppettider", "Opening hours")),
)
PRIORITIES = (
    Choice("hinta", t("Edullinen hinta", "Lågt pris", "Low price")),
    Choice("sijainti", t("Lähellä kotia", "Nära hemmet", "Close to home")),
    Choice("aukiolo", t("Pitkät aukioloajat", "Långa öppettider", "Long opening hours")),
    Choice("ohjaus", t("Ohjattu toiminta", "Ledd verksamhet", "Guided activities")),
)
TRAVEL = (
    Choice("kavellen", t("Kävellen", "Till fots", "On foot")),
    Choice("pyoralla", t("Pyörällä", "Med cykel", "By bike")),
    Choice("bussilla", t("Bussilla", "Med buss", "By bus")),
    Choice("autolla", t("Autolla", "Med bil", "By car")),
    Choice("muu", t("Muuten", "På annat sätt", "Some other way"), is_other=True),
)
HEARD = (
    Choice("verkko", t("Kaupungin verkkosivuilta", "Stadens webbplats", "The city's website")),
    Choice("some", t("Sosiaalisesta mediasta", "Sociala medier", "Social media")),
    Choice("lehti", t("Paikallislehdestä", "Lokaltidningen", "The local paper")),
    Choice("tuttu", t("Tutulta", "En bekant", "Someone I know")),
)
WORDS = ("Hyvä", "Kylmä", "Tärkeä", "Liian kaukana", "Ihan ok", "Bra", "Great", "Sauna")
IDEAS = (
    "Uimahallin aukiolo aamuisin olisi tärkeää.\nMyös saunavuoroja lisää!",
    "Bättre belysning på skidspåren, tack.",
    "More benches along the trails; <b>please</b> {{ 7*7 }} & thanks.",
    "Kuntosalille ohjausta ikäihmisille – maanantaisin klo 10.",
)


def answer_uses(rng: random.Random, given: dict[str, str]) -> Fields:
    given["kayttaa"] = "yes" if rng.random() < 0.85 else "no"
    return _one("kayttaa", given["kayttaa"])


def answer_places(rng: random.Random, given: dict[str, str]) -> Fields:
    if given.get("kayttaa") == "no":
        return _one("paikat", "ei_mitaan")
    chosen = rng.sample([c.code for c in PLACES[:5]], rng.randint(1, 3))
    fields = [("q-paikat", code) for code in chosen]
    if "muu" in chosen:
        fields.append(("q-paikat-other", "Frisbeegolfrata"))
    return fields


def answer_scale(points: int, cant_say: bool = False) -> Callable[..., Fields]:
    def answer(rng: random.Random, _given: dict[str, str], code: str) -> Fields:
        if cant_say and rng.random() < 0.1:
            return _one(code, CANT_SAY.code)
        return _one(code, str(rng.randint(1, points)))

    return answer


def answer_visits(rng: random.Random, _given: dict[str, str]) -> Fields:
    whole, tenth = rng.randint(0, 30), rng.randint(0, 9)
    # Finnish decimal comma half of the time, as residents type it.
    return _one("kerrat", f"{whole},{tenth}" if rng.random() < 0.5 else str(whole))


def answer_matrix(rng: random.Random, _given: dict[str, str]) -> Fields:
    return [
        (
            f"q-laatu-{row.code}",
            CANT_SAY.code if rng.random() < 0.05 else str(rng.randint(1, 5)),
        )
        for row in MATRIX_ROWS
    ]


def answer_ranking(rng: random.Random, _given: dict[str, str]) -> Fields:
    order = rng.sample([c.code for c in PRIORITIES], len(PRIORITIES))
    ranked = order if rng.random() < 0.5 else order[:2]
    return [(f"q-tarkeys-{code}", str(rank)) for rank, code in enumerate(ranked, 1)]


def answer_travel(rng: random.Random, _given: dict[str, str]) -> Fields:
    code = rng.choice([c.code for c in TRAVEL])
    fields = _one("kulku", code)
    if code == "muu":
        fields.append(("q-kulku-other", "Potkukelkalla"))
    return fields


def answer_date(rng: random.Random, _given: dict[str, str]) -> Fields:
    if rng.random() < 0.3:
        return []
    day = date(2026, 1, 1) + timedelta(days=rng.randint(0, 300))
    # A date input sends ISO; people typing it write 31.5.2026.
    text = day.isoformat() if rng.random() < 0.5 else f"{day.day}.{day.month}.{day.year}"
    return _one("kaynti", text)


def answer_choice(code: str, choices: Sequence[Choice]) -> Callable[..., Fields]:
    def answer(rng: random.Random, _given: dict[str, str]) -> Fields:
        return _one(code, rng.choice(choices).code)

    return answer


def answer_text(code: str, texts: Sequence[str], share: float) -> Callable[..., Fields]:
    def answer(rng: random.Random, _given: dict[str, str]) -> Fields:
        return _one(code, rng.choice(texts)) if rng.random() < share else []

    return answer


def answer_consent(rng: random.Random, _given: dict[str, str]) -> Fields:
    return _one("lupa", "yes") if rng.random() < 0.5 else []


def _scale(code: str, points: int, cant_say: bool = False) -> Callable[..., Fields]:
    answer = answer_scale(points, cant_say)
    return lambda rng, given: answer(rng, given, code)


SURVEY = (
    BenchPage(
        "kaytto",
        t("Liikuntapaikkojen käyttö", "Användning av idrottsplatser", "Using sports facilities"),
        (
            BenchQuestion(
                "kayttaa",
                "yes_no",
                t(
                    "Oletko käyttänyt kaupungin liikuntapaikkoja viimeisen vuoden aikana?",
                    "Har du använt stadens idrottsplatser under det senaste året?",
                    "Have you used the city's sports facilities in the past year?",
                ),
                answer_uses,
                required=True,
            ),
            BenchQuestion(
                "paikat",
                "multiple_choice",
                t(
                    "Mitä paikkoja käytät?",
                    "Vilka platser använder du?",
                    "Which places do you use?",
                ),
                answer_places,
                required=True,
                settings={"max_choices": 3},
                options=PLACES,
            ),
            BenchQuestion(
                "tyytyvaisyys",
                "scale",
                t(
                    "Kuinka tyytyväinen olet liikuntapaikkoihin?",
                    "Hur nöjd är du med idrottsplatserna?",
                    "How happy are you with the sports facilities?",
                ),
                _scale("tyytyvaisyys", 5, cant_say=True),
                required=True,
                settings={
                    "points": 5,
                    "low_label": t("Tyytymätön", "Missnöjd", "Unhappy"),
                    "high_label": t("Tyytyväinen", "Nöjd", "Happy"),
                },
                options=(CANT_SAY,),
            ),
            BenchQuestion(
                "tiedot",
                "scale",
                t(
                    "Kuinka helposti löydät tietoa liikuntapaikoista?",
                    "Hur lätt hittar du information om idrottsplatserna?",
                    "How easily do you find information about the facilities?",
                ),
                _scale("tiedot", 7),
                settings={
                    "points": 7,
                    "low_label": t("Vaikeasti", "Svårt", "With difficulty"),
                    "high_label": t("Helposti", "Lätt", "Easily"),
                },
            ),
            BenchQuestion(
                "alue",
                "area",
                t("Millä alueella asut?", "Var bor du?", "Where do you live?"),
                answer_choice("alue", POSTAL_AREAS),
                options=POSTAL_AREAS,
            ),
        ),
    ),
    BenchPage(
        "arviot",
        t("Arviot", "Bedömningar", "Ratings"),
        (
            BenchQuestion(
                "kerrat",
                "number",
                t(
                    "Montako kertaa kuussa käyt liikkumassa?",
                    "Hur många gånger i månaden motionerar du?",
                    "How many times a month do you exercise?",
                ),
                answer_visits,
                settings={"min": 0, "max": 60},
                shown_if=("kayttaa", "yes"),
            ),
            BenchQuestion(
                "suosittelu",
                "rating",
                t(
                    "Kuinka todennäköisesti suosittelisit liikuntapaikkoja tutulle?",
                    "Hur troligt är det att du rekommenderar idrottsplatserna till en bekant?",
                    "How likely are you to recommend the facilities to someone you know?",
                ),
                lambda rng, _given: _one("suosittelu", str(rng.randint(0, 10))),
                required=True,
            ),
            BenchQuestion(
                "laatu",
                "matrix",
                t(
                    "Arvioi liikuntapaikkoja",
                    "Bedöm idrottsplatserna",
                    "Rate the sports facilities",
                ),
                answer_matrix,
                required=True,
                settings={
                    "points": 5,
                    "low_label": t("Huono", "Dålig", "Poor"),
                    "high_label": t("Hyvä", "Bra", "Good"),
                },
                options=(CANT_SAY,),
                rows=MATRIX_ROWS,
            ),
            BenchQuestion(
                "tarkeys",
                "ranking",
                t("Mikä on sinulle tärkeintä?", "Vad är viktigast för dig?", "What matters most?"),
                answer_ranking,
                options=PRIORITIES,
            ),
            BenchQuestion(
                "kulku",
                "single_choice",
                t(
                    "Miten kuljet liikuntapaikalle?",
                    "Hur tar du dig till idrottsplatsen?",
                    "How do you get to the facility?",
                ),
                answer_travel,
                required=True,
                options=TRAVEL,
            ),
        ),
    ),
    BenchPage(
        "lopuksi",
        t("Lopuksi", "Till sist", "Finally"),
        (
            BenchQuestion(
                "kaynti",
                "date",
                t(
                    "Milloin kävit viimeksi liikuntapaikalla?",
                    "När besökte du senast en idrottsplats?",
                    "When did you last visit a sports facility?",
                ),
                answer_date,
            ),
            BenchQuestion(
                "kuulit",
                "single_choice",
                t(
                    "Mistä kuulit kyselystä?",
                    "Var hörde du om enkäten?",
                    "Where did you hear about the survey?",
                ),
                answer_choice("kuulit", HEARD),
                settings={"display": "dropdown"},
                options=HEARD,
            ),
            BenchQuestion(
                "sana",
                "short_text",
                t(
                    "Kuvaile liikuntapaikkoja yhdellä sanalla",
                    "Beskriv idrottsplatserna med ett ord",
                    "Describe the facilities in one word",
                ),
                answer_text("sana", WORDS, 0.8),
            ),
            BenchQuestion(
                "ideat",
                "long_text",
                t(
                    "Mitä muuta haluat sanoa?",
                    "Vad mer vill du säga?",
                    "What else would you like to say?",
                ),
                answer_text("ideat", IDEAS, 0.5),
            ),
            BenchQuestion(
                "lupa",
                "consent",
                t(
                    "Vastaukseni saa lainata nimettömänä raportissa.",
                    "Mitt svar får citeras anonymt i rapporten.",
                    "My answer may be quoted anonymously in the report.",
                ),
                answer_consent,
            ),
        ),
    ),
)


def survey_types() -> str:
    kinds = Counter(q.type for page in SURVEY for q in page.questions)
    return ", ".join(f"{kind} ×{n}" if n > 1 else kind for kind, n in kinds.items())


# --- one resident's flow, independent of the HTTP client ------------------------------------


@dataclass(frozen=True)
class Request:
    step: str
    method: str
    path: str
    form: Fields | None = None
    #: The page the form was on: browsers send it, and Flask-WTF insists on it over https.
    referer: str | None = None


@dataclass(frozen=True)
class Reply:
    status: int
    location: str | None
    text: str


@dataclass(frozen=True)
class Completed:
    receipt: str
    #: Answer rows the survey must store for this response.
    rows: int


class FlowError(Exception):
    """The server answered something a resident would not expect; the flow is abandoned."""


STEPS = (
    "GET /e/<id>",
    "GET /e/<id>/respond",
    "POST /e/<id>/respond (next)",
    "POST /e/<id>/respond (submit)",
    "GET /e/<id>/thanks",
)


def _expect(reply: Reply, request: Request, statuses: tuple[int, ...]) -> None:
    if reply.status not in statuses:
        detail = ""
        if reply.status == 422:
            found = ERROR_SUMMARY.search(reply.text)
            detail = (
                ": " + " ".join(TAG.sub(" ", unescape(found.group(0))).split()) if found else ""
            )
        raise FlowError(f"{request.step} answered {reply.status}{detail}")


def _location_path(reply: Reply) -> str:
    return urlsplit(reply.location or "").path


def resident_flow(
    public_id: str, lang: str, rng: random.Random
) -> Generator[Request, Reply, Completed]:
    """One resident answering the survey: yields requests, receives replies, returns the receipt.

    Raises FlowError at the first reply a resident would not expect.
    """
    base = f"/{lang}/e/{public_id}"
    request = Request(STEPS[0], "GET", base)
    reply = yield request
    _expect(reply, request, (200,))
    if f'href="{base}/respond"' not in reply.text:
        raise FlowError(f"{request.step}: no link to start answering")
    request = Request(STEPS[1], "GET", f"{base}/respond")
    reply = yield request
    _expect(reply, request, (200,))
    given: dict[str, str] = {}
    rows = 0
    for number, page in enumerate(SURVEY, 1):
        html = reply.text
        csrf, page_code = CSRF_FIELD.search(html), PAGE_FIELD.search(html)
        if csrf is None or page_code is None:
            raise FlowError(f"page {number}: no form (csrf_token or page field missing)")
        if page_code.group(1) != page.code:
            raise FlowError(f"page {number} is {page_code.group(1)!r}, expected {page.code!r}")
        fields: Fields = [("csrf_token", csrf.group(1)), ("page", page.code)]
        for question in page.questions:
            on_page = f'name="q-{question.code}' in html
            if on_page != question.shown(given):
                state = "shown" if on_page else "missing"
                raise FlowError(f"page {number}: question {question.code} is {state}")
            if on_page:
                answer = question.answer(rng, given)
                rows += stored_rows(question, answer)
                fields += answer
        last = number == len(SURVEY)
        fields.append(("action", "submit" if last else "next"))
        step = STEPS[3] if last else STEPS[2]
        request = Request(step, "POST", f"{base}/respond", fields, referer=request.path)
        reply = yield request
        _expect(reply, request, (302, 303))
        target = f"{base}/thanks" if last else f"{base}/respond"
        if _location_path(reply) != target:
            raise FlowError(f"{request.step} redirected to {reply.location}, expected {target}")
        request = Request(STEPS[4] if last else STEPS[1], "GET", target)
        reply = yield request
        _expect(reply, request, (200,))
    receipt = RECEIPT.search(reply.text)
    if receipt is None:
        raise FlowError("the thank-you page shows no receipt code")
    return Completed(receipt.group(1).strip(), rows)


# --- setup ----------------------------------------------------------------------------------


def server_env(database_url: str, secret_key: str, config: str) -> dict[str, str]:
    env = dict(os.environ)
    env.pop("FLASK_DEBUG", None)
    env.update(
        FLASK_APP="wsgi.py",
        FLASK_CONFIG=config,
        DATABASE_URL=database_url,
        SECRET_KEY=secret_key,
        RATELIMIT_STORAGE_URI="memory://",
    )
    return env


def prepare_database(env: dict[str, str]) -> None:
    """Migrate, and load the Kemi plan (``flask demo load`` refuses production, so development)."""
    for command in (["db", "upgrade"], ["demo", "load"]):
        argv = [str(VENV_BIN / "flask"), *command]
        done = subprocess.run(  # noqa: S603 (fixed commands from the venv, no user input)
            argv, cwd=REPO_ROOT, env=env, capture_output=True, text=True, check=False
        )
        if done.returncode != 0:
            raise BenchError(f"{shlex.join(argv)} failed:\n{done.stdout}{done.stderr}")


def in_process_app(database_url: str, secret_key: str):  # noqa: ANN201 (Flask, imported late)
    """The app with the production settings the servers get, for the test client and checks.

    Flask's test client then speaks https (PREFERRED_URL_SCHEME), as residents do in production.
    """
    if str(REPO_ROOT) not in sys.path:
        sys.path.insert(0, str(REPO_ROOT))
    from app import create_app
    from config import Production

    config = type(
        "BenchConfig",
        (Production,),
        {
            "SQLALCHEMY_DATABASE_URI": database_url,
            "SECRET_KEY": secret_key,
            "RATELIMIT_STORAGE_URI": "memory://",
            "check": classmethod(lambda cls: None),
        },
    )
    return create_app(config)


def build_survey(app) -> str:  # noqa: ANN001
    """Create and publish the bench survey with the questionnaire services; its public id."""
    from app.core.types import utcnow
    from app.engagements.models import Kind
    from app.engagements.services import create_engagement
    from app.extensions import db
    from app.plan import services as plan_services
    from app.questionnaires import services
    from app.questionnaires.services import OptionInput

    def options(choices: Sequence[Choice]) -> list[OptionInput]:
        return [
            OptionInput(c.code, c.label, c.is_other, c.is_exclusive, c.is_cant_say) for c in choices
        ]

    with app.app_context():
        department = plan_services.department_by_code("kulttuuri-vapaa-aika")
        areas = [plan_services.focus_area_by_code(code) for code in ("HK-05", "SA-06")]
        if department is None or None in areas:
            raise BenchError("the Kemi plan is not in the database (flask demo load)")
        engagement = create_engagement(
            Kind.SURVEY,
            department,
            t("Liikuntapaikat Kemissä", "Idrottsplatser i Kemi", "Sports facilities in Kemi"),
            LANGUAGES,
            areas,
        )
        engagement.summary = t(
            "Kerro, miten käytät kaupungin liikuntapaikkoja.",
            "Berätta hur du använder stadens idrottsplatser.",
            "Tell us how you use the city's sports facilities.",
        )
        engagement.opens_at = utcnow() - timedelta(days=1)
        engagement.closes_at = utcnow() + timedelta(days=30)
        questionnaire = services.create_questionnaire(engagement)
        questionnaire.closing_text = t(
            "Kiitos! Kerromme tuloksista syksyllä.",
            "Tack! Vi berättar om resultaten i höst.",
            "Thank you! We will report the results in the autumn.",
        )
        for page in SURVEY:
            added = services.add_page(questionnaire, page.code, page.title)
            for q in page.questions:
                services.add_question(
                    added,
                    q.code,
                    q.type,
                    q.text,
                    required=q.required,
                    settings=q.settings,
                    options=options(q.options),
                    rows=options(q.rows),
                    condition=q.condition(),
                )
        services.publish(engagement)
        db.session.commit()
        public_id = engagement.public_id
        db.session.remove()
    return public_id


@dataclass
class StepProfile:
    statements: list[int] = field(default_factory=list)
    seconds: list[float] = field(default_factory=list)
    cpu_seconds: list[float] = field(default_factory=list)
    #: The statements of this step's last request (for --show-sql).
    last: list[str] = field(default_factory=list)


OnReply = Callable[[Request, float, float], None]


def in_process_flow(
    app,  # noqa: ANN001 (a Flask app, imported late)
    public_id: str,
    lang: str,
    rng: random.Random,
    on_reply: OnReply | None = None,
) -> Completed:
    """Drive one resident flow through Flask's test client, with a cookie jar of its own."""
    from werkzeug.datastructures import MultiDict

    client = app.test_client()
    origin = f"{app.config['PREFERRED_URL_SCHEME']}://localhost"
    script = resident_flow(public_id, lang, rng)
    request = next(script)
    while True:
        headers = {"Referer": origin + request.referer} if request.referer else {}
        form = None if request.form is None else MultiDict(request.form)
        began, cpu_began = time.perf_counter(), time.process_time()
        response = client.open(request.path, method=request.method, data=form, headers=headers)
        if on_reply is not None:
            on_reply(request, time.perf_counter() - began, time.process_time() - cpu_began)
        reply = Reply(
            response.status_code, response.headers.get("Location"), response.get_data(as_text=True)
        )
        try:
            request = script.send(reply)
        except StopIteration as stop:
            return stop.value


def profile_in_process(
    app, public_id: str, seed: int, with_cprofile: bool
) -> tuple[dict[str, StepProfile], list[Completed], str]:  # noqa: ANN001
    """SQL statements and time of each step, over a few in-process flows after a warm-up flow.

    Requests run outside an app context (each gets its own session, as under gunicorn); pings
    from ``pool_pre_ping`` go round the ``before_cursor_execute`` listener and are not counted.
    """
    from sqlalchemy import event

    from app.extensions import db

    with app.app_context():
        engine = db.engine
    statements: list[str] = []

    def record(*args: object) -> None:
        statements.append(" ".join(str(args[2]).split()))

    profiles: dict[str, StepProfile] = defaultdict(StepProfile)

    def on_reply(request: Request, elapsed: float, cpu: float) -> None:
        profiles[request.step].statements.append(len(statements))
        profiles[request.step].seconds.append(elapsed)
        profiles[request.step].cpu_seconds.append(cpu)
        profiles[request.step].last = list(statements)
        statements.clear()

    rng = random.Random(f"{seed}-in-process")  # noqa: S311 (test data, not security)
    try:
        completed = [in_process_flow(app, public_id, "fi", rng)]  # warm-up
    except FlowError as error:
        raise BenchError(f"in-process flow failed: {error}") from None
    profiler = cProfile.Profile() if with_cprofile else None
    event.listen(engine, "before_cursor_execute", record)
    try:
        for _ in range(PROFILE_FLOWS):
            statements.clear()
            if profiler:
                profiler.enable()
            completed.append(in_process_flow(app, public_id, "fi", rng, on_reply))
            if profiler:
                profiler.disable()
    except FlowError as error:
        raise BenchError(f"in-process flow failed: {error}") from None
    finally:
        event.remove(engine, "before_cursor_execute", record)
    report = ""
    if profiler:
        out = io.StringIO()
        pstats.Stats(profiler, stream=out).sort_stats("cumulative").print_stats(40)
        report = out.getvalue()
    return dict(profiles), completed, report


# --- servers --------------------------------------------------------------------------------


@dataclass(frozen=True)
class ServerSettings:
    worker_class: str
    workers: int
    threads: int

    def argv(self) -> list[str]:
        argv = ["-k", self.worker_class, "-w", str(self.workers)]
        if self.worker_class == "gthread":
            argv += ["--threads", str(self.threads)]
        return argv

    def describe(self) -> str:
        return shlex.join(self.argv())


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind((HOST, 0))
        return probe.getsockname()[1]


def answers_ok(port: int, path: str) -> bool:
    connection = http.client.HTTPConnection(HOST, port, timeout=2.0)
    try:
        connection.request("GET", path)
        response = connection.getresponse()
        response.read()
    except (OSError, http.client.HTTPException):
        return False
    finally:
        connection.close()
    return response.status == 200


def stop(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is not None:
        return
    process.terminate()
    try:
        process.wait(timeout=STOP_TIMEOUT)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


def log_tail(path: Path, lines: int = 30) -> str:
    if not path.exists():
        return ""
    return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])


def server_log_errors(path: Path) -> list[str]:
    if not path.exists():
        return []
    return [
        line
        for line in path.read_text(errors="replace").splitlines()
        if "[ERROR]" in line or "Traceback" in line or " ERROR " in line
    ]


@contextlib.contextmanager
def running_server(
    app: str, settings: ServerSettings, env: dict[str, str], ready_path: str, log_path: Path
) -> Iterator[tuple[int, int]]:
    """gunicorn serving ``app`` until the block ends; yields (port, master pid)."""
    port = free_port()
    argv = [
        str(VENV_BIN / "gunicorn"),
        *settings.argv(),
        "-b",
        f"{HOST}:{port}",
        "--backlog",
        "2048",
        app,
    ]
    print(f"$ {shlex.join(argv)}", flush=True)
    with log_path.open("wb") as log:
        process = subprocess.Popen(  # noqa: S603 (fixed commands from the venv, no user input)
            argv, cwd=REPO_ROOT, env=env, stdout=log, stderr=subprocess.STDOUT
        )
        try:
            deadline = time.monotonic() + START_TIMEOUT
            while not answers_ok(port, ready_path):
                if process.poll() is not None or time.monotonic() > deadline:
                    raise BenchError(f"{app} did not start; its log:\n{log_tail(log_path)}")
                time.sleep(0.1)
            # Every worker imports the app on its own: give the slower ones time to be ready.
            time.sleep(1.0)
            yield port, process.pid
        finally:
            stop(process)


def process_tree_ticks(root: int) -> dict[int, int]:
    """CPU time (user + system, in clock ticks) of a process and each of its descendants."""
    parents: dict[int, int] = {}
    ticks: dict[int, int] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        fields = stat.rpartition(")")[2].split()
        pid = int(entry.name)
        parents[pid] = int(fields[1])
        ticks[pid] = int(fields[11]) + int(fields[12])
    wanted = {root}
    changed = True
    while changed:
        changed = False
        for pid, parent in parents.items():
            if parent in wanted and pid not in wanted:
                wanted.add(pid)
                changed = True
    return {pid: ticks[pid] for pid in wanted if pid in ticks}


def machine_ticks() -> tuple[int, int]:
    """(busy, total) clock ticks of the whole machine since boot."""
    values = [int(v) for v in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    idle = values[3] + (values[4] if len(values) > 4 else 0)
    return sum(values) - idle, sum(values)


# --- load -----------------------------------------------------------------------------------


def source_address(process: int, number: int) -> str:
    """A loopback address of its own for each resident (the rate limits count per address)."""
    return f"127.{10 + process}.{number // 250 % 250 + 1}.{number % 250 + 1}"


@dataclass
class Window:
    warm_end: float
    until: float


async def sample_cpu(window: Window, out: dict[str, float]) -> None:
    await asyncio.sleep(max(0.0, window.warm_end - time.monotonic()))
    begin = time.process_time()
    await asyncio.sleep(max(0.0, window.until - time.monotonic()))
    out["client_cpu"] = time.process_time() - begin


async def get_loop(
    session: aiohttp.ClientSession, path: str, window: Window, out: dict[str, Any]
) -> None:
    while (began := time.monotonic()) < window.until:
        error = None
        try:
            async with session.get(path, allow_redirects=False) as response:
                await response.read()
                if response.status != 200:
                    error = f"GET {path} answered {response.status}"
        except (TimeoutError, aiohttp.ClientError, OSError) as exc:
            error = f"GET {path}: {exc!r}"
        done = time.monotonic()
        if window.warm_end <= done < window.until:
            out["latencies"].append(done - began)
            if error:
                out["errors"] += 1
                if len(out["messages"]) < 5:
                    out["messages"].append(error)


async def get_job(job: dict[str, Any], barrier: Any) -> dict[str, Any]:  # noqa: ANN401
    timeout = aiohttp.ClientTimeout(total=REQUEST_TIMEOUT)
    sessions = [
        aiohttp.ClientSession(
            job["base"],
            connector=aiohttp.TCPConnector(
                limit=1, local_addr=(source_address(job["process"], 60_000 + i), 0)
            ),
            cookie_jar=aiohttp.DummyCookieJar(),
            timeout=timeout,
        )
        for i in range(job["connections"])
    ]
    out: dict[str, Any] = {"latencies": [], "errors": 0, "messages": []}
    barrier.wait(timeout=START_TIMEOUT)
    start = time.monotonic()
    window = Window(start + job["warmup"], start + job["warmup"] + job["duration"])
    try:
        await asyncio.gather(
            sample_cpu(window, out), *(get_loop(s, job["path"], window, out) for s in sessions)
        )
    finally:
        for session in sessions:
            await session.close()
    return out


async def http_flow(
    job: dict[str, Any], rng: random.Random, lang: str, address: str
) -> tuple[list[tuple[str, float]], Completed | None, str | None, int]:
    """One resident flow over HTTP: (step latencies, result, error message, request errors)."""
    jar = aiohttp.CookieJar(unsafe=True, treat_as_secure_origin=job["base"])
    connector = aiohttp.TCPConnector(limit=1, local_addr=(address, 0))
    latencies: list[tuple[str, float]] = []
    request_errors = 0
    script = resident_flow(job["public_id"], lang, rng)
    async with aiohttp.ClientSession(
        job["base"],
        connector=connector,
        cookie_jar=jar,
        timeout=aiohttp.ClientTimeout(total=REQUEST_TIMEOUT),
    ) as session:
        try:
            request = next(script)
            while True:
                if latencies and job["think_time"]:
                    await asyncio.sleep(rng.expovariate(1 / job["think_time"]))
                body, headers = None, {}
                if request.form is not None:
                    body = urlencode(request.form).encode()
                    headers["Content-Type"] = "application/x-www-form-urlencoded"
                if request.referer:
                    headers["Referer"] = job["base"] + request.referer
                began = time.monotonic()
                try:
                    async with session.request(
                        request.method,
                        request.path,
                        data=body,
                        headers=headers,
                        allow_redirects=False,
                    ) as response:
                        text = (await response.read()).decode("utf-8", "replace")
                except (TimeoutError, aiohttp.ClientError, OSError) as exc:
                    request_errors += 1
                    raise FlowError(f"{request.step}: {exc!r}") from None
                latencies.append((request.step, time.monotonic() - began))
                if response.status >= 400:
                    request_errors += 1
                reply = Reply(response.status, response.headers.get("Location"), text)
                try:
                    request = script.send(reply)
                except StopIteration as stop:
                    return latencies, stop.value, None, request_errors
        except FlowError as error:
            return latencies, None, str(error), request_errors


async def resident(job: dict[str, Any], number: int, window: Window, out: dict[str, Any]) -> None:
    rng = random.Random(f"{job['seed']}-{number}")  # noqa: S311 (test data, not security)
    flows = 0
    while (started := time.monotonic()) < window.until:
        lang = job["languages"][(number + flows) % len(job["languages"])]
        address = source_address(job["process"], out["addresses"])
        out["addresses"] += 1
        flows += 1
        latencies, completed, error, request_errors = await http_flow(job, rng, lang, address)
        measured = started >= window.warm_end
        out["request_errors"] += request_errors
        out["requests"] += len(latencies)
        if completed is not None:
            out["completed"].append((completed.receipt, completed.rows))
        else:
            out["failed"] += 1
            if len(out["messages"]) < 10:
                out["messages"].append(error)
        if measured:
            out["steps"] += latencies
            if completed is not None:
                # What the resident waited for the server, think time left out.
                out["flow_seconds"].append(sum(seconds for _step, seconds in latencies))


async def flow_job(job: dict[str, Any], barrier: Any) -> dict[str, Any]:  # noqa: ANN401
    out: dict[str, Any] = {
        "steps": [],
        "flow_seconds": [],
        "completed": [],
        "failed": 0,
        "requests": 0,
        "request_errors": 0,
        "messages": [],
        "addresses": 0,
    }
    barrier.wait(timeout=START_TIMEOUT)
    start = time.monotonic()
    window = Window(start + job["warmup"], start + job["warmup"] + job["duration"])
    await asyncio.gather(
        sample_cpu(window, out), *(resident(job, n, window, out) for n in job["residents"])
    )
    return out


def client_main(job: dict[str, Any], barrier: Any, results: Any) -> None:  # noqa: ANN401
    """A client process: run the job's event loop, put what it measured on ``results``."""
    try:
        run = get_job if job["kind"] == "get" else flow_job
        result = asyncio.run(run(job, barrier))
    except BaseException as error:  # noqa: BLE001 (reported to the parent, which stops)
        result = {"fatal": repr(error)}
    results.put(result)


@dataclass
class Phase:
    """What one load phase measured, clients and server together."""

    results: list[dict[str, Any]]
    seconds: float
    server_cpu: float
    machine_busy: float
    #: Cores busy per server process (the gunicorn master first), to see unbalanced workers.
    process_cores: list[float] = field(default_factory=list)

    def cores_text(self) -> str:
        busy = [f"{cores:.2f}" for cores in self.process_cores if cores >= 0.005]
        return f"{self.server_cpu / self.seconds:.2f} ({' + '.join(busy) or '0'})"

    def merged(self, key: str) -> list:
        return [item for result in self.results for item in result[key]]

    def total(self, key: str) -> float:
        return sum(result[key] for result in self.results)


def run_phase(
    jobs: list[dict[str, Any]],
    server_pid: int,
    warmup: float,
    duration: float,
    target: Callable[[dict[str, Any], Any, Any], None] = client_main,
    on_start: Callable[[float], None] | None = None,
) -> Phase:
    """Run ``jobs`` in client processes (``target``, client_main's signature) and measure.

    ``on_start`` is called with the phase's start (``time.monotonic()``, the clock the clients'
    windows use) once every client process is ready.
    """
    context = multiprocessing.get_context("spawn")
    barrier = context.Barrier(len(jobs) + 1)
    results = context.Queue()
    processes = [context.Process(target=target, args=(job, barrier, results)) for job in jobs]
    for process in processes:
        process.start()
    collected: list[dict[str, Any]] = []
    try:
        try:
            barrier.wait(timeout=START_TIMEOUT)
        except threading.BrokenBarrierError:
            raise BenchError("the client processes did not start") from None
        start = time.monotonic()
        if on_start is not None:
            on_start(start)
        time.sleep(max(0.0, start + warmup - time.monotonic()))
        server0, machine0 = process_tree_ticks(server_pid), machine_ticks()
        time.sleep(max(0.0, start + warmup + duration - time.monotonic()))
        server1, machine1 = process_tree_ticks(server_pid), machine_ticks()
        for _ in processes:
            try:
                result = results.get(timeout=START_TIMEOUT + REQUEST_TIMEOUT * 10)
            except queue.Empty:
                raise BenchError("a client process did not report back") from None
            if "fatal" in result:
                raise BenchError(f"a client process failed: {result['fatal']}")
            collected.append(result)
    finally:
        for process in processes:
            process.join(timeout=STOP_TIMEOUT)
            if process.is_alive():
                process.terminate()
                process.join()
    hertz = os.sysconf("SC_CLK_TCK")
    busy = (machine1[0] - machine0[0]) / max(1, machine1[1] - machine0[1])
    per_process = [(server1[pid] - server0.get(pid, 0)) / hertz for pid in sorted(server1)]
    return Phase(
        collected,
        duration,
        sum(per_process),
        busy,
        [seconds / duration for seconds in per_process],
    )


def split(count: int, parts: int) -> list[int]:
    return [count // parts + (1 if i < count % parts else 0) for i in range(parts)]


def measure_get(base: str, path: str, server_pid: int, args: argparse.Namespace) -> Phase:
    jobs = [
        {
            "kind": "get",
            "base": base,
            "path": path,
            "process": index,
            "connections": connections,
            "warmup": args.warmup,
            "duration": args.duration,
        }
        for index, connections in enumerate(split(args.concurrency, args.client_processes))
        if connections
    ]
    return run_phase(jobs, server_pid, args.warmup, args.duration)


def measure_flows(base: str, public_id: str, server_pid: int, args: argparse.Namespace) -> Phase:
    residents = list(range(args.concurrency))
    parts = split(args.concurrency, args.client_processes)
    jobs, offset = [], 0
    for index, count in enumerate(parts):
        if not count:
            continue
        jobs.append(
            {
                "kind": "flows",
                "base": base,
                "public_id": public_id,
                "process": index,
                "residents": residents[offset : offset + count],
                "languages": args.languages,
                "seed": args.seed,
                "think_time": args.think_time,
                "warmup": args.warmup,
                "duration": args.duration,
            }
        )
        offset += count
    return run_phase(jobs, server_pid, args.warmup, args.duration)


# --- database checks ------------------------------------------------------------------------


@dataclass
class Stored:
    submissions: int
    #: receipt code → answer rows stored, for the survey's submissions.
    rows_by_receipt: dict[str, list[int]]
    drafts_left: int


def stored_responses(app, public_id: str) -> Stored:  # noqa: ANN001
    from sqlalchemy import func, select

    from app.engagements.models import Engagement
    from app.extensions import db
    from app.questionnaires.models import Answer, ResponseDraft, Submission

    with app.app_context():
        engagement_id = db.session.scalar(
            select(Engagement.id).where(Engagement.public_id == public_id)
        )
        rows = db.session.execute(
            select(Submission.receipt_code, func.count(Answer.id))
            .outerjoin(Answer, Answer.submission_id == Submission.id)
            .where(Submission.engagement_id == engagement_id)
            .group_by(Submission.id, Submission.receipt_code)
        ).all()
        drafts = db.session.scalar(
            select(func.count())
            .select_from(ResponseDraft)
            .where(ResponseDraft.engagement_id == engagement_id)
        )
        db.session.remove()
    by_receipt: dict[str, list[int]] = defaultdict(list)
    for receipt, count in rows:
        by_receipt[receipt].append(count)
    return Stored(len(rows), dict(by_receipt), drafts or 0)


# --- report ---------------------------------------------------------------------------------


def percentile_ms(values: Sequence[float], percent: float) -> float:
    """Nearest-rank percentile, in milliseconds."""
    if not values:
        return math.nan
    ordered = sorted(values)
    return ordered[max(1, math.ceil(percent / 100 * len(ordered))) - 1] * 1000


def table(rows: Sequence[Sequence[str]]) -> None:
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    for index, row in enumerate(rows):
        cells = [row[0].ljust(widths[0])]
        cells += [cell.rjust(width) for cell, width in zip(row[1:], widths[1:], strict=True)]
        print("  ".join(cells).rstrip())
        if index == 0:
            print("  ".join("-" * width for width in widths))


def latency_cells(values: Sequence[float]) -> list[str]:
    return [f"{percentile_ms(values, p):.1f}" for p in (50, 95, 99)]


def cpu_model() -> str:
    cpuinfo = Path("/proc/cpuinfo")
    if cpuinfo.exists():
        for line in cpuinfo.read_text(errors="replace").splitlines():
            if line.startswith("model name"):
                return line.partition(":")[2].strip()
    return platform.processor() or "unknown"


def load_average() -> str:
    return ", ".join(f"{value:.2f}" for value in os.getloadavg())


def print_header(args: argparse.Namespace, settings: ServerSettings) -> None:
    versions = ", ".join(
        f"{name} {metadata.version(name)}"
        for name in ("Flask", "SQLAlchemy", "gunicorn", "aiohttp")
    )
    executable = Path(sys.executable)
    with contextlib.suppress(ValueError):
        executable = executable.relative_to(Path.cwd())
    print(f"command: {shlex.join([str(executable), *sys.argv])}")
    print(
        f"load: --duration {args.duration:g} s after --warmup {args.warmup:g} s per phase, "
        f"--concurrency {args.concurrency}, {args.client_processes} client processes (aiohttp)"
    )
    print(f"gunicorn (both apps): {settings.describe()}")
    print(f"machine: nproc {os.cpu_count()}, {cpu_model()}, {platform.platform()}")
    print(f"load average before the run: {load_average()}")
    print(f"python: {platform.python_implementation()} {platform.python_version()}; {versions}")
    print(flush=True)


def print_profile(profiles: dict[str, StepProfile], show_sql: bool) -> None:
    print(
        f"\nIn-process, one answer flow (test client, median of {PROFILE_FLOWS} flows after "
        "a warm-up flow):"
    )
    rows = [("step", "requests/flow", "SQL statements", "CPU ms", "wall ms")]
    for step in STEPS:
        profile = profiles.get(step)
        if not profile:
            continue
        per_flow = len(profile.statements) // PROFILE_FLOWS
        statements = sorted(profile.statements)
        rows.append(
            (
                step,
                str(per_flow),
                f"{statements[0]}–{statements[-1]}"
                if statements[0] != statements[-1]
                else str(statements[0]),
                f"{percentile_ms(profile.cpu_seconds, 50):.1f}",
                f"{percentile_ms(profile.seconds, 50):.1f}",
            )
        )
    table(rows)
    if show_sql:
        for step in STEPS:
            if step in profiles:
                print(f"\n{step}: {len(profiles[step].last)} statements (its last request)")
                for statement in profiles[step].last:
                    print(f"  {statement}")


@dataclass
class Check:
    name: str
    ok: bool
    detail: str
    #: Correctness checks decide the exit code; performance targets only print PASS or MISS.
    correctness: bool

    def line(self) -> str:
        mark = (
            ("PASS" if self.ok else "FAIL") if self.correctness else ("PASS" if self.ok else "MISS")
        )
        return f"  {mark}  {self.name}: {self.detail}"


def rate(phase: Phase) -> float:
    return len(phase.merged("latencies")) / phase.seconds


def print_get_table(hello: Phase, page: Phase, page_path: str) -> float:
    print("\n(a) and (b): GET throughput, new visitors (no cookies), same gunicorn settings:")
    rows = [
        (
            "URL",
            "req/s",
            "p50 ms",
            "p95 ms",
            "p99 ms",
            "errors",
            "server CPU ms/req",
            "server cores (per process)",
            "client cores",
            "machine busy",
        )
    ]
    for label, phase in (("hello world /", hello), (page_path, page)):
        latencies = phase.merged("latencies")
        requests = len(latencies)
        rows.append(
            (
                label,
                f"{rate(phase):.1f}",
                *latency_cells(latencies),
                f"{int(phase.total('errors'))}/{requests}",
                f"{1000 * phase.server_cpu / max(1, requests):.2f}",
                phase.cores_text(),
                f"{phase.total('client_cpu') / phase.seconds:.2f}",
                f"{100 * phase.machine_busy:.0f}%",
            )
        )
    table(rows)
    ratio = rate(page) / rate(hello) if rate(hello) else 0.0
    hello_cpu = hello.server_cpu / max(1, len(hello.merged("latencies")))
    page_cpu = page.server_cpu / max(1, len(page.merged("latencies")))
    if page_cpu:
        print(
            f"questionnaire page / hello world: {100 * ratio:.1f}% of the requests/s; "
            f"{100 * hello_cpu / page_cpu:.1f}% by server CPU per request"
        )
    for message in page.merged("messages")[:5] + hello.merged("messages")[:5]:
        print(f"  error: {message}")
    return ratio


def print_flow_table(flows: Phase, args: argparse.Namespace) -> list[float]:
    steps = flows.merged("steps")
    by_step: dict[str, list[float]] = defaultdict(list)
    for step, seconds in steps:
        by_step[step].append(seconds)
    flow_seconds = flows.merged("flow_seconds")
    think = f"think time {args.think_time:g} s" if args.think_time else "no think time"
    print(
        f"\n(c) {args.concurrency} residents answering, one flow after another, {think} "
        f"(latencies of the flows started in the measured {flows.seconds:g} s):"
    )
    rows = [("step", "requests", "p50 ms", "p95 ms", "p99 ms")]
    for step in STEPS:
        if by_step.get(step):
            rows.append((step, str(len(by_step[step])), *latency_cells(by_step[step])))
    all_requests = [seconds for _step, seconds in steps]
    rows.append(("all requests in the flows", str(len(all_requests)), *latency_cells(all_requests)))
    rows.append(
        ("whole flow (its 8 requests)", str(len(flow_seconds)), *latency_cells(flow_seconds))
    )
    table(rows)
    print(
        f"flows completed per second: {len(flow_seconds) / flows.seconds:.1f}; requests per "
        f"second: {len(all_requests) / flows.seconds:.1f}; server cores busy "
        f"{flows.cores_text()}, client cores "
        f"{flows.total('client_cpu') / flows.seconds:.2f}, machine busy "
        f"{100 * flows.machine_busy:.0f}%"
    )
    return all_requests


# --- main -----------------------------------------------------------------------------------


def parse_args(argv: Sequence[str]) -> argparse.Namespace:
    summary, _sep, details = __doc__.partition("\n\n")
    parser = argparse.ArgumentParser(description=summary, epilog=details)
    parser.add_argument("--duration", type=float, default=10.0, help="measured seconds per phase")
    parser.add_argument("--warmup", type=float, default=2.0, help="unmeasured seconds per phase")
    parser.add_argument(
        "--concurrency", type=int, default=32, help="connections and residents (default 32)"
    )
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers (default 2)")
    parser.add_argument(
        "--worker-class",
        choices=("sync", "gthread"),
        default="gthread",
        help="gunicorn worker class (default gthread)",
    )
    parser.add_argument(
        "--threads", type=int, default=4, help="threads per gthread worker (default 4)"
    )
    parser.add_argument(
        "--client-processes", type=int, default=2, help="load generator processes (default 2)"
    )
    parser.add_argument(
        "--database-url",
        help="a PostgreSQL database to use (migrated and given the Kemi plan if needed); "
        "default: a fresh SQLite file in a temporary directory",
    )
    parser.add_argument(
        "--languages",
        default="fi,sv,en",
        help="languages the residents answer in, in turn (default fi,sv,en)",
    )
    parser.add_argument("--seed", type=int, default=1, help="seed of the residents' answers")
    parser.add_argument(
        "--think-time",
        type=float,
        default=0.0,
        help="mean seconds a resident reads before the next request (default 0: none, the "
        "hardest load 32 residents can make)",
    )
    parser.add_argument(
        "--show-sql", action="store_true", help="list the SQL statements of each step"
    )
    parser.add_argument(
        "--in-process-only",
        action="store_true",
        help="stop after the in-process steps (no servers, no load)",
    )
    parser.add_argument(
        "--profile", action="store_true", help="also print a cProfile of the in-process flows"
    )
    args = parser.parse_args(argv)
    args.languages = [lang.strip() for lang in args.languages.split(",") if lang.strip()]
    if any(lang not in LANGUAGES for lang in args.languages) or not args.languages:
        parser.error(f"--languages must be among {', '.join(LANGUAGES)}")
    if min(args.duration, args.concurrency, args.workers, args.threads, args.client_processes) <= 0:
        parser.error("--duration, --concurrency, --workers, --threads, --client-processes > 0")
    if args.warmup < 0 or args.think_time < 0:
        parser.error("--warmup and --think-time must not be negative")
    return args


def run(args: argparse.Namespace, tmp: Path, settings: ServerSettings) -> list[Check]:
    secret_key = secrets.token_urlsafe(32)
    if args.database_url:
        database_url = args.database_url
        where = "the database given with --database-url"
    else:
        database_url = f"sqlite:///{tmp / 'bench.sqlite3'}"
        where = f"a new SQLite file in {tmp}"
    print(f"Preparing {where} (flask db upgrade, flask demo load) ...", flush=True)
    prepare_database(server_env(database_url, secret_key, "development"))
    app = in_process_app(database_url, secret_key)
    public_id = build_survey(app)
    questions = sum(len(page.questions) for page in SURVEY)
    print(
        f"Survey /fi/e/{public_id}: {len(SURVEY)} pages, {questions} questions ({survey_types()})"
    )
    profiles, in_process, cprofile_report = profile_in_process(
        app, public_id, args.seed, args.profile
    )
    print_profile(profiles, args.show_sql)
    if cprofile_report:
        print(f"\ncProfile of {PROFILE_FLOWS} in-process flows:\n{cprofile_report}")
    from app.extensions import db

    with app.app_context():
        db.engine.dispose()
    if args.in_process_only:
        return []

    env = server_env(database_url, secret_key, "production")
    print("\nServing the hello world ...", flush=True)
    with running_server(HELLO_APP, settings, env, "/", tmp / "hello.log") as (port, pid):
        hello = measure_get(f"http://{HOST}:{port}", "/", pid, args)
    page_path = f"/fi/e/{public_id}/respond"
    app_log = tmp / "osallistu.log"
    print("Serving Osallistu (FLASK_CONFIG=production) ...", flush=True)
    with running_server("wsgi:app", settings, env, "/healthz", app_log) as (port, pid):
        base = f"http://{HOST}:{port}"
        if not answers_ok(port, page_path):
            raise BenchError(f"{page_path} does not answer 200; log:\n{log_tail(app_log)}")
        page = measure_get(base, page_path, pid, args)
        print(f"  residents answering ({args.concurrency}) ...", flush=True)
        flows = measure_flows(base, public_id, pid, args)
    print(f"load average after the run: {load_average()}")
    log_errors = server_log_errors(app_log)
    log_text = log_tail(app_log, 80) if log_errors else ""

    ratio = print_get_table(hello, page, page_path)
    all_requests = print_flow_table(flows, args)
    messages = flows.merged("messages")
    for message in messages[:10]:
        print(f"  flow error: {message}")
    if log_text:
        print(f"  the server logged errors; the end of its log:\n{log_text}")

    completed = [(c.receipt, c.rows) for c in in_process] + flows.merged("completed")
    stored = stored_responses(app, public_id)
    with app.app_context():
        db.engine.dispose()
    seen = Counter(receipt for receipt, _rows in completed)
    unmatched = [
        receipt
        for receipt, rows in completed
        if seen[receipt] != 1 or stored.rows_by_receipt.get(receipt) != [rows]
    ]
    get_errors = int(hello.total("errors") + page.total("errors"))
    flow_failures = int(flows.total("failed"))
    request_errors = int(flows.total("request_errors"))
    p95 = percentile_ms(all_requests, 95)
    return [
        Check(
            "questionnaire page GET throughput >= 30% of the bare Flask hello world",
            ratio >= GET_RATIO_TARGET,
            f"{100 * ratio:.1f}% ({rate(page):.0f} vs {rate(hello):.0f} req/s)",
            correctness=False,
        ),
        Check(
            f"answer flow p95 < {FLOW_P95_TARGET_MS:g} ms at {args.concurrency} residents "
            "(95th percentile of all requests in the flows)",
            p95 < FLOW_P95_TARGET_MS,
            f"{p95:.1f} ms; a whole 8-request flow: p95 "
            f"{percentile_ms(flows.merged('flow_seconds'), 95):.0f} ms",
            correctness=False,
        ),
        Check(
            "zero errors",
            get_errors == 0 and flow_failures == 0 and request_errors == 0 and not log_errors,
            f"GET phases {get_errors}, flows {int(flows.total('requests'))} requests: "
            f"{request_errors} non-2xx/3xx or failed, {flow_failures} flows abandoned; "
            f"server log {len(log_errors)} error lines",
            correctness=True,
        ),
        Check(
            "stored responses equal completed flows",
            stored.submissions == len(completed),
            f"{stored.submissions} stored, {len(completed)} completed "
            f"({len(completed) - len(in_process)} over HTTP, {len(in_process)} in-process); "
            f"{stored.drafts_left} drafts left for {flow_failures} abandoned flows",
            correctness=True,
        ),
        Check(
            "every receipt a resident saw is exactly one stored submission with its answers",
            not unmatched and stored.drafts_left <= flow_failures,
            f"{len(completed) - len(unmatched)} of {len(completed)} match"
            + (f"; e.g. {unmatched[0]}" if unmatched else ""),
            correctness=True,
        ),
    ]


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(sys.argv[1:] if argv is None else argv)
    settings = ServerSettings(args.worker_class, args.workers, args.threads)
    print_header(args, settings)
    with tempfile.TemporaryDirectory(prefix="osallistu-flow-") as tmp:
        try:
            checks = run(args, Path(tmp), settings)
        except BenchError as error:
            print(f"\nbench: {error}", file=sys.stderr)
            return 1
    if checks:
        print("\nTargets and checks:")
    for check in checks:
        print(check.line())
    return 1 if any(c.correctness and not c.ok for c in checks) else 0


if __name__ == "__main__":
    sys.exit(main())
