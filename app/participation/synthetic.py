"""Years of made-up participation for the records benchmark, inserted in bulk.

:func:`generate` fills a database that has the plan loaded with what several years of a city's
participation look like: engagements (surveys and EVA hearings) of the plan's departments and
focus areas, each with a questionnaire, responses through every channel and language with
optional background bands, answers, hearing comments in threads, offline participation, outcome
subscriptions and the population table. Every row is valid for the models (codes that exist,
times inside the engagement's open period, unique receipt codes and form tokens), but the
answers are plain single choices: the records never read answers, they only need to be there.

Rows are written a chunk at a time with Core ``insert()`` (``executemany``; answers straight to
the driver, ``COPY`` on PostgreSQL, as :mod:`app.questionnaires.synthetic` does), never one ORM
object per row. The same ``seed`` and ``now`` make the same rows: every random choice comes from
one ``random.Random`` (only the models' own defaults, such as session tokens, differ).
"""

from __future__ import annotations

import math
import random
from bisect import bisect_right
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import Table, func, insert, select

from app.auth.models import User
from app.core.auth import Role
from app.core.types import utcnow
from app.discussion.models import HIDE_REASONS, AuthorKind, Discussion, Post, PostState, Thread
from app.engagements import background
from app.engagements.models import (
    Engagement,
    Kind,
    OutcomeSubscription,
    Status,
    engagement_focus_areas,
)
from app.eva.models import Assessment
from app.extensions import db
from app.i18n import city_zone
from app.participation import population
from app.participation.models import OFFLINE_CHANNELS, OfflineParticipation, PopulationGroup
from app.participation.queries import period
from app.plan.models import Department, FocusArea, StrategicGoal
from app.plan.services import current_plan
from app.questionnaires.models import Question, Questionnaire, QuestionnairePage, QuestionOption
from app.questionnaires.models import Submission as SubmissionModel
from app.questionnaires.synthetic import _insert_answers, _insert_answers_sql

#: Rows generated and inserted per round trip (responses; their answers go with them).
CHUNK = 10_000
CHANNEL_WEIGHTS = {"web": 85, "paper": 6, "event": 4, "phone": 3, "kiosk": 2}
LOCALE_WEIGHTS = {"fi": 85, "sv": 9, "en": 6}
#: Languages engagements are offered in, and how often.
LANGUAGE_SETS = ((("fi", "sv", "en"), 60), (("fi", "sv"), 25), (("fi",), 15))
#: Share of EVA hearings among the engagements (the rest are surveys).
EVA_SHARE = 0.2
#: Share of responses with background bands (age and postal area).
BACKGROUND_SHARE = 0.4
#: Share of engagements whose outcome ("you said, we did") is published.
OUTCOME_SHARE = 0.1
#: Share of engagements with a discussion (hearing comments) and with offline participation.
DISCUSSION_SHARE = 0.2
OFFLINE_SHARE = 0.1
OPTION_CODES = ("a", "b", "c", "d", "e")
OPTION_WEIGHTS = (30, 30, 20, 12, 8)
AGE_WEIGHTS = {"under-18": 5, "18-29": 14, "30-44": 24, "45-64": 30, "65-74": 16, "75-plus": 11}

TOPICS: tuple[tuple[str, str, str], ...] = (
    ("Kirjaston aukioloajat", "Bibliotekets öppettider", "Library opening hours"),
    ("Liikuntapaikkojen kehittäminen", "Utveckling av idrottsplatser", "Sports facilities"),
    ("Koulumatkojen turvallisuus", "Trygga skolvägar", "Safe routes to school"),
    ("Nuorisotilan toiminta", "Ungdomsgårdens verksamhet", "Youth centre activities"),
    ("Ikäihmisten kotipalvelu", "Hemtjänst för äldre", "Home care for older people"),
    ("Kävely- ja pyöräreitit", "Gång- och cykelvägar", "Walking and cycling routes"),
    ("Kulttuuritapahtumat", "Kulturevenemang", "Cultural events"),
    ("Työllisyyspalvelut", "Sysselsättningstjänster", "Employment services"),
    ("Asukastyytyväisyys", "Invånarnöjdhet", "Resident satisfaction"),
    ("Uimahallin palvelut", "Simhallens tjänster", "Swimming hall services"),
    ("Lähiliikunta ja puistot", "Närmotion och parker", "Local exercise and parks"),
    ("Varhaiskasvatus", "Småbarnspedagogik", "Early childhood education"),
)
EVA_TOPICS: tuple[tuple[str, str, str], ...] = (
    ("Kouluverkon muutos", "Ändring av skolnätet", "Changes to the school network"),
    ("Palveluverkon uudistus", "Reform av servicenätet", "Reform of the service network"),
    ("Lähikirjaston sulkeminen", "Stängning av närbiblioteket", "Closing the local library"),
    ("Keskustan liikennejärjestelyt", "Trafiken i centrum", "Traffic in the town centre"),
    ("Nuorisopalvelujen uudistus", "Reform av ungdomstjänsterna", "Reform of youth services"),
)
NICKNAMES = (
    "Kemiläinen",
    "Pyöräilijä",
    "Eläkeläinen",
    "Äiti",
    "Isä",
    "Nuori",
    "Opettaja",
    "Koiranomistaja",
    "Kalastaja",
    "Veronmaksaja",
    "Invånare",
    "Resident",
)
COMMENTS = {
    "fi": (
        "Hyvä ehdotus, mutta aikataulu on liian kiireinen.",
        "Koulumatka pitenee liikaa pienimmille.",
        "Kannatan, kunhan palvelu säilyy lähellä.",
        "Miksi tästä ei kerrottu aiemmin?",
        "Toivon, että asukkaita kuullaan myös jatkossa.",
    ),
    "sv": ("Ett bra förslag.", "Skolvägen blir för lång.", "Jag stöder förslaget."),
    "en": ("A good proposal.", "The way to school gets too long.", "I support this."),
}
STAFF_REPLY = {
    "fi": "Kiitos kommentista, välitämme sen valmistelijalle.",
    "sv": "Tack för kommentaren, vi för den vidare.",
    "en": "Thank you, we will pass this on.",
}
_CODE_ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"
#: The characters of ``secrets.token_urlsafe`` (paper form tokens).
_TOKEN_ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"  # noqa: S105
_ID_ALPHABET = "23456789abcdefghijkmnpqrstuvwxyz"


@dataclass(frozen=True)
class Sizes:
    """How much to make. ``answers`` are spread evenly over the responses."""

    engagements: int = 500
    submissions: int = 200_000
    answers: int = 2_000_000
    posts: int = 20_000
    #: Calendar years, the current one (up to now) and the ones before it.
    years: int = 4
    seed: int = 1

    def __post_init__(self) -> None:
        if min(self.engagements, self.years) < 1:
            raise ValueError("engagements and years must be at least 1")
        if min(self.submissions, self.answers, self.posts) < 0:
            raise ValueError("sizes must not be negative")
        if self.answers and not self.submissions:
            raise ValueError("answers need submissions")

    @property
    def questions(self) -> int:
        """Questions per questionnaire: about ten, more when a response needs more answers."""
        if not self.submissions:
            return 10
        return max(10, math.ceil(self.answers / self.submissions))


@dataclass
class Made:
    """What :func:`generate` wrote, counted as it wrote it."""

    first_year: int
    last_year: int
    engagements: int = 0
    kinds: Counter = field(default_factory=Counter)
    questions: int = 0
    submissions: int = 0
    answers: int = 0
    discussions: int = 0
    threads: int = 0
    posts: int = 0
    offline_rows: int = 0
    subscriptions: int = 0
    population_rows: int = 0
    #: Responses per calendar year in the city's time zone.
    submissions_by_year: Counter = field(default_factory=Counter)

    def busiest_full_year(self) -> int:
        """The finished year with the most responses (the current one when none is finished)."""
        full = list(range(self.first_year, self.last_year))
        if not full:
            return self.last_year
        return max(full, key=lambda year: (self.submissions_by_year[year], year))


@dataclass(frozen=True)
class _Engagement:
    id: int
    questionnaire_id: int
    department_id: int
    staff_id: int
    kind: str
    languages: tuple[str, ...]
    opens_at: datetime
    closes_at: datetime
    outcome_at: datetime | None
    question_ids: tuple[int, ...] = ()


def _weighted(rng: random.Random, weights: dict[str, int], allowed: Sequence[str]) -> str:
    keys = [key for key in weights if key in allowed] or list(allowed)
    return rng.choices(keys, [weights.get(key, 1) for key in keys])[0]


def _random_string(rng: random.Random, alphabet: str, length: int) -> str:
    return "".join(rng.choices(alphabet, k=length))


def _unique(seen: set[str], make: Callable[[], str]) -> str:
    value = make()
    while value in seen:
        value = make()
    seen.add(value)
    return value


def _code(rng: random.Random) -> str:
    """A receipt or resume code like :func:`app.questionnaires.models.new_code`."""
    raw = _random_string(rng, _CODE_ALPHABET, 12)
    return f"{raw[:4]}-{raw[4:8]}-{raw[8:]}"


def _texts(value: Sequence[str], languages: Sequence[str]) -> dict[str, str]:
    return {
        locale: text for locale, text in zip(("fi", "sv", "en"), value, strict=True)
        if locale in languages
    }  # fmt: skip


def _spread(rng: random.Random, total: int, weights: Sequence[float]) -> list[int]:
    """``total`` split in proportion to ``weights``; the parts add up to ``total`` exactly."""
    if not weights:
        return []
    scale = total / (sum(weights) or 1)
    parts = [int(weight * scale) for weight in weights]
    for index in rng.choices(range(len(weights)), weights, k=total - sum(parts)):
        parts[index] += 1
    return parts


def _insert(table: Table, rows: list[dict[str, Any]], returning: bool = False) -> list[int]:
    """Core insert of ``rows`` (one executemany); with ``returning`` their ids, in order."""
    if not rows:
        return []
    connection = db.session.connection()
    if not returning:
        connection.execute(insert(table), rows)
        return []
    statement = insert(table).returning(table.c.id, sort_by_parameter_order=True)
    return list(connection.execute(statement, rows).scalars())


def generate(
    sizes: Sizes,
    now: datetime | None = None,
    on_chunk: Callable[[], None] | None = None,
    chunk: int = CHUNK,
) -> Made:
    """Fill the database with ``sizes`` of participation over the last ``sizes.years`` years.

    Needs the plan (its departments and focus areas) loaded and an app context. Engagements
    open for two to eight weeks between 1 January of the first year and ``now``; responses,
    comments and offline participation fall inside their engagement's open time. Flushes only:
    ``on_chunk`` is called after each chunk of rows (the benchmark commits there, one
    transaction per chunk); the caller commits the rest.
    """
    now = now or utcnow()
    rng = random.Random(sizes.seed)  # noqa: S311 (made-up data, not secrets)
    zone = city_zone()
    last_year = now.astimezone(zone).year
    first_year = last_year - sizes.years + 1
    made = Made(first_year=first_year, last_year=last_year)
    start = period(first_year).start

    def done() -> None:
        db.session.flush()
        if on_chunk is not None:
            on_chunk()

    plan = current_plan()
    if plan is None:
        raise RuntimeError("load the plan first (flask plan import / flask demo load)")
    areas = list(
        db.session.scalars(
            select(FocusArea.id)
            .join(StrategicGoal, StrategicGoal.id == FocusArea.goal_id)
            .where(StrategicGoal.plan_id == plan.id)
        )
    )
    departments = list(
        db.session.execute(
            select(Department.id, Department.code)
            .where(Department.is_active.is_(True))
            .order_by(Department.position, Department.id)
        )
    )[:5]
    if not areas or not departments:
        raise RuntimeError("the plan has no focus areas or no departments")
    staff = {
        dep_id: user_id
        for (dep_id, code), user_id in zip(
            departments,
            _insert(
                User.__table__,
                [
                    {
                        "email": f"synthetic-{code}-{sizes.seed}@example.fi",
                        "name": f"Synthetic staff {code}",
                        "role": Role.STAFF.value,
                        "department_id": dep_id,
                    }
                    for dep_id, code in departments
                ],
                returning=True,
            ),
            strict=True,
        )
    }

    engagements = _make_engagements(rng, sizes, made, areas, departments, staff, start, now)
    done()
    _make_questionnaires(sizes, made, engagements)
    done()
    _make_submissions(rng, sizes, made, engagements, zone, on_chunk=done, chunk=chunk)
    _make_posts(rng, sizes, made, engagements, staff, now)
    done()
    _make_offline(rng, made, engagements)
    _make_subscriptions(rng, made, engagements)
    _make_population(made)
    done()
    return made


def _make_engagements(
    rng: random.Random,
    sizes: Sizes,
    made: Made,
    areas: list[int],
    departments: list[Any],
    staff: dict[int, int],
    start: datetime,
    now: datetime,
) -> list[_Engagement]:
    """Published surveys and EVA hearings in time order, with focus areas and assessments."""
    specs = []
    public_ids: set[str] = set()
    for _ in range(sizes.engagements):
        length = timedelta(days=rng.randint(14, 56), hours=rng.randint(0, 23))
        latest = max(start, now - length)
        opens_at = start + (latest - start) * rng.random()
        specs.append((opens_at.replace(microsecond=0), length))
    specs.sort()
    rows, extras = [], []
    for number, (opens_at, length) in enumerate(specs, 1):
        kind = Kind.EVA if rng.random() < EVA_SHARE else Kind.SURVEY
        dep_id, _code = rng.choice(departments)
        languages = rng.choices(
            [langs for langs, _w in LANGUAGE_SETS], [w for _l, w in LANGUAGE_SETS]
        )[0]
        closes_at = opens_at + length
        topic = rng.choice(EVA_TOPICS if kind == Kind.EVA else TOPICS)
        year = opens_at.year
        title = tuple(f"{text} {year} ({number})" for text in topic)
        outcome_at = None
        if rng.random() < OUTCOME_SHARE:
            moment = closes_at + timedelta(days=rng.randint(14, 120))
            outcome_at = moment if moment < now else None
        created_at = opens_at - timedelta(days=rng.randint(3, 30))
        rows.append(
            {
                "public_id": _unique(public_ids, lambda: _random_string(rng, _ID_ALPHABET, 10)),
                "kind": kind.value,
                "department_id": dep_id,
                "title": _texts(title, languages),
                "summary": _texts(
                    ("Kerro mielipiteesi.", "Säg vad du tycker.", "Tell us what you think."),
                    languages,
                ),
                "languages": list(languages),
                "status": Status.PUBLISHED.value,
                "opens_at": opens_at,
                "closes_at": closes_at,
                "audience": "link" if rng.random() < 0.05 else "public",
                "outcome": _texts(
                    ("Palautteen perusteella…", "Utifrån responsen…", "Based on what you said…"),
                    languages,
                )
                if outcome_at
                else {},
                "decision_ref": f"§ {rng.randint(1, 300)}/{year}" if outcome_at else None,
                "outcome_published_at": outcome_at,
                "results_published_at": closes_at + timedelta(days=7)
                if rng.random() < 0.3 and closes_at + timedelta(days=7) < now
                else None,
                "created_by_id": staff[dep_id],
                "created_at": created_at,
                "updated_at": created_at,
            }
        )
        extras.append((kind, dep_id, languages, opens_at, closes_at, outcome_at))
    ids = _insert(Engagement.__table__, rows, returning=True)
    made.engagements = len(ids)
    made.kinds = Counter(row["kind"] for row in rows)

    links, assessments, result = [], [], []
    for engagement_id, (kind, dep_id, languages, opens_at, closes_at, outcome_at) in zip(
        ids, extras, strict=True
    ):
        for area_id in rng.sample(areas, min(len(areas), rng.choice((1, 1, 2, 2, 3)))):
            links.append({"engagement_id": engagement_id, "focus_area_id": area_id})
        if kind == Kind.EVA:
            assessments.append(
                {
                    "engagement_id": engagement_id,
                    "triggers": ["residents", rng.choice(("service_network", "cost"))],
                    "screened_at": opens_at - timedelta(days=rng.randint(20, 60)),
                    "screened_by_id": staff[dep_id],
                    "decided_at": outcome_at,
                    "decision_body": "Kaupunginhallitus" if outcome_at else None,
                }
            )
        result.append(
            _Engagement(
                id=engagement_id,
                questionnaire_id=0,
                department_id=dep_id,
                staff_id=staff[dep_id],
                kind=kind.value,
                languages=languages,
                opens_at=opens_at,
                closes_at=closes_at,
                outcome_at=outcome_at,
            )
        )
    _insert(engagement_focus_areas, links)
    _insert(Assessment.__table__, assessments)
    return result


def _make_questionnaires(sizes: Sizes, made: Made, engagements: list[_Engagement]) -> None:
    """One questionnaire a page of single-choice questions (options a–e) for each engagement."""
    questionnaire_ids = _insert(
        Questionnaire.__table__,
        [{"engagement_id": e.id} for e in engagements],
        returning=True,
    )
    page_ids = _insert(
        QuestionnairePage.__table__,
        [
            {"questionnaire_id": q_id, "code": "p1", "position": 0, "title": {"fi": "Kysymykset"}}
            for q_id in questionnaire_ids
        ],
        returning=True,
    )
    count = sizes.questions
    question_rows = [
        {
            "questionnaire_id": q_id,
            "page_id": page_id,
            "code": f"q{n:02d}",
            "type": "single_choice",
            "position": n - 1,
            "is_required": n == 1,
            "text": {"fi": f"Kysymys {n}", "sv": f"Fråga {n}", "en": f"Question {n}"},
            "settings": {},
        }
        for q_id, page_id in zip(questionnaire_ids, page_ids, strict=True)
        for n in range(1, count + 1)
    ]
    question_ids = _insert(Question.__table__, question_rows, returning=True)
    labels = ("Hyvin", "Melko hyvin", "Ei hyvin eikä huonosti", "Melko huonosti", "Huonosti")
    _insert(
        QuestionOption.__table__,
        [
            {
                "question_id": question_id,
                "role": "option",
                "code": code,
                "position": position,
                "label": {"fi": label},
            }
            for question_id in question_ids
            for position, (code, label) in enumerate(zip(OPTION_CODES, labels, strict=True))
        ],
    )
    made.questions = len(question_ids)
    for index, (engagement, q_id) in enumerate(zip(engagements, questionnaire_ids, strict=True)):
        engagements[index] = replace(
            engagement,
            questionnaire_id=q_id,
            question_ids=tuple(question_ids[index * count : (index + 1) * count]),
        )


def _make_submissions(
    rng: random.Random,
    sizes: Sizes,
    made: Made,
    engagements: list[_Engagement],
    zone: ZoneInfo,
    on_chunk: Callable[[], None],
    chunk: int,
) -> None:
    """Responses in time order, a chunk at a time, each with its answers."""
    # Most engagements get a few dozen or hundred responses, a few city-wide ones thousands;
    # hearings get fewer than surveys.
    weights = [
        rng.lognormvariate(0, 1.0) * (0.5 if e.kind == Kind.EVA else 1.0) for e in engagements
    ]
    counts = _spread(rng, sizes.submissions, weights)
    moments: list[tuple[datetime, int]] = []
    for index, (engagement, count) in enumerate(zip(engagements, counts, strict=True)):
        span = engagement.closes_at - engagement.opens_at
        # Most answers come in the first days after opening and the reminder.
        moments += [
            (engagement.opens_at + span * (rng.random() ** 1.6), index) for _ in range(count)
        ]
    moments.sort()
    per_submission = sizes.answers // sizes.submissions if sizes.submissions else 0
    extra = set(rng.sample(range(sizes.submissions), sizes.answers % sizes.submissions or 0))
    area_codes = [code for code, _label in background.options("area")]
    # Central areas are home to more people, and more respondents.
    area_weights = [max(1, 12 - 2 * i) for i in range(len(area_codes))]
    age_codes = list(AGE_WEIGHTS)
    age_weights = list(AGE_WEIGHTS.values())
    receipts: set[str] = set()
    tokens: set[str] = set()
    table = SubmissionModel.__table__
    connection = db.session.connection()
    sql = _insert_answers_sql(connection.dialect.paramstyle)

    for first in range(0, len(moments), chunk):
        batch = moments[first : first + chunk]
        rows, answer_counts = [], []
        for offset, (moment, index) in enumerate(batch):
            engagement = engagements[index]
            channel = _weighted(rng, CHANNEL_WEIGHTS, tuple(CHANNEL_WEIGHTS))
            typed_in = channel in ("paper", "phone", "event")
            if typed_in:
                token = _unique(tokens, lambda: _random_string(rng, _TOKEN_ALPHABET, 32))
            else:
                token = _unique(tokens, lambda: _code(rng))
            demographics: dict[str, str] = {}
            if rng.random() < BACKGROUND_SHARE:
                demographics = {
                    "age": rng.choices(age_codes, age_weights)[0],
                    "area": rng.choices(area_codes, area_weights)[0],
                }
                if rng.random() < 0.1:
                    del demographics[rng.choice(("age", "area"))]
            rows.append(
                {
                    "questionnaire_id": engagement.questionnaire_id,
                    "engagement_id": engagement.id,
                    "channel": channel,
                    "locale": _weighted(rng, LOCALE_WEIGHTS, engagement.languages),
                    "receipt_code": _unique(receipts, lambda: _code(rng)),
                    "respondent_hash": None if typed_in else f"{rng.getrandbits(256):064x}",
                    "form_token": token,
                    "demographics": demographics,
                    "entered_by_id": engagement.staff_id if typed_in else None,
                    "submitted_at": moment,
                }
            )
            answer_counts.append(per_submission + (1 if first + offset in extra else 0))
            made.submissions_by_year[moment.astimezone(zone).year] += 1
        ids = _insert(table, rows, returning=True)
        codes = iter(rng.choices(OPTION_CODES, OPTION_WEIGHTS, k=sum(answer_counts)))
        answers = []
        for submission_id, (_moment, index), count in zip(ids, batch, answer_counts, strict=True):
            questions = engagements[index].question_ids
            chosen = questions if count >= len(questions) else sorted(rng.sample(questions, count))
            for question_id in chosen:
                answers.append(
                    (submission_id, question_id, next(codes), None, None, None, None, None, False)
                )
        if answers:
            _insert_answers(connection, sql, answers)
        made.submissions += len(ids)
        made.answers += len(answers)
        on_chunk()
        connection = db.session.connection()


def _make_posts(
    rng: random.Random,
    sizes: Sizes,
    made: Made,
    engagements: list[_Engagement],
    staff: dict[int, int],
    now: datetime,
) -> None:
    """Comments in the hearings' (and some surveys') discussions: threads, replies, moderation."""
    if not sizes.posts:
        return
    wanted = max(1, round(len(engagements) * DISCUSSION_SHARE))
    hearings = [e for e in engagements if e.kind == Kind.EVA]
    surveys = [e for e in engagements if e.kind != Kind.EVA]
    chosen = hearings[:wanted] + rng.sample(
        surveys, max(0, min(len(surveys), wanted - len(hearings)))
    )
    chosen.sort(key=lambda e: e.id)
    discussion_ids = _insert(
        Discussion.__table__,
        [{"engagement_id": e.id, "created_at": e.opens_at} for e in chosen],
        returning=True,
    )
    made.discussions = len(discussion_ids)
    per_discussion = _spread(rng, sizes.posts, [rng.lognormvariate(0, 0.8) for _ in chosen])
    for engagement, discussion_id, count in zip(
        chosen, discussion_ids, per_discussion, strict=True
    ):
        threads = 1 + min(4, count // 50)
        thread_rows = [
            {
                "discussion_id": discussion_id,
                # A hearing's comment thread is the city's, without a title; residents start
                # the others.
                "title": "" if n == 0 else f"{rng.choice(NICKNAMES)}: {rng.choice(TOPICS)[0]}",
                "locale": "fi",
                "author_kind": (AuthorKind.STAFF if n == 0 else AuthorKind.RESIDENT).value,
                "user_id": engagement.staff_id if n == 0 else None,
                "created_at": engagement.opens_at,
            }
            for n in range(threads)
        ]
        thread_ids = _insert(Thread.__table__, thread_rows, returning=True)
        made.threads += len(thread_ids)
        # About three posts a writer: the same nicknames come back.
        writers = [
            f"{rng.choice(NICKNAMES)}{rng.randint(1, 99)}" for _ in range(max(1, count // 3))
        ]
        span = (engagement.closes_at - engagement.opens_at).total_seconds()
        posts = []
        for _ in range(count):
            moment = engagement.opens_at + timedelta(seconds=span * rng.random())
            locale = _weighted(rng, LOCALE_WEIGHTS, engagement.languages)
            is_staff = rng.random() < 0.05
            state = PostState.VISIBLE
            roll = rng.random()
            if not is_staff and roll < 0.05:
                state = PostState.HIDDEN
            elif not is_staff and roll < 0.06:
                state = PostState.PENDING
            hidden = state == PostState.HIDDEN
            posts.append(
                {
                    "thread_id": rng.choice(thread_ids),
                    "author_kind": (AuthorKind.STAFF if is_staff else AuthorKind.RESIDENT).value,
                    "author_name": "Synthetic staff" if is_staff else rng.choice(writers),
                    "user_id": engagement.staff_id if is_staff else None,
                    "body": STAFF_REPLY[locale] if is_staff else rng.choice(COMMENTS[locale]),
                    "locale": locale,
                    "state": state.value,
                    "hidden_reason": rng.choice(HIDE_REASONS) if hidden else None,
                    "moderated_by_id": engagement.staff_id if hidden else None,
                    "moderated_at": min(now, moment + timedelta(hours=6)) if hidden else None,
                    "created_at": moment,
                    "is_reply": is_staff or rng.random() < 0.25,
                }
            )
        posts.sort(key=lambda post: post["created_at"])
        # Top-level posts first (their ids are needed), then the replies to earlier ones.
        top = [post for post in posts if not post["is_reply"]] or posts[:1]
        top_ids = set(map(id, top))
        replies = [post for post in posts if id(post) not in top_ids]
        for post in posts:
            del post["is_reply"]
        parents = _insert(Post.__table__, top, returning=True)
        by_thread: dict[int, list[tuple[datetime, int]]] = {}
        for post, post_id in zip(top, parents, strict=True):
            by_thread.setdefault(post["thread_id"], []).append((post["created_at"], post_id))
        for post in replies:
            earlier = by_thread.get(post["thread_id"], [])
            before = earlier[: bisect_right(earlier, (post["created_at"], math.inf))]
            if before:
                post["parent_id"] = rng.choice(before)[1]
            else:
                post["parent_id"] = None
        _insert(Post.__table__, replies)
        made.posts += len(top) + len(replies)


def _make_offline(rng: random.Random, made: Made, engagements: list[_Engagement]) -> None:
    """Workshops, school visits and paper drives staff entered for about a tenth."""
    chosen = rng.sample(engagements, max(1, round(len(engagements) * OFFLINE_SHARE)))
    notes = ("Työpaja nuorisotalolla", "Koulukäynti", "Asukasilta", "Kirjaston info-piste")
    rows = []
    for engagement in chosen:
        days = max(0, (engagement.closes_at - engagement.opens_at).days - 1)
        for _ in range(rng.randint(1, 3)):
            rows.append(
                {
                    "engagement_id": engagement.id,
                    "held_on": (engagement.opens_at + timedelta(days=rng.randint(0, days))).date(),
                    "channel": rng.choice(OFFLINE_CHANNELS),
                    "participants": rng.randint(5, 120),
                    "language": _weighted(rng, LOCALE_WEIGHTS, engagement.languages),
                    "note": rng.choice(notes),
                    "entered_by_id": engagement.staff_id,
                    "created_at": engagement.closes_at,
                }
            )
    _insert(OfflineParticipation.__table__, rows)
    made.offline_rows = len(rows)


def _make_subscriptions(rng: random.Random, made: Made, engagements: list[_Engagement]) -> None:
    """E-mail addresses waiting for the outcome; told when it was published."""
    rows = []
    for engagement in engagements:
        if rng.random() >= 0.3:
            continue
        for n in range(rng.randint(1, 40)):
            rows.append(
                {
                    "engagement_id": engagement.id,
                    "email": f"asukas{engagement.id}-{n}@example.fi",
                    "locale": _weighted(rng, LOCALE_WEIGHTS, engagement.languages),
                    "created_at": engagement.opens_at
                    + (engagement.closes_at - engagement.opens_at) * rng.random(),
                    "notified_at": engagement.outcome_at,
                }
            )
    _insert(OutcomeSubscription.__table__, rows)
    made.subscriptions = len(rows)


def _make_population(made: Made) -> None:
    """The demo population table (:func:`population.load_demo`), unless there is one already."""
    if population.load_demo():
        made.population_rows = _count_rows(PopulationGroup)


def _count_rows(model: Any) -> int:
    return db.session.scalar(select(func.count()).select_from(model)) or 0
