"""Synthetic responses for demos and benchmarks: valid answers, inserted in bulk.

Every generated response satisfies its questionnaire (option codes that exist, scale points in
range, min/max choices, exclusive options alone, ranks 1…n without gaps) and the display
conditions: a question hidden by the answers before it gets no answer. Responses are spread over
channels, languages, background bands and the past days (never before the survey opened), and
written a chunk at a time straight to the driver (``executemany``; ``COPY`` on PostgreSQL), never
one ORM object per answer.
"""

from __future__ import annotations

import random
import secrets
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy import Connection, insert

from app.core.types import utcnow
from app.engagements import background
from app.engagements.models import Engagement, Kind
from app.engagements.services import create_engagement
from app.extensions import db
from app.plan.models import Department, FocusArea
from app.questionnaires import services
from app.questionnaires.conditions import visible
from app.questionnaires.definition import Definition, definition
from app.questionnaires.models import Answer, Submission
from app.questionnaires.services import OptionInput
from app.questionnaires.spec import QuestionSpec

#: Responses generated and inserted per round trip.
CHUNK = 5_000
CHANNEL_WEIGHTS = {"web": 80, "paper": 10, "event": 5, "phone": 3, "kiosk": 2}
LOCALE_WEIGHTS = {"fi": 85, "sv": 8, "en": 7}
POSTAL_AREAS = ("94100", "94200", "94300", "94400", "94450", "94500", "94600", "94700", "94830")
#: Share of respondents who skip an optional question.
SKIP_OPTIONAL = 0.12
#: Share who write something in an optional text box.
WRITE_TEXT = 0.25
PHRASES = {
    "fi": (
        "Enemmän iltaaukioloja, kiitos.",
        "Palvelu on ollut hyvää.",
        "Pysäköintipaikkoja on liian vähän.",
        "Lapsille lisää tekemistä viikonloppuisin.",
        "Tiedottaminen voisi olla selkeämpää.",
        "Esteettömyyteen pitää kiinnittää huomiota.",
    ),
    "sv": (
        "Mer öppet på kvällarna, tack.",
        "Servicen har varit bra.",
        "Det finns för få parkeringsplatser.",
        "Mer att göra för barn på veckosluten.",
    ),
    "en": (
        "Longer opening hours in the evening, please.",
        "The service has been good.",
        "There are too few parking places.",
        "More things for children to do at weekends.",
    ),
}


def t(fi: str, sv: str, en: str) -> dict[str, str]:
    return {"fi": fi, "sv": sv, "en": en}


# --- a benchmark survey ----------------------------------------------------------------------


def _options(*items: tuple[str, dict[str, str]]) -> list[OptionInput]:
    return [OptionInput(code, label) for code, label in items]


CANT_SAY = OptionInput("cant_say", t("En osaa sanoa", "Vet inte", "Can't say"), is_cant_say=True)
AGREE = [
    ("a", t("Palvelut", "Tjänsterna", "The services")),
    ("b", t("Aukioloajat", "Öppettiderna", "The opening hours")),
    ("c", t("Sijainti", "Läget", "The location")),
    ("d", t("Hinnat", "Priserna", "The prices")),
]
CHOICES = [
    ("a", t("Päivittäin", "Dagligen", "Daily")),
    ("b", t("Viikoittain", "Varje vecka", "Weekly")),
    ("c", t("Kuukausittain", "Varje månad", "Monthly")),
    ("d", t("Harvemmin", "Mer sällan", "Less often")),
    ("e", t("En koskaan", "Aldrig", "Never")),
]

#: (type, text, add_question keyword arguments); a survey of n questions cycles through these.
TEMPLATES: tuple[tuple[str, dict[str, str], dict[str, Any]], ...] = (
    ("yes_no", t("Käytätkö palvelua?", "Använder du tjänsten?", "Do you use the service?"),
     {"required": True}),
    ("single_choice", t("Kuinka usein?", "Hur ofta?", "How often?"),
     {"required": True, "options": _options(*CHOICES),
      "condition": {"rules": [{"question": "q01", "op": "equals", "value": "yes"}]}}),
    ("multiple_choice", t("Milloin käyt?", "När går du dit?", "When do you go?"),
     {"options": [*_options(*CHOICES[:4]),
                  OptionInput("other", t("Muulloin", "Annan tid", "Other time"), is_other=True)],
      "settings": {"max_choices": 3},
      "condition": {"rules": [{"question": "q01", "op": "equals", "value": "yes"}]}}),
    ("scale", t("Kuinka tyytyväinen olet?", "Hur nöjd är du?", "How happy are you?"),
     {"required": True, "options": [CANT_SAY],
      "settings": {"points": 5, "low_label": t("Tyytymätön", "Missnöjd", "Unhappy"),
                   "high_label": t("Tyytyväinen", "Nöjd", "Happy")}}),
    ("rating", t("Suosittelisitko?", "Skulle du rekommendera?", "Would you recommend it?"), {}),
    ("matrix", t("Arvioi nämä", "Bedöm dessa", "Rate these"),
     {"rows": _options(*AGREE), "options": [CANT_SAY], "settings": {"points": 5}}),
    ("ranking", t("Mikä on tärkeintä?", "Vad är viktigast?", "What matters most?"),
     {"options": _options(*AGREE)}),
    ("number", t("Montako kertaa kuussa?", "Hur många gånger i månaden?",
                 "How many times a month?"),
     {"settings": {"min": 0, "max": 60, "integer": True}}),
    ("date", t("Milloin kävit viimeksi?", "När var du där senast?", "When did you last go?"), {}),
    ("area", t("Postinumeroalue", "Postnummerområde", "Postal area"),
     {"options": [OptionInput(code, t(code, code, code)) for code in POSTAL_AREAS]}),
    ("single_choice", t("Miten kuljet?", "Hur tar du dig dit?", "How do you get there?"),
     {"settings": {"display": "dropdown"},
      "options": [*_options(("walk", t("Kävellen", "Till fots", "On foot")),
                            ("bike", t("Pyörällä", "Med cykel", "By bike")),
                            ("bus", t("Bussilla", "Med buss", "By bus")),
                            ("car", t("Autolla", "Med bil", "By car"))),
                  OptionInput("other", t("Muuten", "På annat sätt", "Other way"), is_other=True)]}),
    ("multiple_choice", t("Mitkä aiheet kiinnostavat?", "Vilka ämnen intresserar?",
                          "Which topics interest you?"),
     {"options": [*_options(*AGREE),
                  OptionInput("none", t("Ei mikään", "Inget", "None of these"),
                              is_exclusive=True)],
      "settings": {"min_choices": 1}}),
    ("scale", t("Miten voit?", "Hur mår du?", "How are you?"), {"settings": {"points": 7}}),
    ("yes_no", t("Tunnetko olosi turvalliseksi?", "Känner du dig trygg?", "Do you feel safe?"),
     {"options": [CANT_SAY]}),
    ("number", t("Paljonko maksaisit (€)?", "Hur mycket skulle du betala (€)?",
                 "How much would you pay (€)?"), {"settings": {"min": 0, "max": 50}}),
    ("short_text", t("Yksi toive", "En önskan", "One wish"), {}),
    ("long_text", t("Mitä muuta haluat sanoa?", "Vad mer vill du säga?",
                    "What else would you like to say?"), {}),
    ("consent", t("Saa julkaista nimettömänä", "Får publiceras anonymt",
                  "May be published anonymously"), {}),
    ("single_choice", t("Mistä kuulit kyselystä?", "Var hörde du om enkäten?",
                        "Where did you hear about the survey?"),
     {"options": _options(("web", t("Verkosta", "På webben", "Online")),
                          ("paper", t("Lehdestä", "I tidningen", "In the paper")),
                          ("friend", t("Tutulta", "Av en bekant", "From someone I know")))}),
    ("matrix", t("Kuinka tärkeää?", "Hur viktigt?", "How important?"),
     {"rows": _options(*AGREE[:3]), "settings": {"points": 7}}),
)  # fmt: skip


def create_benchmark_survey(
    department: Department,
    focus_areas: Sequence[FocusArea],
    questions: int = 20,
    per_page: int = 5,
) -> Engagement:
    """A published survey in fi/sv/en with ``questions`` questions of mixed types (q01, q02…).

    Five questions a page; question 2 and 3 are shown only to those who answer "yes" to q01.
    """
    engagement = create_engagement(
        Kind.SURVEY,
        department,
        t("Testikysely", "Testenkät", "Test survey"),
        ["fi", "sv", "en"],
        focus_areas,
    )
    engagement.summary = t(
        "Keksityillä vastauksilla täytetty kysely.",
        "En enkät med påhittade svar.",
        "A survey filled with made-up answers.",
    )
    engagement.opens_at = utcnow() - timedelta(days=30)
    engagement.closes_at = utcnow() + timedelta(days=30)
    questionnaire = services.create_questionnaire(engagement)
    page = None
    for number in range(1, questions + 1):
        if (number - 1) % per_page == 0:
            n = (number - 1) // per_page + 1
            title = t(f"Sivu {n}", f"Sida {n}", f"Page {n}")
            page = services.add_page(questionnaire, f"p{n}", title)
        type_, text, kwargs = TEMPLATES[(number - 1) % len(TEMPLATES)]
        services.add_question(page, f"q{number:02d}", type_, text, **kwargs)
    services.publish(engagement)
    return engagement


# --- answers ---------------------------------------------------------------------------------

#: (option_code, row_code, text, number, date, rank) of one answer row.
Row = tuple[str | None, str | None, str | None, float | None, date | None, int | None]
Sampler = Callable[[random.Random, str], tuple[Any, list[Row]]]


def _text(rng: random.Random, locale: str) -> str:
    return rng.choice(PHRASES.get(locale) or PHRASES["fi"])


def _sampler(question: QuestionSpec) -> Sampler | None:
    """A function giving (value the conditions see, answer rows) for one respondent."""
    kind = question.type
    plain = [o for o in question.options if not (o.is_cant_say or o.is_exclusive)]
    cant_say = [o for o in question.options if o.is_cant_say]
    exclusive = [o for o in question.options if o.is_exclusive]
    settings = question.settings

    others = {o.code for o in question.options if o.is_other}

    def with_other(rng: random.Random, locale: str, code: str) -> Row:
        text = _text(rng, locale) if code in others else None
        return (code, None, text, None, None, None)

    if kind == "info":
        return None
    if kind in ("short_text", "long_text"):

        def sample(rng: random.Random, locale: str) -> tuple[Any, list[Row]]:
            if not question.required and rng.random() > WRITE_TEXT:
                return None, []
            text = _text(rng, locale)
            return text, [(None, None, text, None, None, None)]

        return sample
    if kind in ("single_choice", "area", "yes_no"):
        codes = [o.code for o in plain] if kind != "yes_no" else ["yes", "no"]
        weights = [len(codes) - i + 1 for i in range(len(codes))]

        def sample(rng: random.Random, locale: str) -> tuple[Any, list[Row]]:
            if cant_say and rng.random() < 0.05:
                code = cant_say[0].code
            else:
                code = rng.choices(codes, weights)[0]
            return code, [with_other(rng, locale, code)]

        return sample
    if kind == "multiple_choice":
        low = int(settings.get("min_choices") or 1)
        high = int(settings.get("max_choices") or len(plain))

        def sample(rng: random.Random, locale: str) -> tuple[Any, list[Row]]:
            if exclusive and rng.random() < 0.08:
                codes = [exclusive[0].code]
            else:
                count = rng.randint(low, max(low, min(high, len(plain))))
                codes = [o.code for o in rng.sample(plain, count)]
            return codes, [with_other(rng, locale, code) for code in codes]

        return sample
    if kind in ("scale", "rating"):
        low, high = (0, 10) if kind == "rating" else (1, int(settings.get("points", 5)))

        def sample(rng: random.Random, locale: str) -> tuple[Any, list[Row]]:
            if cant_say and rng.random() < 0.06:
                return cant_say[0].code, [(cant_say[0].code, None, None, None, None, None)]
            point = min(high, max(low, round(rng.triangular(low, high, high - 1))))
            return Decimal(point), [(None, None, None, float(point), None, None)]

        return sample
    if kind == "matrix":
        points = int(settings.get("points", 5))

        def sample(rng: random.Random, locale: str) -> tuple[Any, list[Row]]:
            chosen, rows = {}, []
            for row in question.rows:
                if cant_say and rng.random() < 0.05:
                    chosen[row.code] = cant_say[0].code
                    rows.append((cant_say[0].code, row.code, None, None, None, None))
                else:
                    point = rng.randint(1, points)
                    chosen[row.code] = str(point)
                    rows.append((None, row.code, None, float(point), None, None))
            return chosen, rows

        return sample
    if kind == "ranking":
        codes = [o.code for o in question.options]

        def sample(rng: random.Random, locale: str) -> tuple[Any, list[Row]]:
            count = len(codes) if settings.get("rank_all") else rng.randint(1, len(codes))
            ordered = rng.sample(codes, count)
            return ordered, [
                (code, None, None, None, None, rank) for rank, code in enumerate(ordered, 1)
            ]

        return sample
    if kind == "number":
        low = float(settings.get("min", 0) or 0)
        high = float(settings.get("max", low + 100) if settings.get("max") is not None else 100)

        def sample(rng: random.Random, locale: str) -> tuple[Any, list[Row]]:
            value = rng.uniform(low, high)
            value = float(round(value)) if settings.get("integer") else round(value, 1)
            return Decimal(str(value)), [(None, None, None, value, None, None)]

        return sample
    if kind == "date":
        today = utcnow().date()

        def sample(rng: random.Random, locale: str) -> tuple[Any, list[Row]]:
            day = today - timedelta(days=rng.randint(0, 720))
            return day, [(None, None, None, None, day, None)]

        return sample
    if kind == "consent":

        def sample(rng: random.Random, locale: str) -> tuple[Any, list[Row]]:
            if not question.required and rng.random() < 0.2:
                return None, []
            return "yes", [("yes", None, None, None, None, None)]

        return sample
    return None  # a type this generator does not know: left unanswered


#: Answer columns in the order _answer_rows gives them.
ANSWER_FIELDS = (
    "submission_id",
    "question_id",
    "option_code",
    "row_code",
    "text",
    "number",
    "date",
    "rank",
    "is_hidden",
)
_CODE_ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"


def _insert_answers_sql(paramstyle: str) -> str:
    marker = "?" if paramstyle == "qmark" else "%s"
    names = ", ".join(ANSWER_FIELDS)
    markers = ", ".join([marker] * len(ANSWER_FIELDS))
    return f"INSERT INTO {Answer.__tablename__} ({names}) VALUES ({markers})"  # noqa: S608


def _receipt_code() -> str:
    """Like models.new_code (60 random bits, same alphabet), with one call for the randomness."""
    bits = secrets.randbits(60)
    raw = "".join(_CODE_ALPHABET[(bits >> shift) & 31] for shift in range(0, 60, 5))
    return f"{raw[:4]}-{raw[4:8]}-{raw[8:]}"


@dataclass(frozen=True)
class _Respondent:
    channel: str
    locale: str
    demographics: dict[str, str]


def _weighted(rng: random.Random, weights: dict[str, int], allowed: Iterable[str]) -> str:
    allowed = [key for key in weights if key in set(allowed)] or list(allowed)
    return rng.choices(allowed, [weights.get(key, 1) for key in allowed])[0]


def _respondent(
    rng: random.Random, languages: list[str], bands: dict[str, list[str]]
) -> _Respondent:
    demographics = {}
    if rng.random() < 0.8:
        demographics = {question: rng.choice(codes) for question, codes in bands.items()}
    return _Respondent(
        channel=_weighted(rng, CHANNEL_WEIGHTS, CHANNEL_WEIGHTS),
        locale=_weighted(rng, LOCALE_WEIGHTS, languages),
        demographics=demographics,
    )


def generate_responses(
    engagement: Engagement,
    count: int,
    seed: int | None = None,
    days: int = 30,
    chunk: int = CHUNK,
) -> int:
    """Add ``count`` synthetic responses over the last ``days`` days; the caller commits.

    No response is dated before the survey's opening time.

    Returns the number of answer rows written.
    """
    if count < 0:
        raise ValueError("count must not be negative")
    questionnaire = services.questionnaire_of(engagement)
    spec = definition(questionnaire.id, questionnaire.version)
    questions = spec.questions()
    samplers = [(q, _sampler(q)) for q in questions]
    samplers = [(q, sample) for q, sample in samplers if sample is not None]
    conditional = any(q.condition for q in questions) or any(p.condition for p in spec.pages)
    rng = random.Random(seed)  # noqa: S311 (made-up answers, not secrets)
    bands = {
        question: [code for code, _label in background.options(question)]
        for question in background.QUESTIONS
    }
    now = utcnow()
    start = now - timedelta(days=days)
    if engagement.opens_at and start < engagement.opens_at < now:
        start = engagement.opens_at
    span = (now - start).total_seconds()
    moments = sorted(rng.random() * span for _ in range(count))
    submissions = Submission.__table__
    connection = db.session.connection()
    sql = _insert_answers_sql(connection.dialect.paramstyle)
    written = 0
    for first in range(0, count, chunk):
        batch = moments[first : first + chunk]
        people = [_respondent(rng, list(engagement.languages), bands) for _ in batch]
        ids = (
            connection.execute(
                insert(submissions).returning(submissions.c.id, sort_by_parameter_order=True),
                [
                    {
                        "questionnaire_id": questionnaire.id,
                        "engagement_id": engagement.id,
                        "channel": person.channel,
                        "locale": person.locale,
                        "receipt_code": _receipt_code(),
                        "respondent_hash": None,
                        "form_token": None,
                        "demographics": person.demographics,
                        "entered_by_id": None,
                        "submitted_at": start + timedelta(seconds=moment),
                    }
                    for person, moment in zip(people, batch, strict=True)
                ],
            )
            .scalars()
            .all()
        )
        rows = []
        for submission_id, person in zip(ids, people, strict=True):
            rows += _answer_rows(rng, person.locale, samplers, spec, conditional, submission_id)
        if rows:
            _insert_answers(connection, sql, rows)
        written += len(rows)
    return written


def _insert_answers(connection: Connection, sql: str, rows: list[tuple[Any, ...]]) -> None:
    """Answer rows straight to the driver: COPY on PostgreSQL, executemany elsewhere.

    No per-row parameter processing in Python; on the same connection and transaction as the
    session, so the caller's commit or rollback covers them.
    """
    if connection.dialect.name == "postgresql":
        names = ", ".join(ANSWER_FIELDS)
        cursor = connection.connection.driver_connection.cursor()
        with cursor.copy(f"COPY {Answer.__tablename__} ({names}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)
        return
    connection.exec_driver_sql(sql, rows)


def _answer_rows(
    rng: random.Random,
    locale: str,
    samplers: list[tuple[QuestionSpec, Sampler]],
    spec: Definition,
    conditional: bool,
    submission_id: int,
) -> list[tuple[Any, ...]]:
    """One respondent's answer rows in ANSWER_FIELDS order; hidden questions left out."""
    values: dict[str, Any] = {}
    produced: dict[str, list[Row]] = {}
    for question, sample in samplers:
        if not question.required and rng.random() < SKIP_OPTIONAL:
            continue
        value, rows = sample(rng, locale)
        values[question.code] = value
        produced[question.code] = rows
    shown = visible(spec.pages, values) if conditional else None
    result = []
    for code, rows in produced.items():
        if shown is not None and not shown[code]:
            continue
        question_id = spec.question_ids[code]
        for option, row, text, number, day, rank in rows:
            iso_day = day.isoformat() if day is not None else None
            result.append(
                (submission_id, question_id, option, row, text, number, iso_day, rank, False)
            )
    return result
