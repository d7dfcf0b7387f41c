"""The year's participation records as files: XLSX, CSV and JSON, and the open-data documents.

Every writer reads the same :class:`Contents` (records, reach, TEAviisari evidence), built once
in the chosen language, so the workbook, the CSV, the JSON and the dashboard cannot disagree.

- **XLSX**: one sheet per view of the records (:data:`SHEETS`). Each sheet has a row of headings
  in the chosen language and under it a row of stable codes (the CSV's column names); data start
  on the third row and the panes are frozen above it. Native Excel charts show people reached per
  focus area, department, channel and quarter. Text is always written as a string cell, never as
  a formula (titles pass :func:`escape_formula` as in the survey export).
- **CSV**: the tidy table of :attr:`Records.tidy` (one row per engagement × focus area × quarter ×
  channel × language), codes only, UTF-8 with a byte order mark, every text cell quoted and made
  inert for spreadsheets, flags as 0/1 — the same conventions as the survey export.
- **JSON**: the records as one document. :func:`open_data` is the same document for the public
  API, without the engagements whose audience is not public.

No file holds personal data: the records count people, they never name them. The callers audit
each export (:func:`audit_export`).
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import IO, Any

import xlsxwriter
from flask import url_for
from flask_babel import force_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from app.core import audit
from app.core.types import utcnow
from app.engagements.models import Engagement, Status
from app.extensions import db
from app.i18n import LOCALES, tr
from app.participation import reach as reach_module
from app.participation import records as records_module
from app.participation import teaviisari
from app.participation.reach import Reach, ReachGroup
from app.participation.records import (
    BreakdownRow,
    EngagementRow,
    Figures,
    Records,
    channel_label,
    kind_label,
    language_label,
)
from app.participation.teaviisari import Indicator
from app.plan import services as plan_services
from app.questionnaires.export import FORMULA_PREFIXES, escape_formula

FORMATS: tuple[str, ...] = ("xlsx", "csv", "json")
MIMETYPES = {
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "csv": "text/csv; charset=utf-8",
    "json": "application/json",
}
#: The workbook's sheets, in order; their names are stable codes.
SHEETS: tuple[str, ...] = (
    "summary",
    "plan_table",
    "departments",
    "channels_languages",
    "quarters",
    "kinds",
    "engagements",
    "reach",
    "teaviisari",
)

#: A progress report from a writer: (step code, percent done).
Progress = Callable[[str, int], None]


class ExportError(Exception):
    """The export cannot be made as asked; ``reason`` is a code (unknown_format, …)."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def check(fmt: str, locale: str) -> None:
    """Raise :class:`ExportError` for a format or language the writers do not know."""
    if fmt not in FORMATS:
        raise ExportError("unknown_format")
    if locale not in LOCALES:
        raise ExportError("unknown_language")


def filename(year: int, fmt: str) -> str:
    """The download name: ``osallistu-participation-<year>.<ext>``."""
    return f"osallistu-participation-{year}.{fmt}"


def audit_export(year: int, fmt: str, locale: str, actor_id: int | None = None) -> None:
    """Add the export's audit row (the caller commits)."""
    audit.record(
        "participation.export", f"participation:{year}", actor_id, format=fmt, language=locale
    )


# --- what every writer reads -----------------------------------------------------------------


@dataclass(frozen=True)
class Contents:
    records: Records
    reach: Reach
    indicators: tuple[Indicator, ...]
    plan_title: str
    generated_at: datetime


def _nothing(_step: str, _percent: int) -> None:
    return None


def build(year: int, locale: str, progress: Progress | None = None) -> Contents:
    """Records, reach and evidence of ``year``, labels in ``locale`` (call in force_locale)."""
    progress = progress or _nothing
    plan = plan_services.current_plan()
    progress("records", 10)
    built = records_module.build(year, locale, plan)
    progress("reach", 40)
    reached = reach_module.build(year, locale)
    indicators = teaviisari.evidence(built)
    return Contents(
        records=built,
        reach=reached,
        indicators=indicators,
        plan_title=tr(plan.title, locale) if plan else "",
        generated_at=utcnow(),
    )


def write(
    year: int, fmt: str, locale: str, out: IO[bytes], progress: Progress | None = None
) -> None:
    """Write the records of ``year`` as ``fmt`` (xlsx, csv, json) in ``locale`` to ``out``.

    Builds the records, reach and evidence once; ``progress`` hears of each step. The caller
    audits the export (:func:`audit_export`).
    """
    check(fmt, locale)
    progress = progress or _nothing
    with force_locale(locale):
        contents = build(year, locale, progress)
        progress("writing", 70)
        if fmt == "xlsx":
            write_xlsx(contents, out)
        elif fmt == "csv":
            write_csv(contents, out)
        else:
            write_json(contents, out)


# --- JSON ------------------------------------------------------------------------------------


def _iso(value: date | datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


def _share(value: float | None) -> float | None:
    return None if value is None else round(value, 4)


def figures_data(figures: Figures) -> dict[str, Any]:
    return {
        "engagements": figures.engagements,
        "participants": figures.participants,
        "responses": figures.responses,
        "commenters": figures.commenters,
        "comments": figures.comments,
        "offline_events": figures.offline_events,
        "offline_participants": figures.offline_participants,
        "attendance": figures.attendance,
        "members": figures.members,
        "outcomes": figures.outcomes,
        "outcome_share": _share(figures.outcome_share),
        "channels": list(figures.channels),
        "languages": list(figures.languages),
    }


def _breakdown_data(rows: Iterable[BreakdownRow], *keys: str) -> list[dict[str, Any]]:
    items = []
    for row in rows:
        item: dict[str, Any] = {key: getattr(row, key) for key in keys}
        item["label"] = row.label
        if row.engagements is not None:
            item["engagements"] = row.engagements
        item.update(
            participants=row.participants,
            responses=row.responses,
            comments=row.comments,
            offline_participants=row.offline_participants,
            attendance=row.attendance,
        )
        items.append(item)
    return items


def engagement_data(row: EngagementRow) -> dict[str, Any]:
    """An engagement's public facts (no internal id, nothing about a person)."""
    return {
        "public_id": row.public_id,
        "kind": row.kind,
        "audience": row.audience,
        "department_code": row.department_code,
        "department": row.department,
        "title": row.title,
        "focus_area_codes": list(row.focus_area_codes),
        "languages_offered": list(row.languages_offered),
        "opens_at": _iso(row.opens_at),
        "closes_at": _iso(row.closes_at),
        "figures": figures_data(row.figures),
        "outcome_published": row.outcome_published,
        "outcome_published_on": _iso(row.outcome_published_on),
        "decision_recorded": row.decision_recorded,
        "subscribers": row.subscribers,
        "informed": row.informed,
        "informed_all": row.informed_all,
        "eva_screened": row.eva_screened,
    }


def _reach_data(reached: Reach) -> dict[str, Any]:
    return {
        "min_group_size": reached.min_group_size,
        "threshold": reached.threshold,
        "has_population": reached.has_population,
        "population_year": reached.population_year,
        "answered": dict(reached.answered),
        "groups": [
            {
                "dimension": group.dimension,
                "code": group.code,
                "label": group.label,
                "population": group.population,
                "population_share": _share(group.population_share),
                # Hidden groups: no count, no share, no ratio, only that they are hidden.
                "participants": None if group.suppressed else group.participants,
                "participant_share": None if group.suppressed else _share(group.participant_share),
                "ratio": None if group.suppressed else _share(group.ratio),
                "suppressed": group.suppressed,
                "under_represented": group.under_represented,
            }
            for group in reached.groups
        ],
    }


def document(contents: Contents, public_only: bool = False) -> dict[str, Any]:
    """The JSON document; ``public_only`` leaves out engagements whose audience is not public
    (their ids are the unlisted links), also from the TEAviisari evidence."""
    rec = contents.records

    def shown(rows: Iterable[EngagementRow]) -> list[EngagementRow]:
        return [row for row in rows if row.is_public or not public_only]

    department_codes = [dep.code for dep in rec.departments]
    return {
        "year": rec.year,
        "language": rec.locale,
        "plan": {"code": rec.plan_code, "title": contents.plan_title},
        "generated_at": contents.generated_at.isoformat(timespec="seconds"),
        "totals": figures_data(rec.total),
        "goals": [
            {
                "code": goal.code,
                "title": goal.title,
                "figures": figures_data(goal.figures),
                "focus_areas": [
                    {"code": area.code, "title": area.title, "figures": figures_data(area.figures)}
                    for area in goal.areas
                ],
            }
            for goal in rec.goals
        ],
        "departments": [
            {"code": dep.code, "name": dep.name, "figures": figures_data(dep.figures)}
            for dep in rec.departments
        ],
        "plan_table": {
            "departments": department_codes,
            "rows": [
                {
                    "goal_code": row.goal_code,
                    "focus_area_code": row.code,
                    "title": row.title,
                    "cells": {
                        code: {"engagements": cell.engagements, "participants": cell.participants}
                        for code, cell in zip(department_codes, row.cells, strict=True)
                    },
                    "total": {
                        "engagements": row.total.engagements,
                        "participants": row.total.participants,
                    },
                }
                for row in rec.plan_table
            ],
        },
        "channels": _breakdown_data(rec.channels, "channel"),
        "languages": _breakdown_data(rec.languages, "language"),
        "channel_language": _breakdown_data(rec.channel_language, "channel", "language"),
        "quarters": [
            {
                "quarter": row.quarter,
                "participants": row.participants,
                "responses": row.responses,
                "comments": row.comments,
                "offline_participants": row.offline_participants,
                "attendance": row.attendance,
            }
            for row in rec.quarters
        ],
        "kinds": [
            {"code": code, "label": label, "figures": figures_data(figures)}
            for code, label, figures in rec.kinds
        ],
        "engagements": [engagement_data(row) for row in shown(rec.engagements)],
        "reach": _reach_data(contents.reach),
        "teaviisari": [
            {
                "code": indicator.code,
                "label": indicator.label,
                "met": indicator.met,
                "rule": indicator.rule,
                "evidence": [row.public_id for row in shown(indicator.evidence)],
            }
            for indicator in contents.indicators
        ],
    }


def write_json(contents: Contents, out: IO[bytes]) -> None:
    text = json.dumps(document(contents), ensure_ascii=False, indent=2)
    out.write(text.encode("utf-8"))


def open_data(year: int, locale: str) -> dict[str, Any]:
    """The public API's document: the JSON export without engagements that are not public."""
    with force_locale(locale):
        return document(build(year, locale), public_only=True)


def open_engagements() -> list[dict[str, Any]]:
    """Published engagements with a public audience, newest first, for the open-data API."""
    query = (
        select(Engagement)
        .where(Engagement.status == Status.PUBLISHED, Engagement.audience == "public")
        .options(selectinload(Engagement.department), selectinload(Engagement.focus_areas))
        .order_by(Engagement.opens_at.desc(), Engagement.id.desc())
    )
    now = utcnow()
    items = []
    for engagement in db.session.scalars(query):
        department = engagement.department
        items.append(
            {
                "public_id": engagement.public_id,
                "kind": str(engagement.kind),
                "title": dict(engagement.title or {}),
                "summary": dict(engagement.summary or {}),
                "department": {"code": department.code, "name": dict(department.name or {})},
                "focus_area_codes": sorted(area.code for area in engagement.focus_areas),
                "languages": list(engagement.languages or ()),
                "opens_at": _iso(engagement.opens_at),
                "closes_at": _iso(engagement.closed_at or engagement.closes_at),
                "open_now": engagement.is_open(now),
                "outcome_published": engagement.outcome_published_at is not None,
                "url": url_for(
                    "respond.engagement",
                    lang="fi",
                    public_id=engagement.public_id,
                    _external=True,
                ),
            }
        )
    return items


# --- CSV -------------------------------------------------------------------------------------


def _inert(value: Any) -> Any:
    return escape_formula(value) if isinstance(value, str) else value


def write_csv(contents: Contents, out: IO[bytes]) -> None:
    """The tidy table, header of codes; UTF-8 with a byte order mark so Excel reads ä and ö."""
    frame = contents.records.tidy.copy()
    for column in ("outcome_published", "decision_recorded"):
        frame[column] = frame[column].astype(bool).astype("int64")
    for column in frame.columns:
        if frame[column].dtype == object or str(frame[column].dtype) in ("str", "string"):
            values = frame[column].astype(object)
            if values.map(lambda v: isinstance(v, str) and v.startswith(FORMULA_PREFIXES)).any():
                frame[column] = values.map(_inert)
    stream = io.TextIOWrapper(out, encoding="utf-8-sig", newline="", write_through=True)
    try:
        frame.to_csv(
            stream,
            index=False,
            na_rep="",
            lineterminator="\r\n",
            quoting=csv.QUOTE_NONNUMERIC,
        )
    finally:
        stream.flush()
        stream.detach()


# --- XLSX ------------------------------------------------------------------------------------


class Code(str):
    """A stable code of ours (focus area, department, channel): written as it is."""

    __slots__ = ()


class Percent(float):
    """A share 0–1, shown as a percentage."""

    __slots__ = ()


Columns = Sequence[tuple[str, Any]]

FIGURE_LABELS: dict[str, Any] = {
    "engagements": _l("Engagements"),
    "participants": _l("People reached"),
    "responses": _l("Responses"),
    "commenters": _l("People who commented"),
    "comments": _l("Comments"),
    "offline_events": _l("Offline events"),
    "offline_participants": _l("Offline participants"),
    "attendance": _l("Meeting attendance"),
    "members": _l("Panel members"),
    "outcomes": _l("Outcomes published"),
    "outcome_share": _l("Share with outcome published"),
    "channels": _l("Channels"),
    "languages": _l("Languages"),
}
#: Figures on the summary sheet, in order.
SUMMARY_FIGURES = (
    "engagements",
    "participants",
    "responses",
    "comments",
    "offline_participants",
    "outcomes",
    "outcome_share",
    "channels",
    "languages",
)
#: Figures on the departments sheet and each engagement's row.
ALL_FIGURES = (
    "engagements",
    "participants",
    "responses",
    "commenters",
    "comments",
    "offline_events",
    "offline_participants",
    "attendance",
    "members",
    "outcomes",
    "outcome_share",
    "channels",
    "languages",
)
BREAKDOWN_FIGURES = (
    "engagements",
    "participants",
    "responses",
    "comments",
    "offline_participants",
    "attendance",
)


def _figure_columns(names: Sequence[str]) -> list[tuple[str, Any]]:
    return [(name, FIGURE_LABELS[name]) for name in names]


def _figure_values(figures: Figures, names: Sequence[str]) -> list[Any]:
    values: list[Any] = []
    for name in names:
        if name == "outcome_share":
            share = figures.outcome_share
            values.append(None if share is None else Percent(share))
        elif name == "channels":
            values.append(", ".join(channel_label(code) for code in figures.channels))
        elif name == "languages":
            values.append(", ".join(language_label(code) for code in figures.languages))
        else:
            values.append(getattr(figures, name))
    return values


def _yes_no(value: bool) -> str:
    return _("yes") if value else _("no")


class _Sheet:
    """One worksheet: headings in the chosen language, codes under them, then rows."""

    def __init__(self, workbook: Any, name: str, columns: Columns, formats: dict) -> None:
        self.name = name
        self.sheet = workbook.add_worksheet(name)
        self.formats = formats
        self.codes = [code for code, _label in columns]
        for index, (code, heading) in enumerate(columns):
            self.sheet.write_string(0, index, str(heading), formats["heading"])
            self.sheet.write_string(1, index, code, formats["code"])
        self.sheet.freeze_panes(2, 0)
        self.row = 2

    def column(self, code: str) -> int:
        return self.codes.index(code)

    def widths(self, *widths: tuple[int, int]) -> None:
        for index, width in widths:
            self.sheet.set_column(index, index, width)

    def add(self, *values: Any) -> int:
        """Write a row; returns its index. None is an empty cell; text is never a formula."""
        sheet = self.sheet
        for index, value in enumerate(values):
            if value is None or value == "":
                continue
            if isinstance(value, bool):
                sheet.write_string(self.row, index, _yes_no(value))
            elif isinstance(value, Percent):
                sheet.write_number(self.row, index, float(value), self.formats["percent"])
            elif isinstance(value, int | float):
                sheet.write_number(self.row, index, value)
            elif isinstance(value, Code):
                sheet.write_string(self.row, index, str(value))
            else:
                sheet.write_string(self.row, index, escape_formula(str(value)))
        self.row += 1
        return self.row - 1


def _bar_chart(
    workbook: Any,
    sheet: _Sheet,
    rows: tuple[int, int],
    category: str,
    value: str,
    title: str,
    kind: str = "bar",
) -> None:
    """A native chart of column ``value`` over rows ``rows`` (inclusive), beside the table."""
    first, last = rows
    if last < first:
        return
    chart = workbook.add_chart({"type": kind})
    chart.add_series(
        {
            "name": [sheet.name, 0, sheet.column(value)],
            "categories": [sheet.name, first, sheet.column(category), last, sheet.column(category)],
            "values": [sheet.name, first, sheet.column(value), last, sheet.column(value)],
            "data_labels": {"value": True},
        }
    )
    chart.set_title({"name": title})
    chart.set_legend({"none": True})
    if kind == "bar":
        chart.set_y_axis({"reverse": True})
    height = max(288, 22 * (last - first + 1) + 100)
    chart.set_size({"width": 640, "height": height})
    sheet.sheet.insert_chart(2, len(sheet.codes) + 1, chart)


def _local(moment: datetime | None) -> str:
    if moment is None:
        return ""
    from app.eva.report import local

    return local(moment).isoformat(timespec="minutes")


def write_xlsx(contents: Contents, out: IO[bytes]) -> None:
    """The workbook (call it with the wanted locale in force)."""
    rec = contents.records
    workbook = xlsxwriter.Workbook(
        out,
        {"strings_to_formulas": False, "strings_to_numbers": False, "strings_to_urls": False},
    )
    try:
        formats = {
            "heading": workbook.add_format({"bold": True, "text_wrap": True, "valign": "top"}),
            "code": workbook.add_format({"italic": True, "font_color": "#555555"}),
            "percent": workbook.add_format({"num_format": "0%"}),
        }
        title = _("Participation records %(year)d", year=rec.year)
        workbook.set_properties(
            {
                "title": title,
                "subject": contents.plan_title,
                "keywords": f"{rec.year}, {rec.plan_code}",
                "comments": _("Made by Osallistu on %(date)s.", date=_local(contents.generated_at)),
                "created": contents.generated_at.replace(tzinfo=None),
            }
        )
        workbook.set_custom_property("year", rec.year)
        workbook.set_custom_property("plan", rec.plan_code or "-")
        workbook.set_custom_property("language", rec.locale)
        _summary_sheet(workbook, formats, rec)
        _plan_table_sheet(workbook, formats, rec, title)
        _departments_sheet(workbook, formats, rec)
        _channels_languages_sheet(workbook, formats, rec)
        _quarters_sheet(workbook, formats, rec)
        _kinds_sheet(workbook, formats, rec)
        _engagements_sheet(workbook, formats, rec)
        _reach_sheet(workbook, formats, contents.reach)
        _teaviisari_sheet(workbook, formats, contents.indicators)
    finally:
        workbook.close()


def _summary_sheet(workbook: Any, formats: dict, rec: Records) -> None:
    columns = [
        ("goal_code", _l("Goal code")),
        ("focus_area_code", _l("Focus area code")),
        ("title", _l("Goal or focus area")),
        *_figure_columns(SUMMARY_FIGURES),
    ]
    sheet = _Sheet(workbook, "summary", columns, formats)
    sheet.widths((0, 10), (1, 12), (2, 50), (9, 24), (10, 24))
    for goal in rec.goals:
        sheet.add(Code(goal.code), None, goal.title, *_figure_values(goal.figures, SUMMARY_FIGURES))
    first = sheet.row
    for area in rec.focus_areas:
        sheet.add(
            Code(area.goal_code),
            Code(area.code),
            area.title,
            *_figure_values(area.figures, SUMMARY_FIGURES),
        )
    last = sheet.row - 1
    sheet.add(None, None, _("All engagements"), *_figure_values(rec.total, SUMMARY_FIGURES))
    _bar_chart(
        workbook, sheet, (first, last), "title", "participants", _("People reached by focus area")
    )


def _plan_table_sheet(workbook: Any, formats: dict, rec: Records, title: str) -> None:
    columns: list[tuple[str, Any]] = [
        ("goal_code", _l("Goal code")),
        ("focus_area_code", _l("Focus area code")),
        ("title", _l("Focus area")),
    ]
    for dep in rec.departments:
        columns.append(
            (f"{dep.code}.engagements", _("%(department)s: engagements", department=dep.name))
        )
        columns.append(
            (f"{dep.code}.participants", _("%(department)s: people reached", department=dep.name))
        )
    columns += [
        ("total.engagements", _l("All departments: engagements")),
        ("total.participants", _l("All departments: people reached")),
    ]
    sheet = _Sheet(workbook, "plan_table", columns, formats)
    sheet.widths((0, 8), (1, 10), (2, 40))
    sheet.sheet.set_column(3, len(columns) - 1, 12)
    sheet.sheet.set_row(0, 60)
    for row in rec.plan_table:
        cells: list[Any] = []
        for cell in row.cells:
            cells += [cell.engagements, cell.participants]
        sheet.add(
            Code(row.goal_code),
            Code(row.code),
            row.title,
            *cells,
            row.total.engagements,
            row.total.participants,
        )
    # Printable: landscape, as wide as the paper, the headings on every page.
    sheet.sheet.set_landscape()
    sheet.sheet.set_paper(9)
    sheet.sheet.fit_to_pages(1, 0)
    sheet.sheet.repeat_rows(0, 1)
    sheet.sheet.set_header("&C" + title.replace("&", "&&"))
    sheet.sheet.set_footer("&C&P / &N")


def _departments_sheet(workbook: Any, formats: dict, rec: Records) -> None:
    columns = [
        ("department_code", _l("Department code")),
        ("department", _l("Department")),
        *_figure_columns(ALL_FIGURES),
    ]
    sheet = _Sheet(workbook, "departments", columns, formats)
    sheet.widths((0, 20), (1, 36))
    first = sheet.row
    for dep in rec.departments:
        sheet.add(Code(dep.code), dep.name, *_figure_values(dep.figures, ALL_FIGURES))
    _bar_chart(
        workbook,
        sheet,
        (first, sheet.row - 1),
        "department",
        "participants",
        _("People reached by department"),
    )


def _channels_languages_sheet(workbook: Any, formats: dict, rec: Records) -> None:
    columns = [
        ("breakdown", _l("Breakdown")),
        ("channel", _l("Channel code")),
        ("language", _l("Language code")),
        ("label", _l("Channel or language")),
        *_figure_columns(BREAKDOWN_FIGURES),
    ]
    sheet = _Sheet(workbook, "channels_languages", columns, formats)
    sheet.widths((0, 18), (3, 30))

    def block(code: str, rows: Iterable[BreakdownRow], channel: bool, language: bool) -> int:
        first = sheet.row
        for row in rows:
            sheet.add(
                Code(code),
                Code(row.channel) if channel else None,
                Code(row.language) if language else None,
                row.label,
                row.engagements,
                row.participants,
                row.responses,
                row.comments,
                row.offline_participants,
                row.attendance,
            )
        return first

    first = block("channel", rec.channels, channel=True, language=False)
    last = sheet.row - 1
    block("language", rec.languages, channel=False, language=True)
    block("channel_language", rec.channel_language, channel=True, language=True)
    _bar_chart(
        workbook, sheet, (first, last), "label", "participants", _("People reached by channel")
    )


def _quarters_sheet(workbook: Any, formats: dict, rec: Records) -> None:
    columns = [
        ("quarter", _l("Quarter")),
        ("label", _l("Period")),
        *_figure_columns(BREAKDOWN_FIGURES[1:]),
    ]
    sheet = _Sheet(workbook, "quarters", columns, formats)
    sheet.widths((1, 24))
    first = sheet.row
    for row in rec.quarters:
        sheet.add(
            row.quarter,
            _("Quarter %(quarter)d of %(year)d", quarter=row.quarter, year=rec.year),
            row.participants,
            row.responses,
            row.comments,
            row.offline_participants,
            row.attendance,
        )
    _bar_chart(
        workbook,
        sheet,
        (first, sheet.row - 1),
        "label",
        "participants",
        _("People reached by quarter"),
        kind="column",
    )


def _kinds_sheet(workbook: Any, formats: dict, rec: Records) -> None:
    columns = [("kind", _l("Kind code")), ("label", _l("Kind")), *_figure_columns(ALL_FIGURES)]
    sheet = _Sheet(workbook, "kinds", columns, formats)
    sheet.widths((1, 24))
    for code, label, figures in rec.kinds:
        sheet.add(Code(code), label, *_figure_values(figures, ALL_FIGURES))


#: Each engagement's facts besides its figures: (code, heading).
ENGAGEMENT_COLUMNS = (
    ("public_id", _l("Id")),
    ("engagement_id", _l("Internal number")),
    ("kind", _l("Kind code")),
    ("kind_label", _l("Kind")),
    ("audience", _l("Audience code")),
    ("department_code", _l("Department code")),
    ("department", _l("Department")),
    ("title", _l("Title")),
    ("title_lang", _l("Language of the title")),
    ("focus_area_codes", _l("Focus area codes")),
    ("languages_offered", _l("Languages offered")),
    ("opens_at", _l("Opens")),
    ("closes_at", _l("Closes")),
)
ENGAGEMENT_FLAGS = (
    ("outcome_published", _l("Outcome published")),
    ("outcome_published_on", _l("Outcome published on")),
    ("decision_recorded", _l("Decision recorded")),
    ("subscribers", _l("Asked for the outcome by e-mail")),
    ("informed", _l("Sent the outcome by e-mail")),
    ("informed_all", _l("Everyone who asked was told")),
    ("eva_screened", _l("EVA screening done")),
)


def _engagements_sheet(workbook: Any, formats: dict, rec: Records) -> None:
    columns = [*ENGAGEMENT_COLUMNS, *_figure_columns(ALL_FIGURES), *ENGAGEMENT_FLAGS]
    sheet = _Sheet(workbook, "engagements", columns, formats)
    sheet.widths((0, 12), (6, 30), (7, 40), (11, 17), (12, 17))
    sheet.sheet.freeze_panes(2, 1)
    for row in rec.engagements:
        sheet.add(
            Code(row.public_id),
            row.engagement_id,
            Code(row.kind),
            kind_label(row.kind),
            Code(row.audience),
            Code(row.department_code),
            row.department,
            row.title,
            Code(row.title_lang or ""),
            Code(" ".join(row.focus_area_codes)),
            Code(" ".join(row.languages_offered)),
            _local(row.opens_at),
            _local(row.closes_at),
            *_figure_values(row.figures, ALL_FIGURES),
            row.outcome_published,
            _iso(row.outcome_published_on),
            row.decision_recorded,
            row.subscribers,
            row.informed,
            row.informed_all,
            row.eva_screened,
        )


def hidden_label(reached: Reach, group: ReachGroup) -> str:
    """What a hidden group shows instead of its count: "<5", or "hidden" when withheld."""
    if group.withheld:
        return _("hidden")
    return f"<{reached.min_group_size}"


def _reach_sheet(workbook: Any, formats: dict, reached: Reach) -> None:
    columns = [
        ("dimension", _l("Background question")),
        ("code", _l("Group code")),
        ("label", _l("Group")),
        ("population", _l("Population")),
        ("population_share", _l("Share of the population")),
        ("participants", _l("Responses")),
        ("participant_share", _l("Share of responses")),
        ("ratio", _l("Ratio (1 = as many as the population share)")),
        ("under_represented", _l("Under-represented")),
        ("suppressed", _l("Hidden: a small group")),
    ]
    sheet = _Sheet(workbook, "reach", columns, formats)
    sheet.widths((2, 30), (7, 16))
    dimensions = {"age": _("Age"), "area": _("Postal area")}
    for group in reached.groups:
        hidden = group.suppressed
        sheet.add(
            Code(group.dimension),
            Code(group.code),
            group.label,
            group.population,
            None if group.population_share is None else Percent(group.population_share),
            Code(hidden_label(reached, group)) if hidden else group.participants,
            None if hidden or group.participant_share is None else Percent(group.participant_share),
            None if hidden or group.ratio is None else round(group.ratio, 2),
            group.under_represented,
            hidden,
        )
    sheet.row += 1
    notes = [
        _(
            "Groups with fewer than %(minimum)d responses are hidden.",
            minimum=reached.min_group_size,
        ),
        _(
            "A group is under-represented when its share of responses is less than "
            "%(percent)d%% of its share of the population.",
            percent=round(reached.threshold * 100),
        ),
    ]
    if reached.population_year:
        notes.append(_("Population table: %(year)d.", year=reached.population_year))
    elif not reached.has_population:
        notes.append(_("No population table has been uploaded."))
    for dimension, count in reached.answered.items():
        notes.append(
            _(
                "%(question)s: %(count)d responses answered the question.",
                question=dimensions.get(dimension, dimension),
                count=count,
            )
        )
    for note in notes:
        sheet.sheet.write_string(sheet.row, 0, note)
        sheet.row += 1


def _teaviisari_sheet(workbook: Any, formats: dict, indicators: Sequence[Indicator]) -> None:
    columns = [
        ("code", _l("Indicator code")),
        ("label", _l("Indicator")),
        ("met", _l("Met")),
        ("rule", _l("What counts as evidence")),
        ("evidence", _l("Evidence: engagement ids")),
        ("evidence_titles", _l("Evidence: engagements")),
        ("evidence_count", _l("Engagements")),
    ]
    sheet = _Sheet(workbook, "teaviisari", columns, formats)
    sheet.widths((0, 20), (1, 44), (3, 50), (4, 30), (5, 50))
    for indicator in indicators:
        sheet.add(
            Code(indicator.code),
            indicator.label,
            indicator.met,
            indicator.rule,
            Code(" ".join(row.public_id for row in indicator.evidence)),
            "; ".join(row.title for row in indicator.evidence),
            len(indicator.evidence),
        )
