"""The texts of an engagement that residents read, whatever its kind, for the "Check language" page.

Reads the models directly: the engagement itself, its questionnaire (surveys and EVA hearings), its
EVA assessment and its customer panel, each only when the engagement has one.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from flask_babel import lazy_gettext as _l
from flask_babel.speaklater import LazyString
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from app.engagements.models import Engagement
from app.eva.models import Assessment
from app.extensions import db
from app.panels.models import Panel, PanelStatement
from app.questionnaires.models import Question, Questionnaire, QuestionnairePage


@dataclass(frozen=True, slots=True)
class TextItem:
    """One text in every language it is written in."""

    #: What the text is, for staff ("Summary", "Help text of question q3").
    label: str | LazyString
    #: Stable key of the field, e.g. ``engagement.summary`` or ``question.q3.help``.
    field_key: str
    #: Locale → text; languages without text are left out.
    value_by_locale: dict[str, str]


LABELS: Mapping[str, LazyString] = {
    "engagement.title": _l("Title"),
    "engagement.summary": _l("Summary"),
    "questionnaire.intro": _l("Introduction"),
    "questionnaire.closing_text": _l("Closing text"),
    "engagement.privacy_note": _l("Privacy note"),
    "engagement.outcome": _l("Outcome"),
    "eva.proposal": _l("What is proposed"),
    "eva.rationale": _l("Why"),
    "eva.use_of_input": _l("How the input will be used"),
    "eva.easy_read": _l("Easy-read summary"),
    "eva.children_summary": _l("Version for children and young people"),
    "eva.final_proposal": _l("The final proposal"),
    "panel.purpose": _l("Purpose"),
    "panel.meeting_plan": _l("Meeting plan"),
    "panel.compensation": _l("Compensation"),
}


def _written(value: Mapping[str, str] | None) -> dict[str, str]:
    return {loc: text for loc, text in (value or {}).items() if text and text.strip()}


def _joined(values: Iterable[Mapping[str, str] | None]) -> dict[str, str]:
    """Short texts (answer options) as one text, a line each, per language."""
    lines: dict[str, list[str]] = {}
    for value in values:
        for loc, text in _written(value).items():
            lines.setdefault(loc, []).append(" ".join(text.split()))
    return {loc: "\n".join(items) for loc, items in lines.items()}


def _item(label: str | LazyString, key: str, value: Mapping[str, str] | None) -> list[TextItem]:
    written = _written(value)
    return [TextItem(label, key, written)] if written else []


def _fixed(key: str, value: Mapping[str, str] | None) -> list[TextItem]:
    return _item(LABELS[key], key, value)


def _questionnaire_texts(engagement: Engagement) -> tuple[list[TextItem], list[TextItem]]:
    """(intro and page/question texts, closing text) of the engagement's questionnaire."""
    questionnaire = db.session.scalar(
        select(Questionnaire)
        .where(Questionnaire.engagement_id == engagement.id)
        .options(
            selectinload(Questionnaire.pages)
            .selectinload(QuestionnairePage.questions)
            .selectinload(Question.options)
        )
    )
    if questionnaire is None:
        return [], []
    items = _fixed("questionnaire.intro", questionnaire.intro)
    for page in questionnaire.pages:
        # i18n: %(code)s is the code of a page or question in the survey builder, e.g. q3.
        items += _item(
            _l("Title of page %(code)s", code=page.code), f"page.{page.code}.title", page.title
        )
        for question in page.questions:
            key = f"question.{question.code}"
            items += _item(
                _l("Question %(code)s", code=question.code), f"{key}.text", question.text
            )
            items += _item(
                _l("Help text of question %(code)s", code=question.code),
                f"{key}.help",
                question.help,
            )
            items += _item(
                _l("Answer options of question %(code)s", code=question.code),
                f"{key}.options",
                _joined(option.label for option in question.options),
            )
    return items, _fixed("questionnaire.closing_text", questionnaire.closing_text)


def _eva_texts(engagement: Engagement) -> list[TextItem]:
    assessment = db.session.scalar(
        select(Assessment)
        .where(Assessment.engagement_id == engagement.id)
        .options(selectinload(Assessment.alternatives))
    )
    if assessment is None:
        return []
    items: list[TextItem] = []
    for name in ("proposal", "rationale", "use_of_input", "easy_read", "children_summary"):
        items += _fixed(f"eva.{name}", getattr(assessment, name))
    for alternative in assessment.alternatives:
        key = f"eva.alternative.{alternative.code}"
        # i18n: %(code)s is the alternative's code, e.g. VE1.
        items += _item(
            _l("Name of alternative %(code)s", code=alternative.code),
            f"{key}.label",
            alternative.label,
        )
        items += _item(
            _l("Description of alternative %(code)s", code=alternative.code),
            f"{key}.description",
            alternative.description,
        )
    items += _fixed("eva.final_proposal", assessment.final_proposal)
    return items


def _panel_texts(engagement: Engagement) -> list[TextItem]:
    panel = db.session.scalar(select(Panel).where(Panel.engagement_id == engagement.id))
    if panel is None:
        return []
    items: list[TextItem] = []
    for name in ("purpose", "meeting_plan", "compensation"):
        items += _fixed(f"panel.{name}", getattr(panel, name))
    statements = db.session.scalars(
        select(PanelStatement)
        .where(PanelStatement.panel_id == panel.id)
        .order_by(PanelStatement.id)
    )
    # The panel's statements and the service's responses are published on the panel's page.
    for number, item in enumerate(statements, start=1):
        key = f"panel.statement.{number}"
        # i18n: %(number)s counts the panel's statements: 1, 2, 3 …
        items += _item(
            _l("Statement %(number)s of the panel", number=number), f"{key}.title", item.title
        )
        items += _item(
            _l("Text of statement %(number)s", number=number), f"{key}.text", item.statement
        )
        items += _item(
            _l("The service's response to statement %(number)s", number=number),
            f"{key}.response",
            item.response,
        )
    return items


def texts_of(engagement: Engagement) -> list[TextItem]:
    """The engagement's texts in the order residents meet them; texts written in no language
    are left out."""
    questions, closing = _questionnaire_texts(engagement)
    return [
        *_fixed("engagement.title", engagement.title),
        *_fixed("engagement.summary", engagement.summary),
        *_eva_texts(engagement),
        *_panel_texts(engagement),
        *questions,
        *closing,
        *_fixed("engagement.privacy_note", engagement.privacy_note),
        *_fixed("engagement.outcome", engagement.outcome),
    ]
