"""A published questionnaire as cached, immutable specs: loaded once per version per process."""

from __future__ import annotations

from collections import OrderedDict
from dataclasses import dataclass
from threading import Lock

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from app.extensions import db
from app.questionnaires.models import Question, Questionnaire, QuestionnairePage
from app.questionnaires.spec import OptionSpec, PageSpec, QuestionSpec

_CACHE: OrderedDict[tuple[int, str], Definition] = OrderedDict()
_LOCK = Lock()
CACHE_SIZE = 128


@dataclass(frozen=True)
class Definition:
    questionnaire_id: int
    version: str
    pages: tuple[PageSpec, ...]
    #: Question code → database id, for storing answers.
    question_ids: dict[str, int]

    def questions(self) -> list[QuestionSpec]:
        return [question for page in self.pages for question in page.questions]


def _option(row) -> OptionSpec:  # noqa: ANN001
    return OptionSpec(
        code=row.code,
        label=dict(row.label),
        is_other=row.is_other,
        is_exclusive=row.is_exclusive,
        is_cant_say=row.is_cant_say,
    )


def _load(questionnaire_id: int) -> Definition:
    questionnaire = db.session.scalar(
        select(Questionnaire)
        .where(Questionnaire.id == questionnaire_id)
        .options(
            selectinload(Questionnaire.pages)
            .selectinload(QuestionnairePage.questions)
            .selectinload(Question.options)
        )
    )
    if questionnaire is None:
        raise LookupError(f"questionnaire {questionnaire_id} not found")
    pages = []
    ids = {}
    for page in questionnaire.pages:
        questions = []
        for question in page.questions:
            ids[question.code] = question.id
            questions.append(
                QuestionSpec(
                    code=question.code,
                    type=question.type,
                    required=question.is_required,
                    text=dict(question.text),
                    help=dict(question.help),
                    settings=dict(question.settings or {}),
                    options=tuple(_option(o) for o in question.options if o.role == "option"),
                    rows=tuple(_option(o) for o in question.options if o.role == "row"),
                    condition=question.condition,
                )
            )
        pages.append(
            PageSpec(
                code=page.code,
                title=dict(page.title or {}),
                questions=tuple(questions),
                condition=page.condition,
            )
        )
    return Definition(questionnaire.id, questionnaire.version, tuple(pages), ids)


def definition(questionnaire_id: int, version: str) -> Definition:
    """The questionnaire's specs, from the process cache when this version was loaded before."""
    key = (questionnaire_id, version)
    with _LOCK:
        cached = _CACHE.get(key)
        if cached is not None:
            _CACHE.move_to_end(key)
            return cached
    loaded = _load(questionnaire_id)
    if loaded.version != version:  # changed in between: do not cache under the wrong key
        return loaded
    with _LOCK:
        _CACHE[key] = loaded
        while len(_CACHE) > CACHE_SIZE:
            _CACHE.popitem(last=False)
    return loaded
