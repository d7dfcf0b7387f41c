"""The texts of an engagement that residents read, whatever its kind, for the "Check language" page.

Reads the models directly: the engagement itself, its questionnaire (surveys and EVA hearings), its
EVA assessment, its customer panel and its discussion, each only when the engagement has one.

Every staff-written column is either collected here or named in :data:`NOT_CHECKED` with the
reason; ``tests/plainlang/test_collect.py`` fails when a new text column is in neither.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from flask_babel import format_date, format_datetime
from flask_babel import lazy_gettext as _l
from flask_babel.speaklater import LazyString
from markupsafe import escape
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from app.discussion.models import AuthorKind, Discussion, Post, PostState, Thread
from app.engagements.models import Engagement
from app.eva.models import AssessedArea, Assessment, Stage
from app.extensions import db
from app.i18n import tr
from app.panels.models import Panel, PanelMeeting, PanelStatement
from app.questionnaires.models import Question, Questionnaire, QuestionnairePage

#: A thread's title is quoted in a label with at most this many characters.
QUOTED_TITLE_CHARS = 60

#: Text columns that are not checked, and why: every ``TranslatedText`` and ``Text`` column is
#: either here or in :data:`COLLECTED` (a test lists them all), and so are the short texts staff
#: type in ``String`` and ``JSON`` columns.
NOT_CHECKED: Mapping[str, str] = {
    "plans.municipality": "Plan data for the whole city, loaded from a data file, not written "
    "for one engagement.",
    "plans.title": "Plan data for the whole city, loaded from a data file.",
    "plans.summary": "Plan data for the whole city, loaded from a data file.",
    "strategic_goals.title": "Plan data for the whole city, loaded from a data file.",
    "strategic_goals.aims": "Plan data for the whole city, loaded from a data file.",
    "focus_areas.title": "Plan data for the whole city, loaded from a data file.",
    "focus_areas.summary": "Plan data for the whole city, loaded from a data file.",
    "departments.name": "A name, not prose; the same for every engagement of the department.",
    "eva_impact_areas.label": "The coordinator's catalogue, shared by every assessment: checking "
    "it on each engagement would repeat the same findings everywhere.",
    "eva_impact_areas.guidance": "Advice for staff filling in the matrix; residents never see it.",
    "eva_assessments.skip_reason": "Written when no EVA is needed, so there is no hearing; staff "
    "and the register read it, and it has no stored language to check it in.",
    "eva_assessments.decision_body": "The name of a board, as in its minutes.",
    "eva_assessments.decision_section": "A section number of the minutes.",
    "engagements.decision_ref": "A reference to a decision, as in the minutes.",
    "panel_statements.decision_ref": "A reference to a decision, as in the minutes.",
    "panel_meetings.place": "An address or a room, not prose.",
    "offline_participation.note": "An internal record of what happened offline; residents never "
    "see it.",
    "post_reports.note": "Written by the visitor who reports a post, read only by moderators.",
    "panel_applications.motivation": "Written by the applicant, read only by staff.",
    "answers.text": "Residents' answers.",
    "answers.redacted_text": "Residents' answers with personal data removed.",
    "result_tallies.data": "Computed counts, not text.",
    "outbox.body_text": "E-mails built from the interface's own translated messages.",
    "data_requests.reply": "The coordinator's reply to one resident's data request, not a text "
    "of an engagement.",
}

#: Text columns this module reads.
COLLECTED: frozenset[str] = frozenset(
    {
        "engagements.title",
        "engagements.summary",
        "engagements.privacy_note",
        "engagements.outcome",
        "questionnaires.intro",
        "questionnaires.closing_text",
        "questionnaire_pages.title",
        "questions.text",
        "questions.help",
        # The end labels of scale, rating and matrix questions.
        "questions.settings",
        "question_options.label",
        "eva_assessments.proposal",
        "eva_assessments.rationale",
        "eva_assessments.decision_maker",
        "eva_assessments.use_of_input",
        "eva_assessments.easy_read",
        "eva_assessments.children_summary",
        "eva_assessments.final_proposal",
        "eva_alternatives.label",
        "eva_alternatives.description",
        "eva_assessed_areas.adoption_reason",
        "eva_impacts.evidence",
        "eva_impacts.mitigation",
        "panels.purpose",
        "panels.meeting_plan",
        "panels.compensation",
        # Background questions staff add to the application form.
        "panels.custom_dimensions",
        "panel_meetings.agenda",
        "panel_meetings.materials",
        "panel_meetings.minutes",
        "panel_statements.title",
        "panel_statements.statement",
        "panel_statements.response",
        # Only threads and posts staff wrote; residents' posts are theirs to word.
        "discussion_threads.title",
        "posts.body",
    }
)


@dataclass(frozen=True, slots=True)
class TextItem:
    """One text in every language it is written in."""

    #: What the text is, for staff ("Summary", "Help text of question q3").
    label: str | LazyString
    #: Stable key of the field, e.g. ``engagement.summary`` or ``question.q3.help``.
    field_key: str
    #: Locale → text; languages without text are left out.
    value_by_locale: dict[str, str]
    #: Written once, in one language (a staff post in a discussion): not expected in the others.
    single_language: bool = False


LABELS: Mapping[str, LazyString] = {
    "engagement.title": _l("Title"),
    "engagement.summary": _l("Summary"),
    "questionnaire.intro": _l("Introduction"),
    "questionnaire.closing_text": _l("Closing text"),
    "engagement.privacy_note": _l("Privacy note"),
    "engagement.outcome": _l("Outcome"),
    "eva.decision_maker": _l("Who decides"),
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


class Label(LazyString):
    """A label, translated when shown, that templates escape like any text.

    flask-babel's lazy strings pass into templates unescaped (``__html__`` returns them as they
    are), and a label can carry what someone typed: a thread's title, an impact area's name.
    """

    def __html__(self) -> str:
        return str(escape(str(self)))


def _label(label: str | LazyString) -> str | Label:
    return Label(str, label) if isinstance(label, LazyString) else label


def _written(value: Mapping[str, str] | None) -> dict[str, str]:
    if not isinstance(value, Mapping):
        return {}
    return {
        loc: text for loc, text in value.items() if isinstance(text, str) and text and text.strip()
    }


def _joined(values: Iterable[Mapping[str, str] | None]) -> dict[str, str]:
    """Short texts (answer options) as one text, a line each, per language."""
    lines: dict[str, list[str]] = {}
    for value in values:
        for loc, text in _written(value).items():
            lines.setdefault(loc, []).append(" ".join(text.split()))
    return {loc: "\n".join(items) for loc, items in lines.items()}


def _item(label: str | LazyString, key: str, value: Mapping[str, str] | None) -> list[TextItem]:
    written = _written(value)
    return [TextItem(_label(label), key, written)] if written else []


def _fixed(key: str, value: Mapping[str, str] | None) -> list[TextItem]:
    return _item(LABELS[key], key, value)


def _question_texts(question: Question) -> list[TextItem]:
    """The question, its help, its scale's end labels, its options and a matrix's rows."""
    key = f"question.{question.code}"
    code = question.code
    settings: Mapping[str, Any] = question.settings or {}
    options = [option for option in question.options if option.role != "row"]
    rows = [option for option in question.options if option.role == "row"]
    return [
        # i18n: %(code)s is the code of a page or question in the survey builder, e.g. q3.
        *_item(_l("Question %(code)s", code=code), f"{key}.text", question.text),
        *_item(_l("Help text of question %(code)s", code=code), f"{key}.help", question.help),
        *_item(
            _l("Question %(code)s: label of the lowest value", code=code),
            f"{key}.low_label",
            settings.get("low_label"),
        ),
        *_item(
            _l("Question %(code)s: label of the highest value", code=code),
            f"{key}.high_label",
            settings.get("high_label"),
        ),
        *_item(
            # i18n: The statements of a matrix question, each rated on the same scale.
            _l("Statements (rows) of question %(code)s", code=code),
            f"{key}.rows",
            _joined(row.label for row in rows),
        ),
        *_item(
            _l("Answer options of question %(code)s", code=code),
            f"{key}.options",
            _joined(option.label for option in options),
        ),
    ]


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
            items += _question_texts(question)
    return items, _fixed("questionnaire.closing_text", questionnaire.closing_text)


def _impact_texts(assessment: Assessment, stage: Stage) -> list[TextItem]:
    """Evidence and mitigation of each cell of the matrix at ``stage``, area by area as the
    hearing page and the report show them; cells of areas no longer assessed are left out."""
    cells = {
        (impact.area_id, impact.alternative_id): impact
        for impact in assessment.impacts
        if impact.stage == stage
    }
    preliminary = stage == Stage.PRELIMINARY
    items: list[TextItem] = []
    for assessed in assessment.areas:
        area_name = tr(assessed.area.label) or assessed.area.code
        for alternative in assessment.alternatives:
            impact = cells.get((assessed.area_id, alternative.id))
            if impact is None:
                continue
            key = f"eva.impact.{stage}.{assessed.area.code}.{alternative.code}"
            where = {"area": area_name, "alternative": alternative.code}
            if preliminary:
                # i18n: %(area)s is an impact area ("Children and young people"), %(alternative)s
                # the alternative's code (VE1). Evidence: what the assessment is based on.
                evidence = _l(
                    "Preliminary assessment, %(area)s × %(alternative)s: evidence", **where
                )
                # i18n: Mitigation: how the harm would be made smaller.
                mitigation = _l(
                    "Preliminary assessment, %(area)s × %(alternative)s: mitigation", **where
                )
            else:
                # i18n: %(area)s is an impact area ("Children and young people"), %(alternative)s
                # the alternative's code (VE1). Evidence: what the assessment is based on.
                evidence = _l("Final assessment, %(area)s × %(alternative)s: evidence", **where)
                # i18n: Mitigation: how the harm would be made smaller.
                mitigation = _l("Final assessment, %(area)s × %(alternative)s: mitigation", **where)
            items += _item(evidence, f"{key}.evidence", impact.evidence)
            items += _item(mitigation, f"{key}.mitigation", impact.mitigation)
    return items


def _eva_texts(engagement: Engagement) -> list[TextItem]:
    assessment = db.session.scalar(
        select(Assessment)
        .where(Assessment.engagement_id == engagement.id)
        .options(
            selectinload(Assessment.alternatives),
            selectinload(Assessment.areas).selectinload(AssessedArea.area),
            selectinload(Assessment.impacts),
        )
    )
    if assessment is None:
        return []
    items = _fixed("eva.decision_maker", assessment.decision_maker)
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
    items += _impact_texts(assessment, Stage.PRELIMINARY)
    # After the hearing: the final proposal, what the input changed and the final matrix.
    items += _fixed("eva.final_proposal", assessment.final_proposal)
    for assessed in assessment.areas:
        items += _item(
            # i18n: %(area)s is an impact area, e.g. "Children and young people".
            _l(
                "How the input changed the assessment: %(area)s",
                area=tr(assessed.area.label) or assessed.area.code,
            ),
            f"eva.adoption.{assessed.area.code}",
            assessed.adoption_reason,
        )
    items += _impact_texts(assessment, Stage.FINAL)
    return items


def _background_question_texts(panel: Panel) -> list[TextItem]:
    """The background questions staff added to the panel's application form."""
    items: list[TextItem] = []
    for dimension in panel.custom_dimensions or ():
        code = dimension.get("code", "")
        key = f"panel.dimension.{code}"
        items += _item(
            # i18n: %(code)s is the code of a background question staff added to a customer
            # panel's application form, e.g. school.
            _l("Background question %(code)s of the application form", code=code),
            f"{key}.label",
            dimension.get("label"),
        )
        items += _item(
            _l("Answer options of background question %(code)s", code=code),
            f"{key}.options",
            _joined(option.get("label") for option in dimension.get("options") or ()),
        )
    return items


def _meeting_texts(panel: Panel) -> list[TextItem]:
    meetings = db.session.scalars(
        select(PanelMeeting)
        .where(PanelMeeting.panel_id == panel.id)
        .order_by(PanelMeeting.starts_at, PanelMeeting.id)
    )
    items: list[TextItem] = []
    for meeting in meetings:
        key = f"panel.meeting.{meeting.id}"
        date = format_date(meeting.starts_at, "short")
        items += _item(
            # i18n: %(date)s is the day of a customer panel's meeting, e.g. 12.5.2025.
            _l("Agenda of the meeting on %(date)s", date=date),
            f"{key}.agenda",
            meeting.agenda,
        )
        items += _item(
            _l("Materials of the meeting on %(date)s", date=date),
            f"{key}.materials",
            meeting.materials,
        )
        items += _item(
            _l("Minutes of the meeting on %(date)s", date=date), f"{key}.minutes", meeting.minutes
        )
    return items


def _panel_texts(engagement: Engagement) -> list[TextItem]:
    panel = db.session.scalar(select(Panel).where(Panel.engagement_id == engagement.id))
    if panel is None:
        return []
    items: list[TextItem] = []
    for name in ("purpose", "meeting_plan", "compensation"):
        items += _fixed(f"panel.{name}", getattr(panel, name))
    items += _background_question_texts(panel)
    items += _meeting_texts(panel)
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


def _quoted_title(title: str) -> str:
    one_line = " ".join(title.split())
    if len(one_line) <= QUOTED_TITLE_CHARS:
        return one_line
    return one_line[: QUOTED_TITLE_CHARS - 1] + "…"


def _single(label: str | LazyString, key: str, text: str, locale: str) -> list[TextItem]:
    written = _written({locale: text})
    return [TextItem(_label(label), key, written, single_language=True)] if written else []


def _discussion_texts(engagement: Engagement) -> list[TextItem]:
    """What staff wrote in the engagement's discussion (a hearing's comments, a panel's forum):
    the titles of threads they started and their visible posts. Each is written in one language
    and checked in that language only."""
    discussion = db.session.scalar(
        select(Discussion).where(Discussion.engagement_id == engagement.id)
    )
    if discussion is None:
        return []
    threads = db.session.scalars(
        select(Thread).where(Thread.discussion_id == discussion.id).order_by(Thread.id)
    ).all()
    posts = db.session.scalars(
        select(Post)
        .join(Thread, Post.thread_id == Thread.id)
        .where(
            Thread.discussion_id == discussion.id,
            Post.author_kind == AuthorKind.STAFF,
            Post.state == PostState.VISIBLE,
        )
        .order_by(Post.thread_id, Post.id)
    ).all()
    by_thread: dict[int, list[Post]] = {}
    for post in posts:
        by_thread.setdefault(post.thread_id, []).append(post)
    items: list[TextItem] = []
    for thread in threads:
        title = _quoted_title(thread.title)
        if title and thread.author_kind == AuthorKind.STAFF:
            items += _single(
                # i18n: %(date)s is when staff started a discussion in a customer panel's forum,
                # e.g. 12.5.2025 14.05.
                _l(
                    "Title of the discussion staff started on %(date)s",
                    date=format_datetime(thread.created_at, "short"),
                ),
                f"discussion.thread.{thread.id}.title",
                thread.title,
                thread.locale,
            )
        for post in by_thread.get(thread.id, ()):
            when = format_datetime(post.created_at, "short")
            if title:
                # i18n: %(thread)s is the title of a discussion in a customer panel's forum,
                # %(date)s when the message was written, e.g. 12.5.2025 14.05.
                label = _l(
                    "Staff message in the discussion “%(thread)s”, %(date)s",
                    thread=title,
                    date=when,
                )
            else:
                # i18n: A message staff wrote among residents' comments; %(date)s is when.
                label = _l("Staff message in the comments, %(date)s", date=when)
            items += _single(label, f"discussion.post.{post.id}", post.body, post.locale)
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
        *_discussion_texts(engagement),
    ]
