"""Questionnaire rules: building, publishing, and storing a response in one short transaction."""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from flask import current_app
from sqlalchemy import insert, select
from sqlalchemy.exc import IntegrityError
from werkzeug.datastructures import MultiDict

from app.core import audit
from app.core.types import missing_locales, utcnow
from app.engagements.models import Engagement, Status
from app.engagements.services import missing_engagement_texts
from app.extensions import db
from app.questionnaires.conditions import check_condition, visible
from app.questionnaires.definition import Definition, definition
from app.questionnaires.models import (
    Answer,
    Question,
    Questionnaire,
    QuestionnairePage,
    QuestionOption,
    ResponseDraft,
    Submission,
    new_code,
)
from app.questionnaires.spec import PageSpec, QuestionSpec
from app.questionnaires.types import FormData, Problem, question_type

CHANNELS = ("web", "paper", "event", "phone", "kiosk")


class QuestionnaireError(Exception):
    """A questionnaire rule was broken; ``problems`` lists what."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("; ".join(problems))
        self.problems = problems


class SurveyClosedError(Exception):
    """Answers are not taken now (not yet open, closed, or a draft)."""


class AlreadyAnsweredError(Exception):
    """This respondent has already answered and the engagement allows one response."""


@dataclass
class AnswerProblems(Exception):  # noqa: N818 (a result carried by an exception)
    """What the respondent must fix: question code → problems, with what they typed kept."""

    problems: dict[str, list[Problem]] = field(default_factory=dict)


@dataclass(frozen=True)
class OptionInput:
    code: str
    label: dict[str, str]
    is_other: bool = False
    is_exclusive: bool = False
    is_cant_say: bool = False


# --- building ------------------------------------------------------------------------------


def create_questionnaire(engagement: Engagement) -> Questionnaire:
    questionnaire = Questionnaire(engagement_id=engagement.id)
    db.session.add(questionnaire)
    db.session.flush()
    return questionnaire


def add_page(
    questionnaire: Questionnaire,
    code: str,
    title: dict[str, str] | None = None,
    condition: dict | None = None,
) -> QuestionnairePage:
    page = QuestionnairePage(
        code=code, title=title or {}, condition=condition, position=len(questionnaire.pages)
    )
    questionnaire.pages.append(page)
    questionnaire.touch()
    db.session.flush()
    return page


def add_question(
    page: QuestionnairePage,
    code: str,
    type: str,  # noqa: A002 (the question's type, as in the data model)
    text: dict[str, str],
    required: bool = False,
    settings: dict[str, Any] | None = None,
    options: Iterable[OptionInput] = (),
    rows: Iterable[OptionInput] = (),
    condition: dict | None = None,
    help: dict[str, str] | None = None,  # noqa: A002
) -> Question:
    """Add a question at the end of the page; its condition may only refer to earlier questions."""
    qtype = question_type(type)
    questionnaire = page.questionnaire
    earlier = {spec.code: spec for spec in _specs(questionnaire)}
    if code in earlier:
        raise QuestionnaireError([f"code {code!r} is used already"])
    problems = check_condition(condition, earlier)
    options, rows = list(options), list(rows)
    if qtype.has_options and type != "matrix" and not options:
        problems.append("a choice question needs options")
    if type == "matrix" and not rows:
        problems.append("a matrix needs rows")
    if problems:
        raise QuestionnaireError(problems)
    question = Question(
        questionnaire_id=questionnaire.id,
        code=code,
        type=type,
        text=text,
        help=help or {},
        is_required=required and qtype.collects,
        settings=settings or {},
        condition=condition,
        position=len(page.questions),
    )
    for role, items in (("option", options), ("row", rows)):
        for position, item in enumerate(items):
            question.options.append(
                QuestionOption(
                    role=role,
                    code=item.code,
                    label=item.label,
                    position=position,
                    is_other=item.is_other,
                    is_exclusive=item.is_exclusive,
                    is_cant_say=item.is_cant_say,
                )
            )
    page.questions.append(question)
    questionnaire.touch()
    db.session.flush()
    return question


def _specs(questionnaire: Questionnaire) -> list[QuestionSpec]:
    return [
        QuestionSpec(code=q.code, type=q.type, options=(), condition=q.condition)
        for page in questionnaire.pages
        for q in page.questions
    ]


def questionnaire_of(engagement: Engagement) -> Questionnaire:
    questionnaire = db.session.scalar(
        select(Questionnaire).where(Questionnaire.engagement_id == engagement.id)
    )
    if questionnaire is None:
        raise QuestionnaireError(["the engagement has no questionnaire"])
    return questionnaire


# --- publishing ----------------------------------------------------------------------------


def missing_for_publishing(engagement: Engagement) -> list[tuple[str, str]]:
    """Everything an offered language still lacks: (where, language) pairs; empty = ready."""
    languages = tuple(engagement.languages)
    missing = missing_engagement_texts(engagement)
    questionnaire = questionnaire_of(engagement)
    questions = [q for page in questionnaire.pages for q in page.questions]
    if not questions:
        missing.append(("questions", ""))
    optional = [
        ("intro", questionnaire.intro),
        ("closing_text", questionnaire.closing_text),
        ("privacy_note", engagement.privacy_note),
    ]
    optional += [(f"{page.code}.title", page.title) for page in questionnaire.pages]
    for question in questions:
        missing += [
            (f"{question.code}.text", loc) for loc in missing_locales(question.text, languages)
        ]
        optional.append((f"{question.code}.help", question.help))
        for key in ("low_label", "high_label"):
            label = (question.settings or {}).get(key)
            if isinstance(label, dict):
                optional.append((f"{question.code}.{key}", label))
        for option in question.options:
            missing += [
                (f"{question.code}.{option.code}", loc)
                for loc in missing_locales(option.label, languages)
            ]
    # Optional texts: none at all is fine, but once written, every offered language needs them.
    for where, value in optional:
        if any((value or {}).get(loc) for loc in languages):
            missing += [(where, loc) for loc in missing_locales(value, languages)]
    return missing


def publish(engagement: Engagement) -> None:
    """Publish, or raise QuestionnaireError listing what is missing in which language."""
    missing = missing_for_publishing(engagement)
    if missing:
        raise QuestionnaireError([f"{where} {locale}".strip() for where, locale in missing])
    engagement.status = Status.PUBLISHED
    audit.record("engagement.publish", f"engagements:{engagement.public_id}")
    db.session.flush()


# --- answering -----------------------------------------------------------------------------


def check_answers(spec: Definition, form: FormData) -> tuple[dict[str, Any], list[dict]]:
    """Parse every shown question; returns (values, answer rows) or raises AnswerProblems."""
    parsed = {q.code: question_type(q.type).parse(q, form) for q in spec.questions()}
    shown = visible(spec.pages, {code: result.value for code, result in parsed.items()})
    problems = {
        code: result.problems for code, result in parsed.items() if shown[code] and result.problems
    }
    if problems:
        raise AnswerProblems(problems)
    rows = [
        {
            "question_id": spec.question_ids[row.question],
            "option_code": row.option,
            "row_code": row.row,
            "text": row.text,
            "number": row.number,
            "date": row.date,
            "rank": row.rank,
        }
        for code, result in parsed.items()
        if shown[code]
        for row in result.rows
    ]
    return {code: result.value for code, result in parsed.items() if shown[code]}, rows


def keyed_hash(engagement: Engagement, token: str) -> str:
    """The respondent hash for one-response rules: a keyed hash of ``token`` (a browser token,
    an invitation code, a panel member) and the engagement; no identity is stored."""
    key = current_app.config["SECRET_KEY"].encode()
    return hmac.new(key, f"{engagement.public_id}:{token}".encode(), hashlib.sha256).hexdigest()


def has_answered(engagement: Engagement, respondent_hash: str) -> bool:
    """A response with this respondent hash is stored already."""
    return (
        db.session.scalar(
            select(Submission.id).where(
                Submission.engagement_id == engagement.id,
                Submission.respondent_hash == respondent_hash,
            )
        )
        is not None
    )


def submit(
    engagement: Engagement,
    form: FormData,
    locale: str,
    channel: str = "web",
    respondent_hash: str | None = None,
    form_token: str | None = None,
    demographics: Mapping[str, str] | None = None,
    entered_by_id: int | None = None,
    questionnaire: Questionnaire | None = None,
    rows: list[dict] | None = None,
) -> Submission:
    """Store one response: one submission row and its answers in bulk, in the caller's transaction.

    A second submit with the same ``form_token`` returns the first submission (double clicks);
    a second response with the same ``respondent_hash`` raises AlreadyAnsweredError when the
    engagement allows one response. Staff entering paper answers bypass the opening times.
    ``questionnaire`` saves looking it up again when the caller has it; ``rows`` are the answer
    rows check_answers() gave for this ``form`` when the caller checked it already (before its
    transaction began writing, so the write lock is held shorter).
    """
    if channel not in CHANNELS:
        raise ValueError(f"unknown channel {channel!r}")
    if channel == "web" and not engagement.is_open():
        raise SurveyClosedError()
    if form_token:
        earlier = db.session.scalar(select(Submission).where(Submission.form_token == form_token))
        if earlier is not None:
            return earlier
    if not engagement.one_response:
        respondent_hash = None
    # A second response by the same respondent is refused by the unique index on
    # (engagement_id, respondent_hash) below: no lookup on every submit.
    if questionnaire is None:
        questionnaire = questionnaire_of(engagement)
    if rows is None:
        _values, rows = check_answers(definition(questionnaire.id, questionnaire.version), form)
    submission = Submission(
        questionnaire_id=questionnaire.id,
        engagement_id=engagement.id,
        channel=channel,
        locale=locale,
        receipt_code=new_code(),
        respondent_hash=respondent_hash,
        form_token=form_token,
        demographics=dict(demographics or {}),
        entered_by_id=entered_by_id,
        submitted_at=utcnow(),
    )
    try:
        with db.session.begin_nested():
            db.session.add(submission)
            db.session.flush()
            if rows:
                # Core insert with the same keys in every row: one executemany (the ORM's
                # bulk insert issues one INSERT per distinct set of keys).
                db.session.execute(
                    insert(Answer.__table__),
                    [{**row, **_ANSWER_DEFAULTS, "submission_id": submission.id} for row in rows],
                )
    except IntegrityError:
        # Lost a race with an identical submit or another response by the same respondent.
        if form_token:
            earlier = db.session.scalar(
                select(Submission).where(Submission.form_token == form_token)
            )
            if earlier is not None:
                return earlier
        raise AlreadyAnsweredError() from None
    return submission


#: Columns an answer row from a respondent leaves at their defaults, named so every row has
#: every key.
_ANSWER_DEFAULTS = {"is_hidden": False, "redacted_text": None}


# --- answering page by page ----------------------------------------------------------------

#: Answers in progress are kept this long, then removed.
DRAFT_DAYS = 30


def field_names(question: QuestionSpec) -> set[str]:
    """Every form field a question owns."""
    base = f"q-{question.code}"
    names = {base, f"{base}-other"}
    names |= {f"{base}-{item.code}" for item in (*question.options, *question.rows)}
    return names


def start_draft(engagement: Engagement | int) -> ResponseDraft:
    """A new empty draft; ``engagement`` may be given as its id."""
    engagement_id = engagement if isinstance(engagement, int) else engagement.id
    draft = ResponseDraft(
        engagement_id=engagement_id, values={}, expires_at=utcnow() + timedelta(days=DRAFT_DAYS)
    )
    db.session.add(draft)
    db.session.flush()
    return draft


def find_draft(engagement: Engagement | int, code: str | None) -> ResponseDraft | None:
    """The unexpired draft with this resume code (typed with or without dashes, any case).

    ``engagement`` may be given as its id.
    """
    engagement_id = engagement if isinstance(engagement, int) else engagement.id
    if not code:
        return None
    raw = "".join(ch for ch in code.upper() if ch.isalnum())
    if len(raw) != 12:
        return None
    normalized = f"{raw[:4]}-{raw[4:8]}-{raw[8:]}"
    return db.session.scalar(
        select(ResponseDraft).where(
            ResponseDraft.engagement_id == engagement_id,
            ResponseDraft.resume_code == normalized,
            ResponseDraft.expires_at > utcnow(),
        )
    )


def draft_form(draft: ResponseDraft | None) -> MultiDict:
    return values_form(draft.values if draft else {})


def values_form(values: Mapping[str, list[str]]) -> MultiDict:
    """Stored draft values (field name → values) as form data."""
    return MultiDict([(name, value) for name, items in values.items() for value in items])


def merged_values(
    values: Mapping[str, list[str]], page: PageSpec, form: FormData
) -> dict[str, list[str]]:
    """Draft values with this page's questions replaced by what was just sent."""
    owned = set().union(*(field_names(q) for q in page.questions)) if page.questions else set()
    merged = {name: items for name, items in values.items() if name not in owned}
    for name in owned:
        items = [item for item in form.getlist(name) if item != ""]
        if items:
            merged[name] = items
    return merged


def shown_questions(spec: Definition, form: FormData) -> dict[str, bool]:
    """Question code → shown, given the answers so far."""
    values = {q.code: question_type(q.type).parse(q, form).value for q in spec.questions()}
    return visible(spec.pages, values)


def shown_pages(
    spec: Definition, form: FormData, shown: Mapping[str, bool] | None = None
) -> list[PageSpec]:
    """Pages the respondent sees with these answers: their condition holds and a question shows.

    ``shown`` is shown_questions() of the same answers, when the caller has it already.
    """
    if shown is None:
        shown = shown_questions(spec, form)
    return [page for page in spec.pages if any(shown[q.code] for q in page.questions)]


def save_page(draft: ResponseDraft, page: PageSpec, form: FormData) -> None:
    """Replace the draft's answers to this page's questions with what was just sent.

    Not flushed: the caller usually moves the draft to another page too, and its commit
    writes both in one UPDATE.
    """
    draft.values = merged_values(draft.values, page, form)
    draft.page_code = page.code
    draft.expires_at = utcnow() + timedelta(days=DRAFT_DAYS)


def page_problems(spec: Definition, page: PageSpec, form: FormData) -> dict[str, list[Problem]]:
    """Problems with the shown questions of one page, given all answers so far."""
    values = {q.code: question_type(q.type).parse(q, form) for q in spec.questions()}
    shown = visible(spec.pages, {code: parsed.value for code, parsed in values.items()})
    return {
        q.code: values[q.code].problems
        for q in page.questions
        if shown[q.code] and values[q.code].problems
    }


def finish(
    engagement: Engagement,
    draft: ResponseDraft,
    locale: str,
    respondent_hash: str | None = None,
    questionnaire: Questionnaire | None = None,
    rows: list[dict] | None = None,
) -> Submission:
    """Submit the draft's answers as the response, then remove the draft.

    ``questionnaire`` and ``rows`` as for submit().
    """
    submission = submit(
        engagement,
        draft_form(draft),
        locale=locale,
        respondent_hash=respondent_hash,
        form_token=draft.resume_code,
        questionnaire=questionnaire,
        rows=rows,
    )
    db.session.delete(draft)
    db.session.flush()
    return submission
