"""The EVA report (printable page and XLSX) and the yearly EVA register.

The report gathers one assessment: the screening, the change, the alternatives, the preliminary
and final matrices in words, the hearing results (:mod:`app.eva.summary`), the response to
residents and the decision. The register lists every screening of a year (an EVA or a recorded
reason for not doing one) with the department, the decision, how many residents were heard and
whether the outcome was published; municipalities report it to their audit committee.

XLSX files are written with XlsxWriter, text always as string cells (never formulas) and text
starting with ``= + - @`` made inert with a leading quote, as the survey export does. Each sheet
has its headings in the chosen language on the first row and the stable column codes on the
second.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import IO, Any

import xlsxwriter
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import and_, func, select
from sqlalchemy.orm import joinedload

from app.core import audit
from app.discussion.models import Discussion, Post, PostState, Thread
from app.engagements.models import Engagement, Status
from app.eva import hearing
from app.eva.hearing import TRIGGER_WORDS, AreaView, HearingView
from app.eva.models import TRIGGERS, Assessment, Stage
from app.eva.summary import ANSWER_CODES, ANSWER_WORDS, HearingSummary, hearing_summary
from app.extensions import db
from app.i18n import LANGUAGE_NAMES, city_zone, tr
from app.questionnaires.export import escape_formula
from app.questionnaires.models import Submission

XLSX_MIMETYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
#: Sheet names are stable (not translated): scripts find them by name.
REPORT_SHEETS = ("Screening", "Change", "Preliminary", "Final", "Hearing", "Response")
REGISTER_SHEET = "Register"
#: The years a register can be asked for.
FIRST_YEAR, LAST_YEAR = 2000, 2100


# --- the report ----------------------------------------------------------------------------


@dataclass
class Report:
    engagement: Engagement
    assessment: Assessment
    locale: str
    hearing: HearingView
    preliminary: list[AreaView]
    final: list[AreaView]
    #: None when there is no hearing (no EVA needed).
    summary: HearingSummary | None
    #: (code, words) of the triggers that apply.
    triggers: list[tuple[str, str]]

    @property
    def has_final(self) -> bool:
        return any(cell.filled for area in self.final for cell in area.cells)


def build_report(engagement: Engagement, locale: str) -> Report | None:
    """Everything the report shows, in ``locale`` (call it with that locale in force)."""
    assessment = hearing.load_assessment(engagement)
    if assessment is None:
        return None
    view = hearing.hearing_view(engagement, locale, assessment)
    if view is None:
        return None
    summary = hearing_summary(engagement, locale, assessment) if assessment.is_needed else None
    return Report(
        engagement=engagement,
        assessment=assessment,
        locale=locale,
        hearing=view,
        preliminary=view.areas,
        final=hearing.matrix(assessment, Stage.FINAL, locale, view.alternatives),
        summary=summary,
        triggers=[
            (code, str(TRIGGER_WORDS[code])) for code in TRIGGERS if code in assessment.triggers
        ],
    )


def _yes_no(value: bool) -> str:
    return _("yes") if value else _("no")


def _iso(value: date | datetime | None) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return local(value).isoformat(timespec="minutes")
    return value.isoformat()


def local(moment: datetime) -> datetime:
    """A UTC time in the city's time zone."""
    zone = city_zone()
    return moment.astimezone(zone)


class _Code(str):
    """One of our own fixed codes (``+``, ``-``): written as it is, never taken for a formula
    because it is a string cell and never comes from a user."""

    __slots__ = ()


class _Sheet:
    """One worksheet: headings, codes, then rows; text is never a formula."""

    def __init__(
        self, workbook: Any, name: str, columns: Sequence[tuple[str, str]], formats: dict
    ) -> None:
        self.sheet = workbook.add_worksheet(name)
        self.formats = formats
        for index, (code, heading) in enumerate(columns):
            self.sheet.write_string(0, index, str(heading), formats["heading"])
            self.sheet.write_string(1, index, code, formats["code"])
            self.sheet.set_column(index, index, 14 if index else 22)
        self.sheet.freeze_panes(2, 0)
        self.row = 2

    def add(self, *values: Any) -> None:
        for index, value in enumerate(values):
            if value is None or value == "":
                continue
            if isinstance(value, bool):
                self.sheet.write_string(self.row, index, _yes_no(value))
            elif isinstance(value, _Code):
                self.sheet.write_string(self.row, index, str(value))
            elif isinstance(value, int | float):
                self.sheet.write_number(self.row, index, value)
            else:
                self.sheet.write_string(self.row, index, escape_formula(str(value)))
        self.row += 1


def _workbook(out: IO[bytes]) -> tuple[Any, dict]:
    workbook = xlsxwriter.Workbook(
        out,
        {"strings_to_formulas": False, "strings_to_numbers": False, "strings_to_urls": False},
    )
    formats = {
        "heading": workbook.add_format({"bold": True}),
        "code": workbook.add_format({"italic": True, "font_color": "#555555"}),
    }
    return workbook, formats


KEY_VALUE = (("code", _l("Code")), ("heading", _l("Heading")), ("value", _l("Value")))
MATRIX_COLUMNS = (
    ("area_code", _l("Impact area code")),
    ("area", _l("Impact area")),
    ("alternative_code", _l("Alternative code")),
    ("alternative", _l("Alternative")),
    ("direction", _l("Direction code")),
    ("direction_words", _l("Direction")),
    ("significance", _l("Significance code")),
    ("significance_words", _l("Significance")),
    ("time_span", _l("Time span code")),
    ("time_span_words", _l("Time span")),
    ("groups", _l("Affected group codes")),
    ("groups_words", _l("Falls mostly on")),
    ("evidence", _l("Evidence")),
    ("mitigation", _l("Mitigation")),
    ("sentence", _l("In words")),
)
HEARING_COLUMNS = (
    ("area_code", _l("Impact area code")),
    ("area", _l("Impact area")),
    ("alternative_code", _l("Alternative code")),
    ("alternative", _l("Alternative")),
    ("question_code", _l("Question code")),
    ("answer_code", _l("Answer code")),
    ("answer", _l("Answer")),
    ("count", _l("Number of answers")),
    ("share", _l("Share")),
)

#: The change's texts in the report, by attribute of the assessment.
CHANGE_TEXTS = (
    ("proposal", _l("What is proposed")),
    ("rationale", _l("Why the change is proposed")),
    ("decision_maker", _l("Who decides")),
    ("use_of_input", _l("How the input will be used")),
    ("easy_read", _l("Easy-read version")),
    ("children_summary", _l("Version for children and young people")),
)


def _language_rows(
    sheet: _Sheet, code: str, heading: Any, value: dict | None, languages: Sequence[str]
) -> None:
    for locale in languages:
        text = (value or {}).get(locale)
        if text:
            sheet.add(f"{code}.{locale}", f"{heading} ({LANGUAGE_NAMES[locale]})", text)


def write_report_xlsx(report: Report, out: IO[bytes]) -> None:
    """The report as XLSX: Screening, Change, Preliminary, Final, Hearing, Response."""
    engagement, assessment = report.engagement, report.assessment
    languages = list(engagement.languages)
    workbook, formats = _workbook(out)
    try:
        screening = _Sheet(workbook, "Screening", KEY_VALUE, formats)
        screening.add("public_id", _("Identifier"), engagement.public_id)
        screening.add("department", _("Department"), tr(engagement.department.name, report.locale))
        screening.add("screened_at", _("Screened"), _iso(assessment.screened_at))
        screening.add("eva_needed", _("EVA needed"), assessment.is_needed)
        for code in TRIGGERS:
            screening.add(f"trigger.{code}", str(TRIGGER_WORDS[code]), code in assessment.triggers)
        screening.add("skip_reason", _("Why no EVA is needed"), assessment.skip_reason or "")

        change = _Sheet(workbook, "Change", KEY_VALUE, formats)
        _language_rows(change, "title", _("Title"), engagement.title, languages)
        _language_rows(change, "summary", _("Summary"), engagement.summary, languages)
        for name, heading in CHANGE_TEXTS:
            _language_rows(change, name, heading, getattr(assessment, name), languages)
        change.add("decision_due", _("Decision expected"), _iso(assessment.decision_due))
        change.add("opens_at", _("Hearing opens"), _iso(engagement.opens_at))
        change.add("closes_at", _("Hearing closes"), _iso(engagement.closes_at))
        for alternative in assessment.alternatives:
            prefix = f"alternative.{alternative.code}"
            _language_rows(
                change, f"{prefix}.label", _("Alternative"), alternative.label, languages
            )
            _language_rows(
                change,
                f"{prefix}.description",
                _("Description"),
                alternative.description,
                languages,
            )
            if alternative.is_current_state:
                change.add(f"{prefix}.current_state", _("The current state"), True)

        for name, areas in (("Preliminary", report.preliminary), ("Final", report.final)):
            sheet = _Sheet(workbook, name, MATRIX_COLUMNS, formats)
            for area in areas:
                for cell in area.cells:
                    if not cell.filled:
                        continue
                    sheet.add(
                        area.code,
                        area.label,
                        cell.alternative.code,
                        cell.alternative.label,
                        _Code(cell.direction),
                        cell.direction_word,
                        cell.significance or "",
                        cell.significance_word,
                        cell.time_span or "",
                        cell.time_word,
                        " ".join(cell.groups),
                        ", ".join(cell.group_words),
                        cell.evidence,
                        cell.mitigation,
                        " ".join(s for s in (cell.summary, cell.falls_on) if s),
                    )

        _hearing_sheet(_Sheet(workbook, "Hearing", HEARING_COLUMNS, formats), report.summary)

        response = _Sheet(workbook, "Response", KEY_VALUE, formats)
        for area in report.preliminary:
            assessed = next(a for a in assessment.areas if a.area.code == area.code)
            response.add(f"adoption.{area.code}", area.label, assessed.adoption or "")
            response.add(f"adoption_words.{area.code}", area.label, area.adoption_word)
            _language_rows(
                response, f"reason.{area.code}", area.label, assessed.adoption_reason, languages
            )
        proposed = report.hearing.proposed
        response.add("proposed", _("Proposed alternative"), proposed.code if proposed else "")
        _language_rows(
            response,
            "final_proposal",
            _("The final proposal"),
            assessment.final_proposal,
            languages,
        )
        response.add("decision_body", _("Who decided"), assessment.decision_body or "")
        response.add("decision_date", _("Date of the decision"), _iso(assessment.decision_date))
        response.add("decision_section", _("Section of the minutes"), assessment.decision_section)
        response.add("decision_url", _("Link to the minutes"), assessment.decision_url or "")
        response.add("decision_ref", _("Decision reference"), engagement.decision_ref or "")
        _language_rows(
            response, "outcome", _("What was done with the input"), engagement.outcome, languages
        )
        response.add(
            "outcome_published_at",
            _("Outcome published"),
            _iso(engagement.outcome_published_at),
        )
    finally:
        workbook.close()


def _hearing_sheet(sheet: _Sheet, summary: HearingSummary | None) -> None:
    if summary is None:
        return
    sheet.add("", _("All responses"), "", "", "", "responses", _("Responses"), summary.total)
    for area in summary.areas:
        for cell in area.cells:
            if not cell.asked:
                continue
            for answer in ANSWER_CODES:
                count = cell.count(answer)
                sheet.add(
                    area.code,
                    area.label,
                    cell.alternative.code,
                    cell.alternative.label,
                    cell.question_code,
                    answer,
                    str(ANSWER_WORDS[answer]),
                    count.count if count else 0,
                    count.share if count and count.share is not None else None,
                )
        if area.comment_code:
            sheet.add(
                area.code,
                area.label,
                "",
                "",
                area.comment_code,
                "comments",
                _("Comments"),
                area.comment_count,
            )
    preference = summary.preference
    for row in preference.rows:
        sheet.add(
            "preferred",
            _("Preferred alternative"),
            row.code.upper(),
            row.name,
            "preferred",
            row.code,
            row.name,
            row.count,
            row.share,
        )


def audit_report_export(engagement: Engagement, locale: str) -> None:
    audit.record("eva.report.export", f"engagements:{engagement.public_id}", language=locale)


# --- the yearly register ---------------------------------------------------------------------


@dataclass(frozen=True)
class RegisterRow:
    public_id: str
    department_code: str
    department: str
    title: str
    title_lang: str | None
    status: str
    screened_on: date
    needed: bool
    skip_reason: str
    triggers: tuple[str, ...]
    trigger_words: tuple[str, ...]
    decision_maker: str
    opens_at: datetime | None
    #: When the hearing closed (early) or closes.
    closes_at: datetime | None
    #: Responses to the hearing (0 when there was none).
    responses: int
    #: Visible comments, when the hearing has a discussion.
    comments: int | None
    outcome_published_on: date | None
    decision_ref: str


def parse_year(value: str | None) -> int | None:
    """A register year from the query string, or None when it is not one."""
    if value is None or not value.strip().isdigit():
        return None
    year = int(value)
    return year if FIRST_YEAR <= year <= LAST_YEAR else None


def current_year() -> int:
    return local(datetime.now(UTC)).year


def _year_bounds(year: int) -> tuple[datetime, datetime]:
    zone = city_zone()
    start = datetime(year, 1, 1, tzinfo=zone).astimezone(UTC)
    end = datetime(year + 1, 1, 1, tzinfo=zone).astimezone(UTC)
    return start, end


def register_rows(year: int, locale: str, viewer: Any = None) -> list[RegisterRow]:
    """Every screening of ``year`` (in the city's time zone), oldest first.

    ``viewer`` None (the command line) or a coordinator sees every department; a staff member
    sees their own department's rows and only published ones of other departments.
    Three statements: the assessments, the responses, the comments.
    """
    start, end = _year_bounds(year)
    query = (
        select(Assessment)
        .join(Engagement, Engagement.id == Assessment.engagement_id)
        .where(Assessment.screened_at >= start, Assessment.screened_at < end)
        .options(joinedload(Assessment.engagement).joinedload(Engagement.department))
        .order_by(Assessment.screened_at, Assessment.id)
    )
    if viewer is not None and not viewer.is_coordinator:
        query = query.where(
            (Engagement.department_id == viewer.department_id)
            | (Engagement.status == Status.PUBLISHED)
        )
    assessments = list(db.session.scalars(query))
    ids = [a.engagement_id for a in assessments]
    responses: dict[int, int] = {}
    comments: dict[int, int] = {}
    if ids:
        responses = dict(
            db.session.execute(
                select(Submission.engagement_id, func.count(Submission.id))
                .where(Submission.engagement_id.in_(ids))
                .group_by(Submission.engagement_id)
            ).all()
        )
        comments = dict(
            db.session.execute(
                select(Discussion.engagement_id, func.count(Post.id))
                .select_from(Discussion)
                .outerjoin(Thread, Thread.discussion_id == Discussion.id)
                .outerjoin(Post, and_(Post.thread_id == Thread.id, Post.state == PostState.VISIBLE))
                .where(Discussion.engagement_id.in_(ids))
                .group_by(Discussion.engagement_id)
            ).all()
        )
    rows = []
    for assessment in assessments:
        engagement = assessment.engagement
        title, title_lang = hearing.translated(engagement.title, locale)
        published = engagement.outcome_published_at
        rows.append(
            RegisterRow(
                public_id=engagement.public_id,
                department_code=engagement.department.code,
                department=tr(engagement.department.name, locale),
                title=title,
                title_lang=title_lang,
                status=str(engagement.status),
                screened_on=local(assessment.screened_at).date(),
                needed=assessment.is_needed,
                skip_reason=assessment.skip_reason or "",
                triggers=tuple(code for code in TRIGGERS if code in assessment.triggers),
                trigger_words=tuple(
                    str(TRIGGER_WORDS[code]) for code in TRIGGERS if code in assessment.triggers
                ),
                decision_maker=tr(assessment.decision_maker, locale),
                opens_at=engagement.opens_at,
                closes_at=engagement.closed_at or engagement.closes_at,
                responses=int(responses.get(engagement.id, 0)),
                comments=int(comments[engagement.id]) if engagement.id in comments else None,
                outcome_published_on=local(published).date() if published else None,
                decision_ref=engagement.decision_ref or "",
            )
        )
    return rows


REGISTER_COLUMNS = (
    ("public_id", _l("Identifier")),
    ("department_code", _l("Department code")),
    ("department", _l("Department")),
    ("title", _l("Change")),
    ("status", _l("Status")),
    ("screened_on", _l("Screened")),
    ("eva_needed", _l("EVA needed")),
    ("skip_reason", _l("Why no EVA is needed")),
    ("triggers", _l("Trigger codes")),
    ("trigger_words", _l("Triggers")),
    ("decision_maker", _l("Who decides")),
    ("hearing_opens", _l("Hearing opens")),
    ("hearing_closes", _l("Hearing closes")),
    ("responses", _l("Residents heard (responses)")),
    ("comments", _l("Comments")),
    ("outcome_published", _l("Outcome published")),
    ("outcome_published_on", _l("Outcome published on")),
    ("decision_ref", _l("Decision")),
)


def write_register_xlsx(rows: list[RegisterRow], out: IO[bytes]) -> None:
    """The register as XLSX, one row per screening (call it with the wanted locale in force)."""
    workbook, formats = _workbook(out)
    try:
        sheet = _Sheet(workbook, REGISTER_SHEET, REGISTER_COLUMNS, formats)
        for row in rows:
            sheet.add(
                row.public_id,
                row.department_code,
                row.department,
                row.title,
                row.status,
                row.screened_on.isoformat(),
                row.needed,
                row.skip_reason,
                " ".join(row.triggers),
                "; ".join(row.trigger_words),
                row.decision_maker,
                _iso(row.opens_at),
                _iso(row.closes_at),
                row.responses,
                row.comments,
                row.outcome_published_on is not None,
                _iso(row.outcome_published_on),
                row.decision_ref,
            )
    finally:
        workbook.close()


def audit_register_export(year: int, rows: int, locale: str) -> None:
    audit.record("eva.register.export", f"eva_register:{year}", rows=rows, language=locale)
