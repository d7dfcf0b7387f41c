"""Polls of a customer panel: surveys whose audience is the panel's members.

A poll is an ordinary survey (the questionnaire engine builds it, takes its answers and counts
them as survey responses) with the audience ``panel:<panel id>``: only a signed-in member of that
panel who has not left answers it, once. One response per member rests on a keyed hash of the
member, as for invitation codes; the member's id is never stored with the answers.

Services flush; the view commits.
"""

from __future__ import annotations

from dataclasses import dataclass

from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy import Select, func, select

from app.auth.models import User
from app.core import audit
from app.core.types import utcnow
from app.engagements.models import Engagement, Kind, Status
from app.extensions import db
from app.panels.models import Panel, PanelMember
from app.questionnaires import builder
from app.questionnaires import services as questionnaire_services
from app.questionnaires.models import Submission

#: The part of ``Engagement.audience`` before the colon that names a panel's members.
AUDIENCE_KIND = "panel"


def audience_of(panel: Panel) -> str:
    """The audience value of the panel's polls."""
    return f"{AUDIENCE_KIND}:{panel.id}"


def panel_of_audience(engagement: Engagement) -> Panel | None:
    """The panel whose members are the engagement's audience (``panel:<id>``), or None."""
    kind, _sep, panel_id = (engagement.audience or "").partition(":")
    if kind != AUDIENCE_KIND or not panel_id.isdigit():
        return None
    return db.session.get(Panel, int(panel_id))


def _title(panel: Panel) -> dict[str, str]:
    """The poll's first title in each of the panel's languages, e.g. "Poll: Library panel"."""
    title = {}
    for locale in panel.engagement.languages:
        name = (panel.engagement.title or {}).get(locale)
        if name:
            with force_locale(locale):
                # i18n: the title a new poll of a customer panel starts with; staff change it.
                title[locale] = _("Poll: %(panel)s", panel=name)
    return title


def create_poll(panel: Panel, user: User | None) -> Engagement:
    """A draft survey for the panel's members, with the panel's department, focus areas and
    languages; staff build its questions in the survey builder. Flushes."""
    engagement = panel.engagement
    poll = builder.create_survey(
        engagement.department,
        _title(panel),
        engagement.languages,
        engagement.focus_areas,
        created_by_id=user.id if user else None,
    )
    poll.audience = audience_of(panel)
    poll.one_response = True
    poll.retention_days = engagement.retention_days
    db.session.flush()
    audit.record("panel.poll", f"engagements:{poll.public_id}", panel=panel.id)
    return poll


def _state(engagement: Engagement) -> str:
    """draft | open | upcoming | closed."""
    if engagement.status == Status.DRAFT:
        return "draft"
    if engagement.is_open():
        return "open"
    now = utcnow()
    if engagement.closed_at or (engagement.closes_at and engagement.closes_at <= now):
        return "closed"
    return "upcoming"


@dataclass(frozen=True)
class PollRow:
    engagement: Engagement
    #: draft | open | upcoming | closed
    state: str
    answers: int


def _polls(panel: Panel) -> Select:
    return select(Engagement).where(
        Engagement.kind == Kind.SURVEY, Engagement.audience == audience_of(panel)
    )


def polls_of(panel: Panel) -> list[PollRow]:
    """The panel's polls, newest first, with their answer counts (one query)."""
    answers = (
        select(func.count(Submission.id))
        .where(Submission.engagement_id == Engagement.id)
        .correlate(Engagement)
        .scalar_subquery()
    )
    rows = db.session.execute(
        _polls(panel)
        .add_columns(answers)
        .order_by(Engagement.created_at.desc(), Engagement.id.desc())
    ).all()
    return [PollRow(poll, _state(poll), count or 0) for poll, count in rows]


def member_count(panel: Panel) -> int:
    """Members who have not left: who may answer the panel's polls."""
    return (
        db.session.scalar(
            select(func.count())
            .select_from(PanelMember)
            .where(PanelMember.panel_id == panel.id, PanelMember.left_at.is_(None))
        )
        or 0
    )


def respondent_hash(poll: Engagement, member: PanelMember) -> str:
    """The keyed hash a member's response to ``poll`` carries: one response per member."""
    return questionnaire_services.keyed_hash(poll, f"member:{member.id}")


def open_polls_for(member: PanelMember) -> list[Engagement]:
    """Published polls of the member's panel that are open now and that this member has not
    answered yet, closing soonest first (two queries). None for a member who left."""
    if member.left_at is not None:
        return []
    now = utcnow()
    polls = list(
        db.session.scalars(
            _polls(member.panel)
            .where(
                Engagement.status == Status.PUBLISHED,
                Engagement.closed_at.is_(None),
                Engagement.opens_at.is_(None) | (Engagement.opens_at <= now),
                Engagement.closes_at.is_(None) | (Engagement.closes_at > now),
            )
            .order_by(Engagement.closes_at.is_(None), Engagement.closes_at, Engagement.id)
        )
    )
    if not polls:
        return []
    hashes = {poll.id: respondent_hash(poll, member) for poll in polls}
    answered = set(
        db.session.scalars(
            select(Submission.engagement_id).where(
                Submission.engagement_id.in_(hashes),
                Submission.respondent_hash.in_(hashes.values()),
            )
        )
    )
    return [poll for poll in polls if poll.id not in answered]
