"""Survey results as typed, template-ready data: counts and shares per question, in one language.

:func:`survey_results` is the one entry point (the staff page, the residents' page and the
benchmark call it). A handful of grouped queries (:mod:`queries`, :mod:`frames`) count the answers
on codes into a tally, which the process keeps and brings up to date by counting only responses
that came in since (counting a big survey from scratch, it runs its two heaviest queries on two
connections at once); pure functions (:mod:`aggregations`) reshape it, and only then are the labels
of the viewer's language added. Who was shown a conditional question is read off the counts when its
condition is one rule, and worked out per response in SQL otherwise. On the residents' page
(``public=True``) groups smaller than the engagement's ``min_group_size`` are suppressed and no
filter is applied.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterator, Mapping
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any, TypeVar

import pandas as pd
from flask import current_app
from flask_babel import force_locale, format_decimal
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy.pool import SingletonThreadPool, StaticPool
from werkzeug.datastructures import MultiDict

from app.engagements import background
from app.engagements.models import Engagement
from app.extensions import db
from app.i18n import LOCALES, city_zone, tr, tr_lang
from app.questionnaires import aggregations as agg
from app.questionnaires import frames, queries
from app.questionnaires.definition import Definition, definition
from app.questionnaires.queries import BAND_KEYS, ResultFilters, submission_where
from app.questionnaires.services import CHANNELS, questionnaire_of
from app.questionnaires.spec import QuestionSpec

__all__ = ["ResultFilters", "SurveyResults", "parse_filters", "survey_results", "text_page"]

_T = TypeVar("_T")

#: How each question type is reported.
KINDS = {
    "single_choice": "choice",
    "area": "choice",
    "yes_no": "choice",
    "consent": "consent",
    "multiple_choice": "multiple",
    "scale": "scale",
    "rating": "scale",
    "number": "number",
    "matrix": "matrix",
    "ranking": "ranking",
    "date": "date",
    "short_text": "text",
    "long_text": "text",
}

CHANNEL_LABELS = {
    "web": _l("Online"),
    "paper": _l("Paper form"),
    "event": _l("At an event"),
    "phone": _l("By phone"),
    "kiosk": _l("Kiosk"),
}

LANGUAGE_LABELS = {"fi": _l("Finnish"), "sv": _l("Swedish"), "en": _l("English")}

#: Written answers shown under a text question on the results page; the rest are paged.
TEXT_PREVIEW = 5
TEXT_PAGE_SIZE = 25
#: A number question with more distinct answers than this is shown in ranges.
MAX_DISTINCT_VALUES = 12


# --- the typed results ---------------------------------------------------------------------


@dataclass(frozen=True)
class Bar:
    """One line of a question's results: an option, a scale point or a range of numbers."""

    code: str
    label: str
    #: The label's language when it is not the page's (a missing translation).
    lang: str | None
    #: None when suppressed (a group smaller than the minimum on the residents' page).
    count: int | None
    #: Fraction of the question's base; None for "can't say" and suppressed counts.
    share: float | None
    suppressed: bool = False
    #: Suppressed although not small: it would give away a small count by subtraction.
    withheld: bool = False
    is_cant_say: bool = False
    is_other: bool = False


@dataclass(frozen=True)
class Stats:
    n: int
    mean: float | None
    median: float | None
    #: Left out on the residents' page: the smallest and largest answer are one person's each.
    minimum: float | None = None
    maximum: float | None = None


@dataclass(frozen=True)
class MatrixRow:
    code: str
    label: str
    lang: str | None
    answered: int
    cant_say: int | None
    base: int
    #: One cell per scale point, then the "can't say" options.
    cells: list[Bar]
    mean: float | None
    suppressed: bool = False


@dataclass(frozen=True)
class RankItem:
    code: str
    label: str
    lang: str | None
    #: Respondents who gave this option a rank.
    ranked: int | None
    mean_rank: float | None
    first: int | None
    #: Share of the question's respondents who put this option first.
    first_share: float | None
    suppressed: bool = False


@dataclass(frozen=True)
class TextAnswer:
    id: int
    text: str
    #: The language the response was given in (for the lang attribute).
    lang: str
    option_code: str | None = None
    submitted_at: datetime | None = None
    channel: str | None = None
    is_hidden: bool = False
    redacted_text: str | None = None


@dataclass
class QuestionResult:
    number: int
    code: str
    type: str
    kind: str
    text: str
    lang: str | None
    #: Responses that were shown the question (its display conditions held).
    shown: int
    answered: int
    cant_say: int
    #: What shares are of: answered minus "can't say" (for consent: the responses shown).
    base: int
    #: Residents' page: fewer than the minimum answered, so no figures are shown.
    suppressed: bool = False
    has_cant_say: bool = False
    bars: list[Bar] = field(default_factory=list)
    stats: Stats | None = None
    #: Scale points as column headings of a matrix.
    points: list[str] = field(default_factory=list)
    matrix: list[MatrixRow] = field(default_factory=list)
    ranking: list[RankItem] = field(default_factory=list)
    first_date: date | None = None
    last_date: date | None = None
    #: Written answers (text questions and "other, please specify" boxes).
    text_count: int = 0
    texts: list[TextAnswer] = field(default_factory=list)
    #: The number answers are shown in ranges (too many distinct values to list).
    binned: bool = False


@dataclass(frozen=True)
class Choice:
    """One value a filter can take, with the responses that have it (all, not filtered)."""

    value: str
    label: str
    count: int


@dataclass(frozen=True)
class Facet:
    #: The query argument: channel, language, age, area or gender.
    name: str
    label: str
    choices: list[Choice]
    selected: str | None


@dataclass(frozen=True)
class Period:
    start: date
    count: int
    #: Length of the bar: fraction of the busiest period.
    fraction: float


@dataclass
class SurveyResults:
    public_id: str
    public: bool
    locale: str
    filters: ResultFilters
    #: Responses counted (after the filters).
    total: int
    #: All responses to the survey.
    overall: int
    min_group_size: int
    #: Residents' page: fewer responses than the minimum, so nothing is shown.
    suppressed: bool = False
    questions: list[QuestionResult] = field(default_factory=list)
    facets: list[Facet] = field(default_factory=list)
    #: "day" or "week".
    period: str = "day"
    timeline: list[Period] = field(default_factory=list)


@dataclass
class TextPage:
    number: int
    code: str
    text: str
    lang: str | None
    items: list[TextAnswer]
    total: int
    page: int
    pages: int

    @property
    def start(self) -> int:
        """The running number of the first answer on this page."""
        return (self.page - 1) * TEXT_PAGE_SIZE + 1


# --- filters -------------------------------------------------------------------------------


def parse_filters(args: MultiDict | Mapping[str, str]) -> ResultFilters:
    """Filters from the query string; unknown or malformed values are ignored, not errors."""

    def value(name: str) -> str | None:
        raw = (args.get(name) or "").strip()
        return raw if raw and len(raw) <= 40 else None

    channel = value("channel")
    locale = value("language")
    bands = tuple((key, band) for key in BAND_KEYS if (band := value(key)))
    return ResultFilters(
        channel=channel if channel in CHANNELS else None,
        locale=locale if locale in LOCALES else None,
        bands=bands,
    )


def _facets(tally: frames.Tally, filters: ResultFilters) -> list[Facet]:
    specs: list[tuple[str, str, str, Any]] = [
        ("channel", "channel", _("Channel"), lambda code: str(CHANNEL_LABELS.get(code, code))),
        (
            "language",
            "locale",
            _("Language of the answers"),
            lambda code: str(LANGUAGE_LABELS.get(code, code)),
        ),
    ]
    specs += [
        (
            key,
            key,
            background.question_label(key),
            lambda code, key=key: background.label(key, code),
        )
        for key in BAND_KEYS
    ]
    selected = {"channel": filters.channel, "language": filters.locale, **dict(filters.bands)}
    facets = []
    for name, column, label, labeller in specs:
        values = agg.facet_values(tally.facets, column)
        choices = [
            Choice(row.value, labeller(row.value), int(row.n)) for row in values.itertuples()
        ]
        facets.append(Facet(name, label, choices, selected.get(name)))
    return facets


def _timeline(hours: pd.DataFrame) -> tuple[str, list[Period]]:
    timezone = city_zone().key
    utc = pd.DataFrame(
        {"hour": pd.to_datetime(hours["hour"], format="%Y-%m-%d %H", utc=True), "n": hours["n"]}
    )
    period, frame = agg.responses_by_period(utc, timezone)
    busiest = int(frame["n"].max()) if not frame.empty else 0
    return period, [
        Period(row.start, int(row.n), row.n / busiest if busiest else 0.0)
        for row in frame.itertuples()
    ]


def _label(value: Mapping[str, str] | None, locale: str) -> tuple[str, str | None]:
    picked = tr_lang(value, locale)
    return tr(value, locale), (picked if picked and picked != locale else None)


def _nan_to_none(value: Any) -> float | None:
    if value is None:
        return None
    value = float(value)
    return None if math.isnan(value) else value


class _Builder:
    """Turns a survey's tally into QuestionResults (labels added last)."""

    def __init__(
        self,
        spec: Definition,
        tally: frames.Tally,
        totals: pd.DataFrame,
        shown: dict[str, int],
        hidden: pd.DataFrame | None,
        locale: str,
        minimum: int,
    ) -> None:
        self.spec = spec
        self.locale = locale
        #: 0 on the staff page: nothing is suppressed.
        self.minimum = minimum
        self.total = tally.total
        self.shown = shown
        self.counts = tally.counts
        self.hidden = hidden
        self.choices = agg.choice_counts(tally.counts)
        self.values = pd.concat(
            [agg.point_counts(tally.counts), agg.number_counts(tally.values)], ignore_index=True
        )
        self.summary = agg.value_summary(self.values)
        self.ranks = agg.rank_summary(tally.counts)
        self.dates = agg.date_summary(tally.values)
        #: answered / cant_say / base, indexed by question id.
        self.totals = totals

    # helpers ----------------------------------------------------------------------------

    def _of(self, frame: pd.DataFrame, question_id: int) -> pd.DataFrame:
        return frame[frame["question_id"] == question_id]

    def _bars(
        self,
        items: list[tuple[str, str, str | None, int, bool, bool]],
        base: int,
        exclusive: bool,
    ) -> list[Bar]:
        """Bars from (code, label, lang, count, is_cant_say, is_other), suppressed if public."""
        counts = pd.Series([item[3] for item in items], dtype="int64")
        hidden = (
            agg.suppression_mask(counts, self.minimum, complementary=exclusive)
            if self.minimum
            else pd.Series(False, index=counts.index)
        )
        shares = agg.shares(counts, base)
        bars = []
        for index, (code, label, lang, count, cant, other) in enumerate(items):
            suppressed = bool(hidden.iloc[index])
            withheld = suppressed and count >= self.minimum
            share = None if cant or suppressed else _nan_to_none(shares.iloc[index])
            bars.append(
                Bar(
                    code=code,
                    label=label,
                    lang=lang,
                    count=None if suppressed else count,
                    share=share,
                    suppressed=suppressed,
                    withheld=withheld,
                    is_cant_say=cant,
                    is_other=other,
                )
            )
        return bars

    def _option_items(
        self, question: QuestionSpec, found: Mapping[str, int]
    ) -> list[tuple[str, str, str | None, int, bool, bool]]:
        items = []
        if question.type == "yes_no":
            items += [("yes", _("Yes"), None, found.get("yes", 0), False, False)]
            items += [("no", _("No"), None, found.get("no", 0), False, False)]
        known = {item[0] for item in items}
        for option in question.options:
            label, lang = _label(option.label, self.locale)
            items.append(
                (
                    option.code,
                    label,
                    lang,
                    found.get(option.code, 0),
                    option.is_cant_say,
                    option.is_other,
                )
            )
            known.add(option.code)
        # Codes of options removed since (should not happen: deleting is refused once answered).
        items += [
            (code, code, None, n, False, False) for code, n in found.items() if code not in known
        ]
        return items

    def _point_items(
        self, question: QuestionSpec, values: Mapping[float, int], low: int, high: int
    ) -> list[tuple[str, str, str | None, int, bool, bool]]:
        settings = question.settings
        items = []
        for point in range(low, high + 1):
            label = str(point)
            end = settings.get("low_label") if point == low else None
            end = settings.get("high_label") if point == high else end
            if end:
                label = f"{point} – {tr(end, self.locale)}"
            items.append((str(point), label, None, values.get(float(point), 0), False, False))
        return items

    def _cant_say_items(
        self, question: QuestionSpec, found: Mapping[str, int]
    ) -> list[tuple[str, str, str | None, int, bool, bool]]:
        items = []
        for option in question.options:
            if option.is_cant_say:
                label, lang = _label(option.label, self.locale)
                items.append((option.code, label, lang, found.get(option.code, 0), True, False))
        return items

    def _written(self, question: QuestionSpec, question_id: int) -> int:
        """Written answers: a text question's answers, or the "other" answers of a choice.

        Every answer row of a text question and of an "other" option carries its text, so the
        counts count them; the residents' page leaves out the hidden ones.
        """
        if KINDS[question.type] == "text":
            codes = {""}
        else:
            codes = {o.code for o in question.options if o.is_other}
            if not codes:
                return 0
        rows = self._of(self.counts, question_id)
        written = int(rows.loc[rows["option_code"].isin(codes), "n"].sum())
        if self.hidden is not None:
            hidden = self._of(self.hidden, question_id)
            written -= int(hidden.loc[hidden["option_code"].isin(codes), "hidden"].sum())
        return max(written, 0)

    def _stats(self, question_id: int, row_code: str = "") -> Stats | None:
        rows = self.summary[
            (self.summary["question_id"] == question_id) & (self.summary["row_code"] == row_code)
        ]
        if rows.empty:
            return None
        row = rows.iloc[0]
        if self.minimum and int(row["n"]) < self.minimum:
            return None
        public = bool(self.minimum)
        return Stats(
            n=int(row["n"]),
            mean=_nan_to_none(row["mean"]),
            median=_nan_to_none(row["median"]),
            minimum=None if public else _nan_to_none(row["minimum"]),
            maximum=None if public else _nan_to_none(row["maximum"]),
        )

    # the question -------------------------------------------------------------------------

    def question(self, number: int, question: QuestionSpec) -> QuestionResult:
        question_id = self.spec.question_ids[question.code]
        kind = KINDS[question.type]
        totals = self.totals.loc[question_id] if question_id in self.totals.index else None
        answered = int(totals["answered"]) if totals is not None else 0
        cant_say = int(totals["cant_say"]) if totals is not None else 0
        base = int(totals["base"]) if totals is not None else 0
        shown = max(self.shown.get(question.code, self.total), answered)
        text, lang = _label(question.text, self.locale)
        text_count = self._written(question, question_id)
        result = QuestionResult(
            number=number,
            code=question.code,
            type=question.type,
            kind=kind,
            text=text,
            lang=lang,
            shown=shown,
            answered=answered,
            cant_say=cant_say,
            base=shown if kind == "consent" else base,
            has_cant_say=any(o.is_cant_say for o in question.options),
            text_count=text_count,
        )
        if self.minimum and answered < self.minimum:
            result.suppressed = True
            result.text_count = 0
            return result
        found = self._of(self.choices, question_id)
        found = dict(zip(found["option_code"], found["n"], strict=True)) if kind != "matrix" else {}
        values = self._of(self.values, question_id)
        if kind in ("choice", "multiple"):
            result.bars = self._bars(
                self._option_items(question, found), base, exclusive=kind == "choice"
            )
        elif kind == "consent":
            items = [
                ("yes", _("Ticked the box"), None, answered, False, False),
                ("no", _("Did not tick the box"), None, max(shown - answered, 0), False, False),
            ]
            result.bars = self._bars(items, shown, exclusive=True)
        elif kind == "scale":
            low, high = (
                (0, 10)
                if question.type == "rating"
                else (1, int(question.settings.get("points", 5)))
            )
            by_value = dict(zip(values["value"], values["n"], strict=True))
            items = self._point_items(question, by_value, low, high)
            items += self._cant_say_items(question, found)
            result.bars = self._bars(items, base, exclusive=True)
            result.stats = self._stats(question_id)
        elif kind == "number":
            result.stats = self._stats(question_id)
            result.bars, result.binned = self._number_bars(values, base)
        elif kind == "matrix":
            self._matrix(result, question, question_id)
        elif kind == "ranking":
            self._ranking(result, question, question_id)
        elif kind == "date":
            dated = self._of(self.dates, question_id)
            if not dated.empty and not self.minimum:
                result.first_date = dated.iloc[0]["first"]
                result.last_date = dated.iloc[0]["last"]
        return result

    def _number_bars(self, values: pd.DataFrame, base: int) -> tuple[list[Bar], bool]:
        if len(values) <= MAX_DISTINCT_VALUES:
            items = [
                (f"{row.value:g}", _format_number(row.value), None, int(row.n), False, False)
                for row in values.itertuples()
            ]
            return self._bars(items, base, exclusive=True), False
        ranges = agg.bins(values[["value", "n"]])
        items = []
        for row in ranges.itertuples():
            low, high = _format_number(row.low), _format_number(row.high)
            items.append((f"{row.low:g}", f"{low}–{high}", None, int(row.n), False, False))
        return self._bars(items, base, exclusive=True), True

    def _matrix(self, result: QuestionResult, question: QuestionSpec, question_id: int) -> None:
        points = int(question.settings.get("points", 5))
        result.points = [str(point) for point in range(1, points + 1)]
        values = self._of(self.values, question_id)
        choices = self._of(self.choices, question_id)
        for row in question.rows:
            label, lang = _label(row.label, self.locale)
            row_values = values[values["row_code"] == row.code]
            by_value = dict(zip(row_values["value"], row_values["n"], strict=True))
            row_choices = choices[choices["row_code"] == row.code]
            found = dict(zip(row_choices["option_code"], row_choices["n"], strict=True))
            items = self._point_items(question, by_value, 1, points)
            items = [
                (code, code, None, n, cant, other) for code, _label_, _l, n, cant, other in items
            ]
            items += self._cant_say_items(question, found)
            answered = sum(item[3] for item in items)
            cant = sum(item[3] for item in items if item[4])
            base = answered - cant
            suppressed = bool(self.minimum) and answered < self.minimum
            cells = [] if suppressed else self._bars(items, base, exclusive=True)
            stats = None if suppressed else self._stats(question_id, row.code)
            result.matrix.append(
                MatrixRow(
                    code=row.code,
                    label=label,
                    lang=lang,
                    answered=answered,
                    cant_say=cant,
                    base=base,
                    cells=cells,
                    mean=stats.mean if stats else None,
                    suppressed=suppressed,
                )
            )

    def _ranking(self, result: QuestionResult, question: QuestionSpec, question_id: int) -> None:
        ranks = self._of(self.ranks, question_id).set_index("option_code")
        for option in question.options:
            label, lang = _label(option.label, self.locale)
            if option.code in ranks.index:
                row = ranks.loc[option.code]
                ranked, mean_rank, first = (
                    int(row["ranked"]),
                    float(row["mean_rank"]),
                    int(row["first"]),
                )
            else:
                ranked, mean_rank, first = 0, None, 0
            small_ranked = bool(self.minimum) and 0 < ranked < self.minimum
            small_first = bool(self.minimum) and 0 < first < self.minimum
            share = first / result.answered if result.answered else None
            result.ranking.append(
                RankItem(
                    code=option.code,
                    label=label,
                    lang=lang,
                    ranked=None if small_ranked else ranked,
                    mean_rank=None if small_ranked else mean_rank,
                    first=None if small_first else first,
                    first_share=None if small_first else share,
                    suppressed=small_ranked or small_first,
                )
            )


def _format_number(value: float) -> str:
    return format_decimal(value, format="#,##0.##")


# --- what to count, and who was shown what ---------------------------------------------------

#: Types whose answer is one value, so a condition on it can be read off the counts.
SINGLE_VALUED = frozenset(
    {"single_choice", "area", "yes_no", "consent", "scale", "rating", "number", "date"}
)
#: Types whose values are scale points (whole numbers counted with the options).
POINT_TYPES = frozenset({"scale", "rating", "matrix"})
#: Types counted per distinct value.
VALUE_TYPES = frozenset({"number", "date"})


@dataclass(frozen=True)
class _Plan:
    """Which question ids each query counts, worked out once from the questionnaire."""

    questions: tuple[QuestionSpec, ...]
    count_ids: tuple[int, ...]
    point_ids: tuple[int, ...]
    value_ids: tuple[int, ...]
    #: Multiple choice and matrix: respondents need a COUNT DISTINCT.
    multi_ids: tuple[int, ...]
    cant_say: dict[int, tuple[str, ...]]
    #: Question code → (referenced question, rule) for conditions read off the counts.
    derived: dict[str, tuple[QuestionSpec, dict]]
    #: Conditional questions whose showing SQL works out per response.
    in_sql: tuple[str, ...]
    #: Questions with written answers (text questions and choices with "other").
    written_ids: tuple[int, ...]


def _derivable(rule: Mapping, target: QuestionSpec | None) -> bool:
    """A one-rule condition that the grouped counts answer without looking at each response."""
    if target is None or not isinstance(rule, Mapping):
        return False
    op = rule.get("op")
    if op in ("answered", "not_answered"):
        return True
    if op in ("greater_than", "less_than"):
        return target.type in ("scale", "rating", "number")
    if op == "one_of":
        return target.type in SINGLE_VALUED and isinstance(rule.get("value"), list)
    if op == "equals":
        # One row per chosen option, so an option's count is its respondents.
        return target.type in SINGLE_VALUED | {"multiple_choice", "ranking"}
    return False


def _plan(spec: Definition) -> _Plan:
    questions = tuple(q for q in spec.questions() if q.type in KINDS)
    ids = spec.question_ids
    by_code = {q.code: q for q in spec.questions()}
    derived: dict[str, tuple[QuestionSpec, dict]] = {}
    in_sql: list[str] = []
    for page in spec.pages:
        for question in page.questions:
            if question.type not in KINDS:
                continue
            conditions = [c for c in (page.condition, question.condition) if c]
            if not conditions:
                continue
            rules = conditions[0].get("rules") or []
            if len(conditions) == 1 and len(rules) == 1:
                target = by_code.get(rules[0].get("question"))
                if _derivable(rules[0], target):
                    derived[question.code] = (target, dict(rules[0]))
                    continue
            in_sql.append(question.code)
    return _Plan(
        questions=questions,
        count_ids=tuple(ids[q.code] for q in questions if q.type not in VALUE_TYPES),
        point_ids=tuple(ids[q.code] for q in questions if q.type in POINT_TYPES),
        value_ids=tuple(ids[q.code] for q in questions if q.type in VALUE_TYPES),
        multi_ids=tuple(ids[q.code] for q in questions if q.type in ("multiple_choice", "matrix")),
        cant_say={
            ids[q.code]: tuple(o.code for o in q.options if o.is_cant_say)
            for q in questions
            if q.type in ("multiple_choice", "matrix")
        },
        derived=derived,
        in_sql=tuple(in_sql),
        written_ids=tuple(
            ids[q.code]
            for q in questions
            if KINDS[q.type] == "text" or any(o.is_other for o in q.options)
        ),
    )


def _totals(spec: Definition, tally: frames.Tally) -> pd.DataFrame:
    """answered / cant_say / base per question id, from the tally."""
    cant_say = pd.DataFrame(
        [
            (spec.question_ids[q.code], o.code)
            for q in spec.questions()
            for o in q.options
            if o.is_cant_say
        ],
        columns=["question_id", "option_code"],
    ).astype({"question_id": "int64", "option_code": "object"})
    values = tally.values.assign(option_code="")[["question_id", "option_code", "n"]]
    rows = pd.concat([tally.counts[["question_id", "option_code", "n"]], values], ignore_index=True)
    respondents = pd.concat(
        [tally.respondents, agg.ranking_respondents(tally.counts)], ignore_index=True
    )
    return agg.question_totals(rows, respondents, cant_say)


def _number_or_none(value: Any) -> float | None:
    number = queries.loose_number(value)
    return float(number) if number is not None else None


def _derived_shown(
    target: QuestionSpec, target_id: int, rule: Mapping, tally: frames.Tally, answered: int
) -> int:
    """Responses a one-rule condition holds for, read off the counts (see conditions.py)."""
    op = rule.get("op")
    if op == "answered":
        return answered
    if op == "not_answered":
        return tally.total - answered
    counts = tally.counts[tally.counts["question_id"] == target_id]
    values = tally.values[tally.values["question_id"] == target_id]
    if op in ("greater_than", "less_than"):
        limit = _number_or_none(rule.get("value"))
        if limit is None:
            return 0
        if target.type == "number":
            numbers, n = values["number"], values["n"]
        else:
            numbers, n = counts["point"].astype("Float64"), counts["n"]
        held = numbers > limit if op == "greater_than" else numbers < limit
        return int(n[held.fillna(False).astype(bool)].sum())
    wanted = [str(v) for v in (rule["value"] if op == "one_of" else [rule.get("value")])]
    if target.type == "date":
        return int(values.loc[values["date"].map(str).isin(wanted), "n"].sum())
    numbers = [float(n) for v in wanted if (n := queries.canonical_number(v)) is not None]
    if target.type == "number":
        return int(values.loc[values["number"].isin(numbers), "n"].sum())
    held = counts["option_code"].isin(wanted)
    if target.type in ("scale", "rating"):
        held |= counts["point"].astype("Float64").isin(numbers).fillna(False).astype(bool)
    return int(counts.loc[held, "n"].sum())


def _shown(
    spec: Definition, plan: _Plan, tally: frames.Tally, totals: pd.DataFrame
) -> dict[str, int]:
    shown = dict(tally.shown)
    answered = totals["answered"] if "answered" in totals else pd.Series(dtype="int64")
    for code, (target, rule) in plan.derived.items():
        target_id = spec.question_ids[target.code]
        count = int(answered.get(target_id, 0))
        shown[code] = _derived_shown(target, target_id, rule, tally, count)
    return shown


# --- the entry points ----------------------------------------------------------------------


def _spec(engagement: Engagement) -> Definition:
    questionnaire = questionnaire_of(engagement)
    return definition(questionnaire.id, questionnaire.version)


def _reported(spec: Definition) -> list[QuestionSpec]:
    return [q for q in spec.questions() if q.type in KINDS]


#: A count of all responses from this many on runs its two heaviest queries side by side.
COUNT_APART_FROM = 10_000


def _count_apart(engagement: Engagement, bounds: queries.Bounds) -> bool:
    """Whether to count on a second connection: a whole count of a big survey, on a database that
    other connections share (not an in-memory SQLite), with nothing unsaved in the session.

    The session is committed first (it holds nothing of the view's own: a results view only
    reads, and keeps its tally with a commit anyway), so the other connection sees what it sees.
    """
    since, _until = bounds
    session = db.session
    if since is not None or session.new or session.dirty or session.deleted:
        return False
    if isinstance(db.engine.pool, StaticPool | SingletonThreadPool):
        return False
    responses, _newest = session.execute(queries.fingerprint(engagement.id)).one()
    if int(responses or 0) < COUNT_APART_FROM:
        return False
    session.commit()
    return True


@contextmanager
def _meanwhile(work: Callable[[], _T], apart: bool) -> Iterator[Callable[[], _T]]:
    """Yields a function that gives ``work()``'s result: started at once in another thread, on
    its own session and connection, when ``apart``, else run when asked.

    The database does the counting (SQLite and psycopg release the GIL meanwhile), so two counts
    take the time of the longer one on a machine with two cores. Every count is bounded by
    submission id, so the two connections count the same responses.
    """
    if not apart:
        yield work
        return
    app = current_app._get_current_object()  # type: ignore[attr-defined]

    def run() -> _T:
        with app.app_context():
            return work()

    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="results-count") as pool:
        yield pool.submit(run).result


def _tally(
    engagement: Engagement, spec: Definition, plan: _Plan, filters: ResultFilters
) -> frames.Tally:
    """The counts of the filtered responses, from the process cache when nothing changed."""
    where = submission_where(engagement.id, filters)
    # The answers need the submissions joined only to filter: question ids imply the engagement.
    answer_where = where if filters.active else None

    def count(bounds: queries.Bounds) -> frames.Tally:
        def respondents() -> pd.DataFrame:
            return frames.respondent_counts(plan.multi_ids, plan.cant_say, answer_where, bounds)

        # The two heaviest counts read the same answers index; on a big survey they run on two
        # connections at once (see _meanwhile).
        with _meanwhile(respondents, _count_apart(engagement, bounds)) as respondent_counts:
            total, shown = frames.shown_counts(
                spec.pages, spec.question_ids, plan.in_sql, where, bounds
            )
            return frames.Tally(
                total=total,
                counts=frames.answer_counts(plan.count_ids, plan.point_ids, answer_where, bounds),
                values=frames.value_counts(plan.value_ids, answer_where, bounds),
                respondents=respondent_counts(),
                shown=shown,
                hours=frames.responses_by_hour(where, bounds),
            )

    key = ("survey", engagement.id, spec.version, filters)
    # All responses (the first view, and residents' page) are also kept in the database.
    stored = None if filters.active else f"survey:{engagement.id}:v{spec.version}"
    return frames.tally_cache().get(key, engagement.id, count, stored)


def _facet_tally(engagement: Engagement) -> frames.Tally:
    def count(bounds: queries.Bounds) -> frames.Tally:
        facets = frames.facets(engagement.id, bounds)
        return frames.Tally(total=int(facets["n"].sum()), facets=facets)

    key = ("facets", engagement.id)
    return frames.tally_cache().get(key, engagement.id, count, f"facets:{engagement.id}")


def survey_results(
    engagement: Engagement,
    filters: ResultFilters | None = None,
    locale: str = "fi",
    public: bool = False,
) -> SurveyResults:
    """Every question's counts and shares, with labels in ``locale``.

    Staff (``public=False``) see everything for the responses matching ``filters``. Residents
    (``public=True``) see all responses, no filters, no timeline, hidden free text left out, and
    every group smaller than ``engagement.min_group_size`` suppressed.
    """
    filters = ResultFilters() if public or filters is None else filters
    minimum = max(int(engagement.min_group_size or 0), 1) if public else 0
    spec = _spec(engagement)
    plan = _plan(spec)
    tally = _tally(engagement, spec, plan, filters)
    facet_tally = None if public else _facet_tally(engagement)
    results = SurveyResults(
        public_id=engagement.public_id,
        public=public,
        locale=locale,
        filters=filters,
        total=tally.total,
        overall=facet_tally.total if facet_tally is not None else tally.total,
        min_group_size=minimum or int(engagement.min_group_size or 0),
    )
    if public and tally.total < minimum:
        results.suppressed = True
        return results
    hidden = frames.hidden_counts(plan.written_ids) if public else None
    with force_locale(locale):
        totals = _totals(spec, tally).set_index("question_id")
        shown = _shown(spec, plan, tally, totals)
        builder = _Builder(spec, tally, totals, shown, hidden, locale, minimum)
        results.questions = [builder.question(n, q) for n, q in enumerate(plan.questions, start=1)]
        where = submission_where(engagement.id, filters)
        for result in results.questions:
            if result.kind == "text" and result.text_count and not result.suppressed:
                question_id = spec.question_ids[result.code]
                rows = frames.text_answers(question_id, where, public, TEXT_PREVIEW)
                result.texts = [_text_answer(row) for row in rows]
        if facet_tally is not None:
            results.facets = _facets(facet_tally, filters)
            results.period, results.timeline = _timeline(tally.hours)
    return results


def _text_answer(row: Mapping[str, Any]) -> TextAnswer:
    return TextAnswer(
        id=row["id"],
        text=row["text"],
        lang=row["locale"],
        option_code=row["option_code"],
        submitted_at=row["submitted_at"],
        channel=row["channel"],
        is_hidden=bool(row["is_hidden"]),
        redacted_text=row["redacted_text"],
    )


def text_page(
    engagement: Engagement,
    code: str,
    page: int = 1,
    filters: ResultFilters | None = None,
    locale: str = "fi",
    public: bool = False,
) -> TextPage | None:
    """One page of a question's written answers, newest first; None when there are none to show.

    On the residents' page hidden answers are left out, edited versions replace the originals,
    and nothing is shown when fewer than the minimum responded to the survey or the question.
    """
    filters = ResultFilters() if public or filters is None else filters
    spec = _spec(engagement)
    numbered = {q.code: (n, q) for n, q in enumerate(_reported(spec), start=1)}
    if code not in numbered:
        return None
    number, question = numbered[code]
    question_id = spec.question_ids[code]
    where = submission_where(engagement.id, filters)
    if public:
        minimum = max(int(engagement.min_group_size or 0), 1)
        tally = _tally(engagement, spec, _plan(spec), filters)
        answered = _totals(spec, tally).set_index("question_id")["answered"].get(question_id, 0)
        if tally.total < minimum or int(answered) < minimum:
            return None
    total = frames.text_count(question_id, where, public)
    if not total:
        return None
    pages = max(1, math.ceil(total / TEXT_PAGE_SIZE))
    page = min(max(page, 1), pages)
    offset = (page - 1) * TEXT_PAGE_SIZE
    rows = frames.text_answers(question_id, where, public, TEXT_PAGE_SIZE, offset)
    text, lang = _label(question.text, locale)
    return TextPage(number, code, text, lang, [_text_answer(r) for r in rows], total, page, pages)
