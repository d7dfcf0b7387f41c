"""Select statements behind the participation records: counting happens here, in SQL.

Every figure is counted per engagement, quarter, channel and language in the database, so the
read side moves a few thousand grouped rows into pandas however many responses there are. A
quarter is a CASE on the row's time against the quarter starts of the city's time zone
(:class:`Period`), which reads the same on SQLite and PostgreSQL.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime

from sqlalchemy import ColumnElement, Select, and_, case, func, literal, or_, select

from app.discussion.models import AuthorKind, Discussion, Post, PostState, Thread
from app.engagements.models import (
    Engagement,
    OutcomeSubscription,
    Status,
    engagement_focus_areas,
)
from app.eva.models import Assessment
from app.i18n import city_zone
from app.panels.models import MeetingAttendance, Panel, PanelMeeting, PanelMember
from app.participation.models import OfflineParticipation, PopulationGroup
from app.plan.models import Department, FocusArea, Plan, StrategicGoal
from app.questionnaires.models import Submission

#: Years the records can be asked for.
FIRST_YEAR = 2000
LAST_YEAR = 2100


@dataclass(frozen=True)
class Period:
    """A calendar year in the city's time zone, as UTC instants and local dates."""

    year: int
    #: Start of the year and of each quarter (Q1..Q4), in UTC.
    quarter_starts: tuple[datetime, datetime, datetime, datetime]
    end: datetime

    @property
    def start(self) -> datetime:
        return self.quarter_starts[0]

    @property
    def first_day(self) -> date:
        return date(self.year, 1, 1)

    @property
    def last_day(self) -> date:
        return date(self.year, 12, 31)


def period(year: int) -> Period:
    """The year ``year`` in the city's time zone (``BABEL_DEFAULT_TIMEZONE``)."""
    zone = city_zone()

    def start(month: int, of_year: int = year) -> datetime:
        return datetime(of_year, month, 1, tzinfo=zone).astimezone(UTC)

    return Period(
        year=year,
        quarter_starts=(start(1), start(4), start(7), start(10)),
        end=start(1, year + 1),
    )


def _quarter(column: ColumnElement, bounds: Period | tuple[date, date, date]) -> ColumnElement:
    """1–4 by the quarter the time (or date) falls in; the caller limits it to the year."""
    if isinstance(bounds, Period):
        q2, q3, q4 = bounds.quarter_starts[1:]
    else:
        q2, q3, q4 = bounds
    return case((column < q2, 1), (column < q3, 2), (column < q4, 3), else_=4)


def submission_facts(year: Period) -> Select:
    """Responses per engagement, quarter, channel and language in the year."""
    quarter = _quarter(Submission.submitted_at, year).label("quarter")
    return (
        select(
            Submission.engagement_id,
            quarter,
            Submission.channel.label("channel"),
            Submission.locale.label("language"),
            func.count(Submission.id).label("responses"),
        )
        .where(Submission.submitted_at >= year.start, Submission.submitted_at < year.end)
        .group_by(Submission.engagement_id, quarter, Submission.channel, Submission.locale)
    )


def comment_facts(year: Period) -> Select:
    """Residents' and panel members' visible posts, and how many residents wrote them.

    Staff posts are the city answering, not participation; hidden and waiting posts do not
    count. Posts are written on the web.
    """
    quarter = _quarter(Post.created_at, year).label("quarter")
    return (
        select(
            Discussion.engagement_id,
            quarter,
            literal("web").label("channel"),
            Post.locale.label("language"),
            func.count(Post.id).label("comments"),
            # Panel members are counted as members; residents by their different nicknames.
            func.count(
                func.distinct(case((Post.author_kind == AuthorKind.RESIDENT, Post.author_name)))
            ).label("commenters"),
        )
        .select_from(Post)
        .join(Thread, Thread.id == Post.thread_id)
        .join(Discussion, Discussion.id == Thread.discussion_id)
        .where(
            Post.created_at >= year.start,
            Post.created_at < year.end,
            Post.state == PostState.VISIBLE,
            Post.author_kind.in_((AuthorKind.RESIDENT, AuthorKind.MEMBER)),
        )
        .group_by(Discussion.engagement_id, quarter, Post.locale)
    )


def offline_facts(year: Period) -> Select:
    """Offline participation staff entered, by the day it happened."""
    y = year.year
    quarter = _quarter(
        OfflineParticipation.held_on, (date(y, 4, 1), date(y, 7, 1), date(y, 10, 1))
    ).label("quarter")
    return (
        select(
            OfflineParticipation.engagement_id,
            quarter,
            OfflineParticipation.channel.label("channel"),
            OfflineParticipation.language.label("language"),
            func.count(OfflineParticipation.id).label("offline_events"),
            func.sum(OfflineParticipation.participants).label("offline_participants"),
        )
        .where(
            OfflineParticipation.held_on >= year.first_day,
            OfflineParticipation.held_on <= year.last_day,
        )
        .group_by(
            OfflineParticipation.engagement_id,
            quarter,
            OfflineParticipation.channel,
            OfflineParticipation.language,
        )
    )


def attendance_facts(year: Period) -> Select:
    """Customer panel members marked present at the year's meetings (met in person: ``event``;
    the meeting's language is not recorded)."""
    quarter = _quarter(PanelMeeting.starts_at, year).label("quarter")
    return (
        select(
            Panel.engagement_id,
            quarter,
            literal("event").label("channel"),
            literal("").label("language"),
            func.count().label("attendance"),
        )
        .select_from(MeetingAttendance)
        .join(PanelMeeting, PanelMeeting.id == MeetingAttendance.meeting_id)
        .join(Panel, Panel.id == PanelMeeting.panel_id)
        .where(PanelMeeting.starts_at >= year.start, PanelMeeting.starts_at < year.end)
        .group_by(Panel.engagement_id, quarter)
    )


def member_facts(year: Period) -> Select:
    """Customer panel members during the year, each once: in the quarter they joined, or in the
    first quarter when they joined before the year (panels meet in person: ``event``)."""
    joined = PanelMember.joined_at
    quarter = case((joined < year.start, 1), else_=_quarter(joined, year)).label("quarter")
    return (
        select(
            Panel.engagement_id,
            quarter,
            literal("event").label("channel"),
            literal("").label("language"),
            func.count(PanelMember.id).label("members"),
        )
        .join(Panel, Panel.id == PanelMember.panel_id)
        .where(
            joined < year.end, or_(PanelMember.left_at.is_(None), PanelMember.left_at >= year.start)
        )
        .group_by(Panel.engagement_id, quarter)
    )


def held_in(year: Period) -> ColumnElement[bool]:
    """An engagement whose open time touches the year (published ones count).

    Without an opening time it is open from its creation; without a closing time, until now.
    """
    opened = func.coalesce(Engagement.opens_at, Engagement.created_at)
    closed = func.coalesce(Engagement.closed_at, Engagement.closes_at)
    return and_(opened < year.end, or_(closed.is_(None), closed >= year.start))


def engagements(year: Period, with_ids: list[int]) -> Select:
    """Engagements held in the year, plus those with participation in it (``with_ids``)."""
    subscribers = (
        select(func.count(OutcomeSubscription.id))
        .where(OutcomeSubscription.engagement_id == Engagement.id)
        .scalar_subquery()
    )
    informed = (
        select(func.count(OutcomeSubscription.id))
        .where(
            OutcomeSubscription.engagement_id == Engagement.id,
            OutcomeSubscription.notified_at.is_not(None),
        )
        .scalar_subquery()
    )
    which = held_in(year)
    if with_ids:
        which = or_(which, Engagement.id.in_(with_ids))
    which = and_(Engagement.status == Status.PUBLISHED, which)
    return (
        select(
            Engagement.id.label("engagement_id"),
            Engagement.public_id,
            Engagement.kind,
            Engagement.audience,
            Department.code.label("department_code"),
            Engagement.title,
            Engagement.languages,
            Engagement.opens_at,
            func.coalesce(Engagement.closed_at, Engagement.closes_at).label("closes_at"),
            Engagement.outcome_published_at,
            Engagement.decision_ref,
            Assessment.decided_at.label("eva_decided_at"),
            Assessment.screened_at.label("eva_screened_at"),
            subscribers.label("subscribers"),
            informed.label("informed"),
        )
        .join(Department, Department.id == Engagement.department_id)
        .outerjoin(Assessment, Assessment.engagement_id == Engagement.id)
        .where(which)
        .order_by(Engagement.id)
    )


def focus_area_links(plan_id: int) -> Select:
    """Which focus areas of the plan each engagement is tied to."""
    return (
        select(
            engagement_focus_areas.c.engagement_id,
            FocusArea.code.label("focus_area_code"),
        )
        .join(FocusArea, FocusArea.id == engagement_focus_areas.c.focus_area_id)
        .join(StrategicGoal, StrategicGoal.id == FocusArea.goal_id)
        .where(StrategicGoal.plan_id == plan_id)
    )


def plan_structure(plan: Plan) -> Select:
    """The plan's goals and focus areas in their order."""
    return (
        select(
            StrategicGoal.code.label("goal_code"),
            StrategicGoal.title.label("goal_title"),
            FocusArea.code.label("focus_area_code"),
            FocusArea.title.label("focus_area_title"),
        )
        .join(FocusArea, FocusArea.goal_id == StrategicGoal.id)
        .where(StrategicGoal.plan_id == plan.id)
        .order_by(StrategicGoal.position, StrategicGoal.id, FocusArea.position, FocusArea.id)
    )


def departments() -> Select:
    return select(Department.code.label("department_code"), Department.name).order_by(
        Department.position, Department.id
    )


def band_counts(year: Period, key: str) -> Select:
    """Responses of the year per engagement and background band ``key`` (age or area).

    Only responses whose respondent answered that background question are counted.
    """
    band = Submission.demographics[key].as_string()
    return (
        select(
            Submission.engagement_id,
            band.label("code"),
            func.count(Submission.id).label("n"),
        )
        .where(
            Submission.submitted_at >= year.start,
            Submission.submitted_at < year.end,
            band.is_not(None),
            band != "",
        )
        .group_by(Submission.engagement_id, band)
    )


def population() -> Select:
    return select(
        PopulationGroup.dimension,
        PopulationGroup.code,
        PopulationGroup.population,
        PopulationGroup.year,
    ).order_by(PopulationGroup.dimension, PopulationGroup.id)
