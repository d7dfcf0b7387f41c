"""Editing a questionnaire: settings, pages, questions, options, order, copies.

The rules that protect answers live here. Once a survey has answers, nothing may orphan them:
deleting a question, page or option, or changing a stored code, is refused with an explanation;
wording fixes are allowed and written to the audit log. Every change marks the questionnaire
changed (``touch``) so each process reloads its cached definition.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, select

from app.core import audit
from app.engagements.models import Engagement, Status
from app.engagements.services import create_engagement
from app.extensions import db
from app.plan.models import FocusArea
from app.questionnaires.conditions import check_condition
from app.questionnaires.models import (
    Question,
    Questionnaire,
    QuestionnairePage,
    QuestionOption,
    Submission,
)
from app.questionnaires.services import (
    OptionInput,
    QuestionnaireError,
    add_page,
    add_question,
    create_questionnaire,
    questionnaire_of,
)
from app.questionnaires.spec import QuestionSpec
from app.questionnaires.types import question_type

#: Codes end up in form field names, exports and conditions: keep them plain.
CODE_PATTERN = re.compile(r"^[a-z][a-z0-9_]{0,39}$")

AUDIENCES = ("public", "link", "invited")


def fixed_audience(engagement: Engagement) -> bool:
    """The audience another feature gave the survey (``panel:<id>``: a customer panel's poll).

    It is kept as it is: staff cannot choose it for other surveys, nor change it for this one.
    """
    return engagement.audience not in AUDIENCES


class AnswersExistError(QuestionnaireError):
    """The change would orphan stored answers."""


def has_answers(engagement: Engagement) -> bool:
    return bool(
        db.session.scalar(
            select(func.count(Submission.id)).where(Submission.engagement_id == engagement.id)
        )
    )


def answer_count(engagement: Engagement) -> int:
    return (
        db.session.scalar(
            select(func.count(Submission.id)).where(Submission.engagement_id == engagement.id)
        )
        or 0
    )


def _changed(old: Mapping[str, str] | None, new: Mapping[str, str] | None) -> list[str]:
    """Languages whose text differs."""
    old, new = dict(old or {}), dict(new or {})
    return sorted(
        loc for loc in set(old) | set(new) if (old.get(loc) or "") != (new.get(loc) or "")
    )


def _clean(texts: Mapping[str, str] | None) -> dict[str, str]:
    return {loc: text.strip() for loc, text in (texts or {}).items() if text and text.strip()}


# --- creating and settings -------------------------------------------------------------------


def create_survey(
    department: Any,
    title: Mapping[str, str],
    languages: Iterable[str],
    focus_areas: Iterable[FocusArea],
    created_by_id: int | None = None,
) -> Engagement:
    """A draft survey with an empty questionnaire and its first page."""
    from app.engagements.models import Kind

    engagement = create_engagement(
        Kind.SURVEY, department, _clean(title), languages, focus_areas, created_by_id
    )
    questionnaire = create_questionnaire(engagement)
    add_page(questionnaire, "p1")
    return engagement


@dataclass
class SurveySettings:
    title: dict[str, str]
    summary: dict[str, str]
    intro: dict[str, str]
    closing_text: dict[str, str]
    privacy_note: dict[str, str]
    languages: list[str]
    focus_areas: list[FocusArea]
    opens_at: Any
    closes_at: Any
    audience: str
    is_anonymous: bool
    one_response: bool
    retention_days: int


def update_settings(engagement: Engagement, settings: SurveySettings) -> None:
    """Save a survey's settings; texts of languages no longer offered are kept, not shown."""
    problems = []
    if not settings.languages:
        problems.append("no_language")
    fixed = fixed_audience(engagement)
    if settings.audience not in ((engagement.audience,) if fixed else AUDIENCES):
        problems.append("audience")
    if settings.opens_at and settings.closes_at and settings.closes_at <= settings.opens_at:
        problems.append("closes_before_opening")
    if problems:
        raise QuestionnaireError(problems)
    questionnaire = questionnaire_of(engagement)
    changes = []
    for obj, name, value in (
        (engagement, "title", settings.title),
        (engagement, "summary", settings.summary),
        (engagement, "privacy_note", settings.privacy_note),
        (questionnaire, "intro", settings.intro),
        (questionnaire, "closing_text", settings.closing_text),
    ):
        merged = {**dict(getattr(obj, name) or {}), **_clean(value)}
        for loc in value:
            if not (value[loc] or "").strip():
                merged.pop(loc, None)
        if _changed(getattr(obj, name), merged):
            changes.append(name)
            setattr(obj, name, merged)
    from app.i18n import LOCALES

    engagement.languages = [loc for loc in LOCALES if loc in set(settings.languages)]
    engagement.focus_areas = list(settings.focus_areas)
    engagement.opens_at = settings.opens_at
    engagement.closes_at = settings.closes_at
    engagement.audience = settings.audience
    if engagement.is_anonymous != settings.is_anonymous and has_answers(engagement):
        raise AnswersExistError(["anonymity_fixed"])
    engagement.is_anonymous = settings.is_anonymous
    # A fixed audience is people known by sign-in (a panel's members): one response each.
    engagement.one_response = settings.one_response or fixed
    engagement.retention_days = settings.retention_days
    questionnaire.touch()
    audit.record(
        "survey.settings",
        f"engagements:{engagement.public_id}",
        texts=changes,
        published=engagement.status == Status.PUBLISHED,
    )
    db.session.flush()


# --- pages ----------------------------------------------------------------------------------


def _page(questionnaire: Questionnaire, code: str) -> QuestionnairePage:
    page = next((p for p in questionnaire.pages if p.code == code), None)
    if page is None:
        raise LookupError(code)
    return page


def question_by_code(questionnaire: Questionnaire, code: str) -> Question:
    for page in questionnaire.pages:
        for question in page.questions:
            if question.code == code:
                return question
    raise LookupError(code)


def new_page(questionnaire: Questionnaire, title: Mapping[str, str]) -> QuestionnairePage:
    used = {p.code for p in questionnaire.pages}
    number = len(questionnaire.pages) + 1
    while f"p{number}" in used:
        number += 1
    page = add_page(questionnaire, f"p{number}", _clean(title))
    audit.record("survey.page_add", f"questionnaires:{questionnaire.id}", page=page.code)
    return page


def check_order(questionnaire: Questionnaire) -> list[str]:
    """Conditions refer only to earlier questions (answering order = evaluation order)."""
    problems = []
    earlier: dict[str, QuestionSpec] = {}
    for page in questionnaire.pages:
        for found in check_condition(page.condition, earlier):
            problems.append(f"{page.code}: {found}")
        for q in page.questions:
            for found in check_condition(q.condition, earlier):
                problems.append(f"{q.code}: {found}")
            earlier[q.code] = QuestionSpec(
                code=q.code,
                type=q.type,
                options=tuple(_option_specs(q)),
            )
    return problems


def _option_specs(question: Question) -> list:
    from app.questionnaires.spec import OptionSpec

    return [OptionSpec(code=o.code) for o in question.options if o.role == "option"]


def earlier_questions(questionnaire: Questionnaire, before: Question | QuestionnairePage | None):
    """Questions that come before a question or a page (what its condition may refer to)."""
    found = []
    for page in questionnaire.pages:
        if page is before:
            return found
        for q in page.questions:
            if q is before:
                return found
            found.append(q)
    return found


def update_page(page: QuestionnairePage, title: Mapping[str, str], condition: dict | None) -> None:
    questionnaire = page.questionnaire
    earlier = {
        q.code: QuestionSpec(code=q.code, type=q.type, options=tuple(_option_specs(q)))
        for q in earlier_questions(questionnaire, page)
    }
    problems = check_condition(condition, earlier)
    if problems:
        raise QuestionnaireError(problems)
    changed = _changed(page.title, _clean(title))
    page.title = _clean(title)
    page.condition = condition
    questionnaire.touch()
    audit.record(
        "survey.page_edit", f"questionnaires:{questionnaire.id}", page=page.code, texts=changed
    )
    db.session.flush()


def delete_page(engagement: Engagement, page: QuestionnairePage) -> None:
    questionnaire = page.questionnaire
    if page.questions and has_answers(engagement):
        raise AnswersExistError(["page_has_answered_questions"])
    if len(questionnaire.pages) == 1:
        raise QuestionnaireError(["last_page"])
    codes = {q.code for q in page.questions}
    _refuse_if_referenced(questionnaire, codes, exclude=set(page.questions))
    questionnaire.pages.remove(page)
    _renumber(questionnaire.pages)
    questionnaire.touch()
    audit.record("survey.page_delete", f"questionnaires:{questionnaire.id}", page=page.code)
    db.session.flush()


def move_page(page: QuestionnairePage, step: int) -> None:
    questionnaire = page.questionnaire
    pages = list(questionnaire.pages)
    index = pages.index(page)
    target = index + step
    if not 0 <= target < len(pages):
        return
    pages[index], pages[target] = pages[target], pages[index]
    _apply_order(questionnaire, pages)


def _apply_order(questionnaire: Questionnaire, pages: Sequence[QuestionnairePage]) -> None:
    old = {p.id: p.position for p in questionnaire.pages}
    _renumber(pages)
    db.session.flush()
    db.session.refresh(questionnaire, ["pages"])
    problems = check_order(questionnaire)
    if problems:
        for page in questionnaire.pages:
            page.position = old[page.id]
        db.session.flush()
        db.session.refresh(questionnaire, ["pages"])
        raise QuestionnaireError(["order_breaks_condition", *problems])
    questionnaire.touch()
    audit.record("survey.reorder", f"questionnaires:{questionnaire.id}")
    db.session.flush()


def _renumber(items: Sequence[Any]) -> None:
    for position, item in enumerate(items):
        item.position = position


# --- questions ------------------------------------------------------------------------------


@dataclass
class QuestionInput:
    code: str
    text: dict[str, str]
    help: dict[str, str]
    required: bool
    settings: dict[str, Any]
    options: list[OptionInput]
    rows: list[OptionInput]
    condition: dict | None


def _check_code(code: str) -> list[str]:
    return [] if CODE_PATTERN.match(code or "") else ["code_format"]


def create_question(page: QuestionnairePage, type_name: str, data: QuestionInput) -> Question:
    problems = _check_code(data.code)
    problems += _option_code_problems(data.options) + _option_code_problems(data.rows)
    if problems:
        raise QuestionnaireError(problems)
    question = add_question(
        page,
        data.code,
        type_name,
        _clean(data.text),
        required=data.required,
        settings=data.settings,
        options=data.options,
        rows=data.rows,
        condition=data.condition,
        help=_clean(data.help),
    )
    audit.record(
        "survey.question_add",
        f"questionnaires:{page.questionnaire_id}",
        question=question.code,
        type=type_name,
    )
    return question


def _option_code_problems(items: Sequence[OptionInput]) -> list[str]:
    codes = [item.code for item in items]
    problems = [f"option_code_format:{code}" for code in codes if not CODE_PATTERN.match(code)]
    if len(set(codes)) != len(codes):
        problems.append("option_code_duplicate")
    return problems


def update_question(engagement: Engagement, question: Question, data: QuestionInput) -> None:
    """Change a question. With answers: wording, help, required, settings, order of options and
    new options are fine (audited); removing an option or changing a code is refused."""
    questionnaire = questionnaire_of(engagement)
    answered = has_answers(engagement)
    problems = _check_code(data.code)
    problems += _option_code_problems(data.options) + _option_code_problems(data.rows)
    qtype = question_type(question.type)
    if qtype.has_options and question.type != "matrix" and not data.options:
        problems.append("needs_options")
    if question.type == "matrix" and not data.rows:
        problems.append("needs_rows")
    if data.code != question.code:
        if answered:
            problems.append("answers_code")
        elif any(q.code == data.code for p in questionnaire.pages for q in p.questions):
            problems.append("code_used")
    if answered:
        for role, items in (("option", data.options), ("row", data.rows)):
            kept = {item.code for item in items}
            removed = [o.code for o in question.options if o.role == role and o.code not in kept]
            if removed:
                problems.append("answers_option_removed:" + ", ".join(removed))
    earlier = {
        q.code: QuestionSpec(code=q.code, type=q.type, options=tuple(_option_specs(q)))
        for q in earlier_questions(questionnaire, question)
    }
    problems += check_condition(data.condition, earlier)
    if data.code != question.code:
        _refuse_if_referenced(questionnaire, {question.code}, exclude=set(), problems=problems)
    if problems:
        cls = AnswersExistError if any(p.startswith("answers_") for p in problems) else None
        raise (cls or QuestionnaireError)(problems)
    changed = {
        "text": _changed(question.text, _clean(data.text)),
        "help": _changed(question.help, _clean(data.help)),
    }
    question.code = data.code
    question.text = _clean(data.text)
    question.help = _clean(data.help)
    question.is_required = data.required and qtype.collects
    question.settings = data.settings
    question.condition = data.condition
    by_key = {(o.role, o.code): o for o in question.options}
    keep = []
    for role, items in (("option", data.options), ("row", data.rows)):
        for position, item in enumerate(items):
            option = by_key.get((role, item.code))
            if option is None:
                option = QuestionOption(role=role, code=item.code)
                question.options.append(option)
            else:
                changed.setdefault("options", []).extend(
                    f"{item.code}:{loc}" for loc in _changed(option.label, _clean(item.label))
                )
            option.label = _clean(item.label)
            option.position = position
            option.is_other = item.is_other
            option.is_exclusive = item.is_exclusive
            option.is_cant_say = item.is_cant_say
            keep.append(option)
    for option in list(question.options):
        if option not in keep:
            question.options.remove(option)
    questionnaire.touch()
    audit.record(
        "survey.wording_fix" if answered else "survey.question_edit",
        f"questionnaires:{questionnaire.id}",
        question=question.code,
        changed={key: value for key, value in changed.items() if value},
    )
    db.session.flush()


def _refuse_if_referenced(
    questionnaire: Questionnaire,
    codes: set[str],
    exclude: set,
    problems: list[str] | None = None,
) -> None:
    """Refuse to remove or rename questions that a display condition refers to."""
    found = problems if problems is not None else []
    for page in questionnaire.pages:
        owners = [page, *page.questions]
        for owner in owners:
            if owner in exclude or not owner.condition:
                continue
            for rule in owner.condition.get("rules", []):
                if rule.get("question") in codes:
                    found.append(f"referenced_by:{getattr(owner, 'code', '')}")
    if problems is None and found:
        raise QuestionnaireError(found)


def delete_question(engagement: Engagement, question: Question) -> None:
    if has_answers(engagement):
        raise AnswersExistError(["answers_delete_question"])
    questionnaire = questionnaire_of(engagement)
    _refuse_if_referenced(questionnaire, {question.code}, exclude={question})
    page = question.page
    page.questions.remove(question)
    _renumber(page.questions)
    questionnaire.touch()
    audit.record(
        "survey.question_delete", f"questionnaires:{questionnaire.id}", question=question.code
    )
    db.session.flush()


def move_question(question: Question, step: int) -> None:
    """Move one place up (-1) or down (+1); past the page's edge it moves to the next page."""
    page = question.page
    questionnaire = page.questionnaire
    items = list(page.questions)
    index = items.index(question)
    target = index + step
    old = {q.id: (q.page_id, q.position) for p in questionnaire.pages for q in p.questions}
    if 0 <= target < len(items):
        items[index], items[target] = items[target], items[index]
        _renumber(items)
    else:
        pages = list(questionnaire.pages)
        page_index = pages.index(page) + step
        if not 0 <= page_index < len(pages):
            return
        other = pages[page_index]
        page.questions.remove(question)
        _renumber(page.questions)
        if step < 0:
            other.questions.append(question)
        else:
            other.questions.insert(0, question)
        _renumber(other.questions)
    db.session.flush()
    for p in questionnaire.pages:
        db.session.refresh(p, ["questions"])
    problems = check_order(questionnaire)
    if problems:
        for p in questionnaire.pages:
            for q in list(p.questions):
                q.page_id, q.position = old[q.id]
        db.session.flush()
        for p in questionnaire.pages:
            db.session.refresh(p, ["questions"])
        raise QuestionnaireError(["order_breaks_condition", *problems])
    questionnaire.touch()
    audit.record("survey.reorder", f"questionnaires:{questionnaire.id}", question=question.code)
    db.session.flush()


# --- copying --------------------------------------------------------------------------------


def copy_survey(engagement: Engagement, created_by_id: int | None = None) -> Engagement:
    """A new draft with the same settings, texts, pages, questions and options; no answers."""
    source = questionnaire_of(engagement)
    copy = create_engagement(
        engagement.kind,
        engagement.department,
        dict(engagement.title),
        engagement.languages,
        engagement.focus_areas,
        created_by_id,
    )
    for name in ("summary", "privacy_note"):
        setattr(copy, name, dict(getattr(engagement, name) or {}))
    for name in ("audience", "is_anonymous", "one_response", "retention_days", "min_group_size"):
        setattr(copy, name, getattr(engagement, name))
    target = create_questionnaire(copy)
    target.intro = dict(source.intro or {})
    target.closing_text = dict(source.closing_text or {})
    for page in source.pages:
        new = QuestionnairePage(
            code=page.code, position=page.position, title=dict(page.title), condition=page.condition
        )
        target.pages.append(new)
        db.session.flush()
        for q in page.questions:
            question = Question(
                questionnaire_id=target.id,
                code=q.code,
                type=q.type,
                position=q.position,
                is_required=q.is_required,
                text=dict(q.text),
                help=dict(q.help),
                settings=dict(q.settings or {}),
                condition=q.condition,
            )
            for o in q.options:
                question.options.append(
                    QuestionOption(
                        role=o.role,
                        code=o.code,
                        position=o.position,
                        label=dict(o.label),
                        is_other=o.is_other,
                        is_exclusive=o.is_exclusive,
                        is_cant_say=o.is_cant_say,
                    )
                )
            new.questions.append(question)
    db.session.flush()
    audit.record(
        "survey.copy", f"engagements:{copy.public_id}", source=f"engagements:{engagement.public_id}"
    )
    return copy
