"""Paper, events and posters: what the data-entry screen, the printable form and the poster share.

Question numbers and display conditions written as plain instructions ("Answer only if you
answered “Yes” to question 3"), counts of answers typed in by staff, and the QR code.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from datetime import datetime, time
from decimal import Decimal, InvalidOperation
from typing import Any
from zoneinfo import ZoneInfo

import segno
from babel.lists import format_list
from flask import g
from flask_babel import force_locale, format_decimal, get_locale
from flask_babel import gettext as _
from markupsafe import Markup
from sqlalchemy import case, func, select

from app.engagements.models import Engagement
from app.extensions import db
from app.i18n import city_zone, tr
from app.questionnaires.definition import Definition
from app.questionnaires.models import Submission
from app.questionnaires.spec import QuestionSpec
from app.questionnaires.types import question_type

#: Channels staff type answers in from (web and kiosk answers arrive by themselves).
ENTRY_CHANNELS = ("paper", "event", "phone")


def offered_locale(engagement: Engagement, wanted: str | None) -> str:
    """``wanted`` when the engagement is offered in it, else its first language (Finnish first)."""
    if wanted in engagement.languages:
        return wanted  # type: ignore[return-value]
    return engagement.languages[0] if engagement.languages else "fi"


@contextmanager
def in_language(locale: str) -> Iterator[None]:
    """Interface strings, translated texts and links in ``locale`` for a while.

    The printed form and the poster are in their own language, whatever the page around them is.
    """
    saved = g.get("lang")
    g.lang = locale
    try:
        with force_locale(locale):
            yield
    finally:
        g.lang = saved


def question_numbers(spec: Definition) -> dict[str, int]:
    """Code → number as printed (1, 2, 3…): only questions that collect an answer are numbered."""
    collecting = (q for q in spec.questions() if question_type(q.type).collects)
    return {question.code: number for number, question in enumerate(collecting, start=1)}


def _decimal(value: Any) -> str:
    try:
        return format_decimal(Decimal(str(value)))
    except (InvalidOperation, ValueError):
        return str(value)


def _answer_label(question: QuestionSpec | None, code: Any) -> str:
    """What the respondent sees for a stored value: an option's label, Yes/No, or the value."""
    code = str(code)
    if question is not None:
        option = question.option(code)
        if option is not None:
            return tr(option.label)
        if question.type in ("yes_no", "consent") and code in ("yes", "no"):
            return _("Yes") if code == "yes" else _("No")
        if question_type(question.type).numeric:
            return _decimal(code)
    return code


def _clause(
    rule: Mapping[str, Any], questions: Mapping[str, QuestionSpec], numbers: Mapping[str, int]
) -> str:
    target = questions.get(rule.get("question", ""))
    number = numbers.get(rule.get("question", ""), 0)
    op = rule.get("op")
    # i18n: each clause completes the sentence "Answer only if %(conditions)s."
    if op == "answered":
        return _("you answered question %(number)d", number=number)
    if op == "not_answered":
        return _("you did not answer question %(number)d", number=number)
    if op == "equals":
        answer = _answer_label(target, rule.get("value"))
        return _("you answered “%(answer)s” to question %(number)d", answer=answer, number=number)
    if op == "one_of":
        labels = [f"“{_answer_label(target, value)}”" for value in rule.get("value") or []]
        answers = format_list(labels, style="or", locale=get_locale())
        return _("you answered %(answers)s to question %(number)d", answers=answers, number=number)
    value = _decimal(rule.get("value"))
    if op == "greater_than":
        return _(
            "your answer to question %(number)d is more than %(value)s", number=number, value=value
        )
    return _(
        "your answer to question %(number)d is less than %(value)s", number=number, value=value
    )


def condition_clauses(
    condition: Mapping[str, Any] | None, spec: Definition, numbers: Mapping[str, int]
) -> str | None:
    """The condition as words to put after "only if", in the current language; None if none."""
    if not condition or not condition.get("rules"):
        return None
    questions = {q.code: q for q in spec.questions()}
    clauses = [_clause(rule, questions, numbers) for rule in condition["rules"]]
    style = "or" if condition.get("match") == "any" else "standard"
    return format_list(clauses, style=style, locale=get_locale())


def condition_texts(spec: Definition) -> tuple[dict[str, str], dict[str, str]]:
    """Plain instructions for conditional questions and pages.

    Returns (question code → instruction, page code → instruction).
    """
    numbers = question_numbers(spec)
    questions: dict[str, str] = {}
    pages: dict[str, str] = {}
    for page in spec.pages:
        words = condition_clauses(page.condition, spec, numbers)
        if words:
            pages[page.code] = _(
                "Answer the questions on this page only if %(conditions)s.", conditions=words
            )
        for question in page.questions:
            words = condition_clauses(question.condition, spec, numbers)
            if words:
                questions[question.code] = _("Answer only if %(conditions)s.", conditions=words)
    return questions, pages


def _start_of_today() -> datetime:
    zone = city_zone()
    today = datetime.now(zone).date()
    return datetime.combine(today, time(0), tzinfo=zone).astimezone(ZoneInfo("UTC"))


def entry_counts(engagement: Engagement, user_id: int) -> tuple[int, int]:
    """(answers typed in from paper, events and phone in all, of them by this user today)."""
    mine_today = (Submission.entered_by_id == user_id) & (
        Submission.submitted_at >= _start_of_today()
    )
    total, mine = db.session.execute(
        select(func.count(), func.count(case((mine_today, 1)))).where(
            Submission.engagement_id == engagement.id,
            Submission.channel.in_(ENTRY_CHANNELS),
        )
    ).one()
    return total, mine


def qr_svg(url: str, title: str) -> Markup:
    """A QR code for ``url`` as inline SVG, drawn here (no outside service, no JavaScript).

    Error correction level M survives a little dirt or a crease on a poster; the quiet zone
    of four modules is what phone cameras need around the code.
    """
    code = segno.make(url, error="m", micro=False)
    svg = code.svg_inline(
        title=title, svgclass="qr", lineclass=None, omitsize=True, dark="#000", light="#fff"
    )
    # Built by segno from our own URL, which it escapes: safe to put in the page as it is.
    return Markup(svg.replace("<svg ", '<svg role="img" ', 1))  # noqa: S704
