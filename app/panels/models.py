"""Customer panels (asiakasraadit): recruitment, the selection lottery, members, meetings and the
panel's statement with the service's response.

A panel is an engagement of kind ``panel`` with a :class:`Panel` row beside it. Residents apply
(:class:`PanelApplication`, identified as a :class:`Participant`), a reproducible stratified lottery
(:class:`SelectionRun`) picks members and ranked reserves to meet the composition targets, and
members take part with single-use magic links (:class:`MagicLink`), never passwords.
"""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import JSON, BigInteger, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.core.types import TranslatedText, UTCDateTime, utcnow
from app.engagements.models import Engagement
from app.extensions import db


class Participant(db.Model):
    """An identified resident: a panel applicant or member. Anonymous respondents have no row."""

    __tablename__ = "participants"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: Lower-cased; one row per address.
    email: Mapped[str] = mapped_column(String(320), unique=True)
    name: Mapped[str] = mapped_column(String(120), default="")
    #: The language the person uses with us (e-mails, pages after signing in).
    locale: Mapped[str] = mapped_column(String(5), default="fi")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class Panel(db.Model):
    __tablename__ = "panels"

    id: Mapped[int] = mapped_column(primary_key=True)
    engagement_id: Mapped[int] = mapped_column(
        ForeignKey("engagements.id", ondelete="CASCADE"), unique=True
    )
    #: What the panel is for, in plain language (the engagement's title names it).
    purpose: Mapped[dict] = mapped_column(TranslatedText, default=dict)
    term_start: Mapped[date | None]
    term_end: Mapped[date | None]
    #: Seats to fill.
    target_size: Mapped[int] = mapped_column(default=12)
    #: Anyone who applies becomes a member: no selection step.
    is_open: Mapped[bool] = mapped_column(default=False)
    #: Composition targets: dimension → category code → seats, e.g. {"age": {"18-29": 3}}.
    quotas: Mapped[dict[str, dict[str, int]]] = mapped_column(JSON, default=dict)
    #: Dimensions staff defined themselves (besides age, area, language, gender):
    #: [{"code": ..., "label": {lang: text}, "options": [{"code": ..., "label": {...}}]}].
    custom_dimensions: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    meeting_plan: Mapped[dict] = mapped_column(TranslatedText, default=dict)
    compensation: Mapped[dict] = mapped_column(TranslatedText, default=dict)

    engagement: Mapped[Engagement] = relationship()
    applications: Mapped[list[PanelApplication]] = relationship(
        back_populates="panel", order_by="PanelApplication.id", cascade="all, delete-orphan"
    )
    members: Mapped[list[PanelMember]] = relationship(
        back_populates="panel", order_by="PanelMember.id", cascade="all, delete-orphan"
    )
    meetings: Mapped[list[PanelMeeting]] = relationship(
        back_populates="panel", order_by="PanelMeeting.starts_at", cascade="all, delete-orphan"
    )


class ApplicationStatus(StrEnum):
    APPLIED = "applied"
    #: Drawn in the lottery, invitation e-mailed, no answer yet.
    INVITED = "invited"
    #: A ranked reserve (``reserve_rank``), invited only if someone declines.
    RESERVE = "reserve"
    ACCEPTED = "accepted"
    DECLINED = "declined"
    #: Neither drawn nor a reserve.
    NOT_SELECTED = "not_selected"
    WITHDRAWN = "withdrawn"


class PanelApplication(db.Model):
    __tablename__ = "panel_applications"
    __table_args__ = (UniqueConstraint("panel_id", "participant_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    panel_id: Mapped[int] = mapped_column(ForeignKey("panels.id", ondelete="CASCADE"), index=True)
    participant_id: Mapped[int] = mapped_column(
        ForeignKey("participants.id", ondelete="CASCADE"), index=True
    )
    #: Background answers in bands, matching the quota dimensions: {"age": "18-29", ...}.
    bands: Mapped[dict[str, str]] = mapped_column(JSON, default=dict)
    #: Why the person wants to take part, as written.
    motivation: Mapped[str] = mapped_column(Text, default="")
    locale: Mapped[str] = mapped_column(String(5), default="fi")
    #: When the applicant accepted the privacy notice.
    consented_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    status: Mapped[ApplicationStatus] = mapped_column(
        String(20), default=ApplicationStatus.APPLIED, index=True
    )
    #: 1 = the first reserve; set by the selection run.
    reserve_rank: Mapped[int | None]
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    panel: Mapped[Panel] = relationship(back_populates="applications")
    participant: Mapped[Participant] = relationship()


class SelectionRun(db.Model):
    """One draw of the lottery: everything needed to repeat it and to explain it."""

    __tablename__ = "selection_runs"

    id: Mapped[int] = mapped_column(primary_key=True)
    panel_id: Mapped[int] = mapped_column(ForeignKey("panels.id", ondelete="CASCADE"), index=True)
    #: The random seed; the same seed, pool and quotas give the same result.
    seed: Mapped[int] = mapped_column(BigInteger)
    seats: Mapped[int]
    quotas: Mapped[dict[str, dict[str, int]]] = mapped_column(JSON, default=dict)
    #: The applicants drawn from: [{"id": application id, "bands": {...}}], no names.
    pool: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    #: {"selected": [...], "reserves": [...], "report": {...}} (app/panels/selection.py).
    result: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    created_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), index=True
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    #: Set when staff sent the invitations of this draw; a panel has at most one applied draw.
    applied_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class PanelMember(db.Model):
    __tablename__ = "panel_members"
    __table_args__ = (UniqueConstraint("panel_id", "participant_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    panel_id: Mapped[int] = mapped_column(ForeignKey("panels.id", ondelete="CASCADE"), index=True)
    participant_id: Mapped[int] = mapped_column(
        ForeignKey("participants.id", ondelete="CASCADE"), index=True
    )
    application_id: Mapped[int | None] = mapped_column(
        ForeignKey("panel_applications.id", ondelete="SET NULL")
    )
    joined_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    #: Set when the member leaves the panel; their posts stay under their nickname.
    left_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    #: E-mail about new forum threads (members can opt out).
    notify_threads: Mapped[bool] = mapped_column(default=True)
    #: The member agreed that their name may be shown on the public panel page.
    name_public: Mapped[bool] = mapped_column(default=False)

    panel: Mapped[Panel] = relationship(back_populates="members")
    participant: Mapped[Participant] = relationship()


class LinkPurpose(StrEnum):
    SIGN_IN = "sign_in"
    ACCEPT = "accept"


class MagicLink(db.Model):
    """A single-use, expiring link e-mailed to a participant; only its hash is stored."""

    __tablename__ = "magic_links"

    id: Mapped[int] = mapped_column(primary_key=True)
    participant_id: Mapped[int] = mapped_column(
        ForeignKey("participants.id", ondelete="CASCADE"), index=True
    )
    panel_id: Mapped[int | None] = mapped_column(
        ForeignKey("panels.id", ondelete="CASCADE"), index=True
    )
    purpose: Mapped[LinkPurpose] = mapped_column(String(20))
    #: SHA-256 of the token in the link; the token itself is never stored.
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class PanelMeeting(db.Model):
    __tablename__ = "panel_meetings"

    id: Mapped[int] = mapped_column(primary_key=True)
    panel_id: Mapped[int] = mapped_column(ForeignKey("panels.id", ondelete="CASCADE"), index=True)
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    ends_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    place: Mapped[str] = mapped_column(String(300), default="")
    online_url: Mapped[str] = mapped_column(String(500), default="")
    agenda: Mapped[dict] = mapped_column(TranslatedText, default=dict)
    #: Links or descriptions of the materials, per language.
    materials: Mapped[dict] = mapped_column(TranslatedText, default=dict)
    minutes: Mapped[dict] = mapped_column(TranslatedText, default=dict)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    panel: Mapped[Panel] = relationship(back_populates="meetings")


class MeetingAttendance(db.Model):
    """Staff mark who attended a meeting; attendance counts as participation."""

    __tablename__ = "meeting_attendance"

    meeting_id: Mapped[int] = mapped_column(
        ForeignKey("panel_meetings.id", ondelete="CASCADE"), primary_key=True
    )
    member_id: Mapped[int] = mapped_column(
        ForeignKey("panel_members.id", ondelete="CASCADE"), primary_key=True, index=True
    )
    marked_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class PanelStatement(db.Model):
    """The panel's statement or recommendations and the service's official response."""

    __tablename__ = "panel_statements"

    id: Mapped[int] = mapped_column(primary_key=True)
    panel_id: Mapped[int] = mapped_column(ForeignKey("panels.id", ondelete="CASCADE"), index=True)
    title: Mapped[dict] = mapped_column(TranslatedText, default=dict)
    statement: Mapped[dict] = mapped_column(TranslatedText, default=dict)
    statement_published_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    response: Mapped[dict] = mapped_column(TranslatedText, default=dict)
    #: The decision or board minutes the response refers to.
    decision_ref: Mapped[str | None] = mapped_column(String(300))
    response_published_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
