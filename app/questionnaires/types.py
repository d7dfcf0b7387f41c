"""Question types: what each accepts from a form, what it stores, and what it refuses.

Each type reads the fields named after its question (``q-<code>``, ``q-<code>-other``,
``q-<code>-<row or option code>``), and returns a :class:`Parsed`: the value the display conditions
see, the answer rows stored in long format (codes, never labels), and the problems to show. The
problems are codes with parameters; the answering page turns them into translated sentences.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from typing import Any, ClassVar, Protocol

from app.questionnaires.spec import QuestionSpec


class FormData(Protocol):
    def getlist(self, key: str) -> list[str]: ...


@dataclass(frozen=True)
class Problem:
    #: e.g. ``required``, ``not_a_number``, ``too_small``, ``too_many_choices``.
    code: str
    params: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class AnswerRow:
    """One row of the ``answers`` table (long format)."""

    question: str
    option: str | None = None
    text: str | None = None
    number: Decimal | None = None
    date: date | None = None
    row: str | None = None
    rank: int | None = None


@dataclass
class Parsed:
    #: What conditions compare: None when unanswered; str, list[str], Decimal, date or dict.
    value: Any = None
    rows: list[AnswerRow] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)

    @property
    def answered(self) -> bool:
        return self.value not in (None, "", [], {})


_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def clean_text(raw: str, multiline: bool) -> str:
    """Respondent text as typed, minus control characters; stored exactly, never evaluated."""
    text = _CONTROL.sub("", raw.replace("\r\n", "\n").replace("\r", "\n"))
    # After the removal: a control character between a letter and its accent kept them apart.
    text = unicodedata.normalize("NFC", text)
    if not multiline:
        text = " ".join(text.split("\n"))
    return text.strip()


def parse_number(raw: str) -> Decimal | None:
    """A number as Finns write it (``3,5``, ``1 200``, ``-2``) or ``3.5``; None if not a number."""
    text = raw.strip().replace("\u00a0", "").replace("\u202f", "").replace(" ", "")
    text = text.replace("\u2212", "-")  # the minus sign Finnish keyboards and Word produce
    if text.count(",") == 1 and "." not in text:
        text = text.replace(",", ".")
    if not re.fullmatch(r"[+-]?(\d+(\.\d*)?|\.\d+)", text):
        return None
    try:
        number = Decimal(text)
    except InvalidOperation:
        return None
    return number if number.is_finite() else None


def parse_date(raw: str) -> date | None:
    """ISO ``2026-05-31`` (from a date input) or Finnish ``31.5.2026``."""
    text = raw.strip()
    for pattern in ("%Y-%m-%d", "%d.%m.%Y"):
        try:
            return datetime.strptime(text, pattern).date()  # noqa: DTZ007
        except ValueError:
            continue
    return None


class QuestionType:
    """Base class; subclasses register themselves under ``name``."""

    name: ClassVar[str]
    #: The question collects an answer (info text does not).
    collects: ClassVar[bool] = True
    #: Conditions may compare its value with greater/less than.
    numeric: ClassVar[bool] = False
    #: The question has options (single, multiple, ranking, area…).
    has_options: ClassVar[bool] = False

    def parse(self, question: QuestionSpec, form: FormData) -> Parsed:
        raise NotImplementedError

    @staticmethod
    def field(question: QuestionSpec, suffix: str = "") -> str:
        return f"q-{question.code}{'-' + suffix if suffix else ''}"

    def first(self, question: QuestionSpec, form: FormData, suffix: str = "") -> str:
        values = form.getlist(self.field(question, suffix))
        return values[0] if values else ""

    @staticmethod
    def required_problem(question: QuestionSpec, parsed: Parsed) -> Parsed:
        if question.required and not parsed.answered and not parsed.problems:
            parsed.problems.append(Problem("required"))
        return parsed


REGISTRY: dict[str, QuestionType] = {}


def register(cls: type[QuestionType]) -> type[QuestionType]:
    REGISTRY[cls.name] = cls()
    return cls


def question_type(name: str) -> QuestionType:
    try:
        return REGISTRY[name]
    except KeyError:
        raise ValueError(f"unknown question type {name!r}") from None


@register
class InfoText(QuestionType):
    name = "info"
    collects = False

    def parse(self, question: QuestionSpec, form: FormData) -> Parsed:
        return Parsed()


@register
class ShortText(QuestionType):
    name = "short_text"
    multiline: ClassVar[bool] = False
    default_max: ClassVar[int] = 500

    def parse(self, question: QuestionSpec, form: FormData) -> Parsed:
        text = clean_text(self.first(question, form), self.multiline)
        parsed = Parsed(value=text or None)
        limit = int(question.settings.get("max_length", self.default_max))
        if len(text) > limit:
            parsed.problems.append(Problem("too_long", {"max": limit}))
        elif text:
            parsed.rows.append(AnswerRow(question.code, text=text))
        return self.required_problem(question, parsed)


@register
class LongText(ShortText):
    name = "long_text"
    multiline = True
    default_max = 10_000


def _other_text(qtype: QuestionType, question: QuestionSpec, form: FormData) -> str:
    return clean_text(qtype.first(question, form, "other"), multiline=False)[:500]


@register
class SingleChoice(QuestionType):
    """Radio buttons or a dropdown (``settings.display``), with optional other and can't say."""

    name = "single_choice"
    has_options = True

    def parse(self, question: QuestionSpec, form: FormData) -> Parsed:
        code = self.first(question, form).strip()
        parsed = Parsed()
        if not code:
            return self.required_problem(question, parsed)
        option = question.option(code)
        if option is None:
            parsed.problems.append(Problem("invalid_option"))
            return parsed
        parsed.value = code
        row = AnswerRow(question.code, option=code)
        if option.is_other:
            other = _other_text(self, question, form)
            if not other:
                parsed.problems.append(Problem("other_text_missing"))
            row = AnswerRow(question.code, option=code, text=other or None)
        parsed.rows.append(row)
        return parsed


@register
class MultipleChoice(QuestionType):
    """Checkboxes with optional min/max selections, an exclusive "none of these" and other."""

    name = "multiple_choice"
    has_options = True

    def parse(self, question: QuestionSpec, form: FormData) -> Parsed:
        given = (code.strip() for code in form.getlist(self.field(question)))
        wanted = list(dict.fromkeys(code for code in given if code))
        parsed = Parsed(value=wanted or None)
        options = [question.option(code) for code in wanted]
        if any(option is None for option in options):
            parsed.problems.append(Problem("invalid_option"))
            return parsed
        if not wanted:
            return self.required_problem(question, parsed)
        if any(option.is_exclusive for option in options) and len(options) > 1:
            parsed.problems.append(Problem("exclusive_conflict"))
            return parsed
        counted = [option for option in options if not option.is_exclusive]
        low, high = question.settings.get("min_choices"), question.settings.get("max_choices")
        if counted and low and len(counted) < int(low):
            parsed.problems.append(Problem("too_few_choices", {"min": int(low)}))
        if high and len(counted) > int(high):
            parsed.problems.append(Problem("too_many_choices", {"max": int(high)}))
        for option in options:
            text = None
            if option.is_other:
                text = _other_text(self, question, form) or None
                if text is None:
                    parsed.problems.append(Problem("other_text_missing"))
            parsed.rows.append(AnswerRow(question.code, option=option.code, text=text))
        return parsed


class _IntegerScale(QuestionType):
    """A choice of whole numbers from ``low`` to ``high``; codes of can't-say options also pass."""

    numeric = True

    def bounds(self, question: QuestionSpec) -> tuple[int, int]:
        raise NotImplementedError

    def parse(self, question: QuestionSpec, form: FormData) -> Parsed:
        raw = self.first(question, form).strip()
        parsed = Parsed()
        if not raw:
            return self.required_problem(question, parsed)
        option = question.option(raw)
        if option is not None and option.is_cant_say:
            parsed.value = raw
            parsed.rows.append(AnswerRow(question.code, option=raw))
            return parsed
        low, high = self.bounds(question)
        if not raw.isdigit() or not low <= int(raw) <= high:
            parsed.problems.append(Problem("invalid_option"))
            return parsed
        parsed.value = Decimal(raw)
        parsed.rows.append(AnswerRow(question.code, number=Decimal(raw)))
        return parsed


@register
class Scale(_IntegerScale):
    """1–5 or 1–7 with labels at the ends (``settings.points``, ``settings.low_label``…)."""

    name = "scale"

    def bounds(self, question: QuestionSpec) -> tuple[int, int]:
        return 1, int(question.settings.get("points", 5))


@register
class Rating(_IntegerScale):
    """0–10 (e.g. how likely you are to recommend)."""

    name = "rating"

    def bounds(self, question: QuestionSpec) -> tuple[int, int]:
        return 0, 10


@register
class Matrix(QuestionType):
    """Rows (statements) each rated on the same scale; answers are stored per row."""

    name = "matrix"
    has_options = True

    def parse(self, question: QuestionSpec, form: FormData) -> Parsed:
        points = int(question.settings.get("points", 5))
        chosen: dict[str, str] = {}
        parsed = Parsed()
        for row in question.rows:
            raw = self.first(question, form, row.code).strip()
            if not raw:
                continue
            option = question.option(raw)
            if option is not None and option.is_cant_say:
                parsed.rows.append(AnswerRow(question.code, option=raw, row=row.code))
            elif raw.isdigit() and 1 <= int(raw) <= points:
                parsed.rows.append(AnswerRow(question.code, number=Decimal(raw), row=row.code))
            else:
                parsed.problems.append(Problem("invalid_option"))
                return parsed
            chosen[row.code] = raw
        parsed.value = chosen or None
        if question.required and chosen and len(chosen) < len(question.rows):
            parsed.problems.append(Problem("rows_missing"))
        return self.required_problem(question, parsed)


@register
class Ranking(QuestionType):
    """Options put in order with a number next to each (no drag and drop needed)."""

    name = "ranking"
    has_options = True

    def parse(self, question: QuestionSpec, form: FormData) -> Parsed:
        ranks: dict[str, int] = {}
        parsed = Parsed()
        count = len(question.options)
        for option in question.options:
            raw = self.first(question, form, option.code).strip()
            if not raw:
                continue
            if not raw.isdigit() or not 1 <= int(raw) <= count:
                parsed.problems.append(Problem("rank_out_of_range", {"max": count}))
                return parsed
            ranks[option.code] = int(raw)
        if len(set(ranks.values())) != len(ranks):
            parsed.problems.append(Problem("rank_duplicate"))
            return parsed
        ordered = sorted(ranks, key=ranks.__getitem__)
        if ranks and sorted(ranks.values()) != list(range(1, len(ranks) + 1)):
            parsed.problems.append(Problem("rank_gap"))
            return parsed
        if question.settings.get("rank_all") and ranks and len(ranks) < count:
            parsed.problems.append(Problem("rank_all"))
        parsed.value = ordered or None
        parsed.rows = [AnswerRow(question.code, option=code, rank=ranks[code]) for code in ordered]
        return self.required_problem(question, parsed)


#: The largest number (either sign) an answer may be: the answers table holds 12 digits before
#: the decimal point (Numeric(18, 6)); a larger one would be stored wrong or not at all.
NUMBER_LIMIT = 999_999_999_999


@register
class Number(QuestionType):
    """A number, Finnish decimal comma accepted, with optional min, max and whole numbers only."""

    name = "number"
    numeric = True

    def parse(self, question: QuestionSpec, form: FormData) -> Parsed:
        raw = self.first(question, form)
        parsed = Parsed()
        if not raw.strip():
            return self.required_problem(question, parsed)
        number = parse_number(raw)
        settings = question.settings
        if number is None:
            parsed.problems.append(Problem("not_a_number"))
        elif number > NUMBER_LIMIT:
            parsed.problems.append(Problem("too_large", {"max": NUMBER_LIMIT}))
        elif number < -NUMBER_LIMIT:
            parsed.problems.append(Problem("too_small", {"min": -NUMBER_LIMIT}))
        elif settings.get("integer") and number != number.to_integral_value():
            parsed.problems.append(Problem("not_a_whole_number"))
        elif settings.get("min") is not None and number < Decimal(str(settings["min"])):
            parsed.problems.append(Problem("too_small", {"min": settings["min"]}))
        elif settings.get("max") is not None and number > Decimal(str(settings["max"])):
            parsed.problems.append(Problem("too_large", {"max": settings["max"]}))
        else:
            parsed.value = number
            parsed.rows.append(AnswerRow(question.code, number=number))
        return parsed


@register
class DateQuestion(QuestionType):
    name = "date"

    def parse(self, question: QuestionSpec, form: FormData) -> Parsed:
        raw = self.first(question, form)
        parsed = Parsed()
        if not raw.strip():
            return self.required_problem(question, parsed)
        value = parse_date(raw)
        if value is None:
            parsed.problems.append(Problem("not_a_date"))
        else:
            parsed.value = value
            parsed.rows.append(AnswerRow(question.code, date=value))
        return parsed


@register
class YesNo(QuestionType):
    name = "yes_no"
    CODES: ClassVar[tuple[str, ...]] = ("yes", "no")

    def parse(self, question: QuestionSpec, form: FormData) -> Parsed:
        code = self.first(question, form).strip()
        parsed = Parsed()
        if not code:
            return self.required_problem(question, parsed)
        allowed = self.CODES + tuple(o.code for o in question.options if o.is_cant_say)
        if code not in allowed:
            parsed.problems.append(Problem("invalid_option"))
            return parsed
        parsed.value = code
        parsed.rows.append(AnswerRow(question.code, option=code))
        return parsed


@register
class Area(SingleChoice):
    """A postal area from the city's list (the options are filled from the city's settings)."""

    name = "area"


@register
class Consent(QuestionType):
    """A checkbox the respondent must tick when the question is required."""

    name = "consent"

    def parse(self, question: QuestionSpec, form: FormData) -> Parsed:
        ticked = self.first(question, form) in ("y", "yes", "on", "1")
        parsed = Parsed(value="yes" if ticked else None)
        if ticked:
            parsed.rows.append(AnswerRow(question.code, option="yes"))
        elif question.required:
            parsed.problems.append(Problem("consent_required"))
        return parsed
