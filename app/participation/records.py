"""The year's participation records as typed results for pages and writers.

:func:`build` reads the facts once (:mod:`frames`), rolls them up (:mod:`aggregations`) and
joins labels in the viewer's language last. The dashboard, the plan table, the exports and the
open-data API all read the same :class:`Records`, so their numbers cannot disagree.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

import pandas as pd
from flask_babel import lazy_gettext as _l

from app.i18n import tr, tr_lang
from app.participation import aggregations, frames
from app.participation.queries import FIRST_YEAR, LAST_YEAR, Period, period
from app.plan import services as plan_services
from app.plan.models import Plan

KIND_LABELS = {"survey": _l("Survey"), "eva": _l("EVA hearing"), "panel": _l("Customer panel")}
CHANNEL_LABELS = {
    "web": _l("Online"),
    "paper": _l("Paper form"),
    "event": _l("At an event"),
    "phone": _l("By phone"),
    "kiosk": _l("Kiosk"),
}
LANGUAGE_LABELS = {
    "fi": _l("Finnish"),
    "sv": _l("Swedish"),
    "en": _l("English"),
    "": _l("Language not recorded"),
}


def kind_label(code: str) -> str:
    return str(KIND_LABELS.get(code, code))


def channel_label(code: str) -> str:
    return str(CHANNEL_LABELS.get(code, code))


def language_label(code: str) -> str:
    return str(LANGUAGE_LABELS.get(code, code))


def parse_year(value: str | None) -> int | None:
    """A records year from the query string or command line, or None when it is not one."""
    if value is None or not str(value).strip().isdigit():
        return None
    year = int(value)
    return year if FIRST_YEAR <= year <= LAST_YEAR else None


@dataclass(frozen=True)
class Figures:
    """Additive figures of a group of engagements."""

    engagements: int = 0
    #: People reached: respondents, comment writers, offline participants, panel members.
    participants: int = 0
    responses: int = 0
    commenters: int = 0
    comments: int = 0
    offline_events: int = 0
    offline_participants: int = 0
    #: Marks of members present at panel meetings (a member at two meetings counts twice).
    attendance: int = 0
    #: Customer panel members during the year.
    members: int = 0
    #: Engagements whose outcome ("you said, we did") is published.
    outcomes: int = 0
    channels: tuple[str, ...] = ()
    languages: tuple[str, ...] = ()

    @property
    def outcome_share(self) -> float | None:
        return self.outcomes / self.engagements if self.engagements else None

    @classmethod
    def of(cls, row: pd.Series | dict[str, Any]) -> Figures:
        get = row.get
        return cls(
            engagements=int(get("engagements", 0)),
            participants=int(get("participants", 0)),
            responses=int(get("responses", 0)),
            commenters=int(get("commenters", 0)),
            comments=int(get("comments", 0)),
            offline_events=int(get("offline_events", 0)),
            offline_participants=int(get("offline_participants", 0)),
            attendance=int(get("attendance", 0)),
            members=int(get("members", 0)),
            outcomes=int(get("outcomes", 0)),
            channels=tuple(get("channels", ()) or ()),
            languages=tuple(get("used_languages", ()) or ()),
        )


@dataclass(frozen=True)
class FocusAreaRow:
    goal_code: str
    code: str
    title: str
    title_lang: str | None
    figures: Figures


@dataclass(frozen=True)
class GoalRow:
    code: str
    title: str
    title_lang: str | None
    figures: Figures
    areas: tuple[FocusAreaRow, ...]


@dataclass(frozen=True)
class DepartmentRow:
    code: str
    name: str
    name_lang: str | None
    figures: Figures


@dataclass(frozen=True)
class Cell:
    engagements: int
    participants: int


@dataclass(frozen=True)
class PlanTableRow:
    goal_code: str
    code: str
    title: str
    title_lang: str | None
    #: One cell per department, in the order of :attr:`Records.departments`.
    cells: tuple[Cell, ...]
    total: Cell


@dataclass(frozen=True)
class BreakdownRow:
    """Participation through one channel and/or language."""

    channel: str
    language: str
    label: str
    #: Engagements with participation in this row (absent when summed over a dimension).
    engagements: int | None
    participants: int
    responses: int
    comments: int
    offline_participants: int
    attendance: int


@dataclass(frozen=True)
class QuarterRow:
    quarter: int
    participants: int
    responses: int
    comments: int
    offline_participants: int
    attendance: int


@dataclass(frozen=True)
class EngagementRow:
    """One engagement with every fact the records hold about it."""

    engagement_id: int
    public_id: str
    kind: str
    audience: str
    department_code: str
    department: str
    title: str
    title_lang: str | None
    focus_area_codes: tuple[str, ...]
    languages_offered: tuple[str, ...]
    opens_at: datetime | None
    closes_at: datetime | None
    figures: Figures
    outcome_published: bool
    outcome_published_on: date | None
    decision_recorded: bool
    #: E-mail addresses that asked for the outcome news, and how many were sent it.
    subscribers: int
    informed: int
    informed_all: bool
    eva_screened: bool

    @property
    def is_public(self) -> bool:
        """Listed for everyone (not an unlisted link or an invited audience)."""
        return self.audience == "public"


@dataclass(frozen=True)
class Records:
    year: int
    locale: str
    plan_code: str
    total: Figures
    goals: tuple[GoalRow, ...]
    departments: tuple[DepartmentRow, ...]
    plan_table: tuple[PlanTableRow, ...]
    channels: tuple[BreakdownRow, ...]
    languages: tuple[BreakdownRow, ...]
    channel_language: tuple[BreakdownRow, ...]
    quarters: tuple[QuarterRow, ...]
    kinds: tuple[tuple[str, str, Figures], ...]
    engagements: tuple[EngagementRow, ...]
    #: The tidy table behind the CSV (codes only), see :func:`aggregations.tidy`.
    tidy: pd.DataFrame = field(repr=False, compare=False)

    @property
    def focus_areas(self) -> tuple[FocusAreaRow, ...]:
        return tuple(area for goal in self.goals for area in goal.areas)

    @property
    def areas_without_engagement(self) -> tuple[FocusAreaRow, ...]:
        return tuple(area for area in self.focus_areas if area.figures.engagements == 0)

    def engagements_of(self, focus_area_code: str) -> tuple[EngagementRow, ...]:
        return tuple(row for row in self.engagements if focus_area_code in row.focus_area_codes)


def _local_date(moment: Any) -> date | None:
    if moment is None or pd.isna(moment):
        return None
    from app.eva.report import local

    return local(moment).date()


def _moment(value: Any) -> datetime | None:
    if value is None or pd.isna(value):
        return None
    return value.to_pydatetime() if isinstance(value, pd.Timestamp) else value


def _breakdown(frame: pd.DataFrame, label: Any) -> tuple[BreakdownRow, ...]:
    rows = []
    for row in frame.to_dict("records"):
        channel = str(row.get("channel", "") or "")
        language = str(row.get("language", "") or "")
        rows.append(
            BreakdownRow(
                channel=channel,
                language=language,
                label=label(channel, language),
                engagements=int(row["engagements"]) if "engagements" in row else None,
                participants=int(row["participants"]),
                responses=int(row["responses"]),
                comments=int(row["comments"]),
                offline_participants=int(row["offline_participants"]),
                attendance=int(row["attendance"]),
            )
        )
    return tuple(rows)


def build(year: int, locale: str, plan: Plan | None = None) -> Records:
    """The records of ``year`` with labels in ``locale``."""
    plan = plan or plan_services.current_plan()
    the_year: Period = period(year)
    facts = frames.facts(the_year)
    engagements = frames.engagements(the_year, sorted(set(facts["engagement_id"].tolist())))
    if plan is None:
        links = frames.focus_links_empty()
        structure = pd.DataFrame(
            columns=["goal_code", "goal_title", "focus_area_code", "focus_area_title"]
        )
    else:
        links = frames.focus_links(plan)
        structure = frames.plan_frame(plan)
    departments = frames.departments_frame()
    totals = aggregations.engagement_totals(facts, engagements, links)

    area_frame = aggregations.by_focus_area(totals, links, structure).set_index("focus_area_code")
    goal_frame = aggregations.by_goal(totals, links, structure).set_index("goal_code")
    goals = []
    for goal_code, group in structure.groupby("goal_code", sort=False):
        goal_title = group["goal_title"].iloc[0]
        areas = tuple(
            FocusAreaRow(
                goal_code=str(goal_code),
                code=str(row.focus_area_code),
                title=tr(row.focus_area_title, locale),
                title_lang=tr_lang(row.focus_area_title, locale),
                figures=Figures.of(area_frame.loc[row.focus_area_code]),
            )
            for row in group.itertuples()
        )
        goals.append(
            GoalRow(
                code=str(goal_code),
                title=tr(goal_title, locale),
                title_lang=tr_lang(goal_title, locale),
                figures=Figures.of(goal_frame.loc[goal_code]),
                areas=areas,
            )
        )

    dep_frame = aggregations.by_department(totals, departments).set_index("department_code")
    dep_names = dict(zip(departments["department_code"], departments["name"], strict=True))
    department_rows = tuple(
        DepartmentRow(
            code=str(code),
            name=tr(dep_names[code], locale),
            name_lang=tr_lang(dep_names[code], locale),
            figures=Figures.of(dep_frame.loc[code]),
        )
        for code in departments["department_code"]
    )

    cells = {
        (row["focus_area_code"], row["department_code"]): Cell(
            int(row["engagements"]), int(row["participants"])
        )
        for row in aggregations.plan_table(totals, links, structure, departments).to_dict("records")
    }
    table_rows = []
    for goal in goals:
        for area in goal.areas:
            row_cells = tuple(cells[(area.code, dep.code)] for dep in department_rows)
            table_rows.append(
                PlanTableRow(
                    goal_code=goal.code,
                    code=area.code,
                    title=area.title,
                    title_lang=area.title_lang,
                    cells=row_cells,
                    total=Cell(area.figures.engagements, area.figures.participants),
                )
            )

    channel_language = aggregations.by_channel_language(facts, totals)
    both = _breakdown(
        channel_language,
        lambda channel, language: f"{channel_label(channel)} · {language_label(language)}",
    )
    channels = _breakdown(
        aggregations.by_dimension(channel_language, "channel"),
        lambda channel, _language: channel_label(channel),
    )
    languages = _breakdown(
        aggregations.by_dimension(channel_language, "language"),
        lambda _channel, language: language_label(language),
    )
    quarters = tuple(
        QuarterRow(
            quarter=int(row["quarter"]),
            participants=int(row["participants"]),
            responses=int(row["responses"]),
            comments=int(row["comments"]),
            offline_participants=int(row["offline_participants"]),
            attendance=int(row["attendance"]),
        )
        for row in aggregations.by_quarter(facts, totals).to_dict("records")
    )
    kinds = []
    for kind in KIND_LABELS:
        of_kind = totals[totals["kind"] == kind]
        if len(of_kind):
            kinds.append((kind, kind_label(kind), Figures.of(aggregations.total(of_kind))))

    engagement_rows = []
    for row in totals.sort_values(["department_code", "public_id"]).to_dict("records"):
        published = _moment(row["outcome_published_at"])
        engagement_rows.append(
            EngagementRow(
                engagement_id=int(row["engagement_id"]),
                public_id=str(row["public_id"]),
                kind=str(row["kind"]),
                audience=str(row["audience"]),
                department_code=str(row["department_code"]),
                department=tr(dep_names.get(row["department_code"]), locale),
                title=tr(row["title"], locale),
                title_lang=tr_lang(row["title"], locale),
                focus_area_codes=tuple(row["focus_area_codes"]),
                languages_offered=tuple(row["languages"] or ()),
                opens_at=_moment(row["opens_at"]),
                closes_at=_moment(row["closes_at"]),
                figures=Figures.of(row),
                outcome_published=bool(row["outcome_published"]),
                outcome_published_on=_local_date(published),
                decision_recorded=bool(row["decision_recorded"]),
                subscribers=int(row["subscribers"]),
                informed=int(row["informed"]),
                informed_all=bool(row["informed_all"]),
                eva_screened=_moment(row["eva_screened_at"]) is not None,
            )
        )

    tidy = aggregations.tidy(facts, totals, links)
    goal_of = dict(zip(structure["focus_area_code"], structure["goal_code"], strict=True))
    tidy.insert(0, "goal_code", tidy["focus_area_code"].map(goal_of).fillna(""))
    tidy.insert(0, "year", year)

    return Records(
        year=year,
        locale=locale,
        plan_code=plan.code if plan else "",
        total=Figures.of(aggregations.total(totals)),
        goals=tuple(goals),
        departments=department_rows,
        plan_table=tuple(table_rows),
        channels=channels,
        languages=languages,
        channel_language=both,
        quarters=quarters,
        kinds=tuple(kinds),
        engagements=tuple(engagement_rows),
        tidy=tidy,
    )
