"""Engagements: everything residents take part in (a survey, an EVA hearing, a customer panel)."""

from __future__ import annotations

import secrets
from datetime import datetime
from enum import StrEnum
from typing import TYPE_CHECKING

from sqlalchemy import JSON, Column, ForeignKey, String, Table
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.core.types import TranslatedText, UTCDateTime, utcnow
from app.extensions import db

if TYPE_CHECKING:
    from app.plan.models import Department, FocusArea

#: Unambiguous letters and digits for public ids (no 0/O, 1/l/I).
_ALPHABET = "23456789abcdefghijkmnpqrstuvwxyz"


def new_public_id() -> str:
    """Short, unguessable id for URLs: 10 characters, 50 bits."""
    return "".join(secrets.choice(_ALPHABET) for _ in range(10))


class Kind(StrEnum):
    SURVEY = "survey"
    EVA = "eva"
    PANEL = "panel"


class Status(StrEnum):
    DRAFT = "draft"
    PUBLISHED = "published"


engagement_focus_areas = Table(
    "engagement_focus_areas",
    db.metadata,
    Column(
        "engagement_id",
        ForeignKey("engagements.id", ondelete="CASCADE"),
        primary_key=True,
    ),
    Column(
        "focus_area_id",
        ForeignKey("focus_areas.id", ondelete="RESTRICT"),
        primary_key=True,
        index=True,
    ),
)


class Engagement(db.Model):
    __tablename__ = "engagements"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: Short random id used in public URLs (/<lang>/e/<public_id>).
    public_id: Mapped[str] = mapped_column(String(16), unique=True, default=new_public_id)
    kind: Mapped[Kind] = mapped_column(String(20), index=True)
    department_id: Mapped[int] = mapped_column(
        ForeignKey("departments.id", ondelete="RESTRICT"), index=True
    )
    title: Mapped[dict] = mapped_column(TranslatedText, default=dict)
    summary: Mapped[dict] = mapped_column(TranslatedText, default=dict)
    #: Languages the engagement is offered in, e.g. ["fi", "sv"]; every text must exist in each.
    languages: Mapped[list[str]] = mapped_column(JSON, default=lambda: ["fi"])
    status: Mapped[Status] = mapped_column(String(20), default=Status.DRAFT, index=True)
    opens_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    closes_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    #: Set when staff close the engagement before closes_at.
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    #: public | link (unlisted) | invited (single-use tokens) | panel:<id>
    audience: Mapped[str] = mapped_column(String(40), default="public")
    #: Answers carry no identity; one-response rules use a keyed hash only.
    is_anonymous: Mapped[bool] = mapped_column(default=True)
    #: One response per respondent (browser or invite token).
    one_response: Mapped[bool] = mapped_column(default=True)
    privacy_note: Mapped[dict] = mapped_column(TranslatedText, default=dict)
    #: Days after closing when contact data and free text are removed.
    retention_days: Mapped[int] = mapped_column(default=365)
    #: "You said, we did": what was done with the input.
    outcome: Mapped[dict] = mapped_column(TranslatedText, default=dict)
    decision_ref: Mapped[str | None] = mapped_column(String(300))
    outcome_published_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    #: Set when staff publish the results page for residents (/<lang>/e/<id>/results).
    results_published_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    #: Published results hide groups smaller than this (DESIGN.md, privacy by design).
    min_group_size: Mapped[int] = mapped_column(default=5)
    created_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), index=True
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    department: Mapped[Department] = relationship()
    focus_areas: Mapped[list[FocusArea]] = relationship(secondary=engagement_focus_areas)

    def is_open(self, now: datetime | None = None) -> bool:
        now = now or utcnow()
        return (
            self.status == Status.PUBLISHED
            and self.closed_at is None
            and (self.opens_at is None or self.opens_at <= now)
            and (self.closes_at is None or now < self.closes_at)
        )


class OutcomeSubscription(db.Model):
    """An e-mail address that wants to hear the outcome; never linked to a submission."""

    __tablename__ = "outcome_subscriptions"

    id: Mapped[int] = mapped_column(primary_key=True)
    engagement_id: Mapped[int] = mapped_column(
        ForeignKey("engagements.id", ondelete="CASCADE"), index=True
    )
    email: Mapped[str] = mapped_column(String(320))
    locale: Mapped[str] = mapped_column(String(5))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    #: Set when the outcome e-mail was queued.
    notified_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class Invitation(db.Model):
    """A single-use answering code for an invited audience, e-mailed or printed."""

    __tablename__ = "invitations"

    id: Mapped[int] = mapped_column(primary_key=True)
    engagement_id: Mapped[int] = mapped_column(
        ForeignKey("engagements.id", ondelete="CASCADE"), index=True
    )
    #: Typed or carried in the link (``?code=``); unguessable, like receipt codes.
    code: Mapped[str] = mapped_column(String(20), unique=True)
    #: Where the invitation was e-mailed; null for printed codes. Removed with the retention.
    email: Mapped[str | None] = mapped_column(String(320))
    locale: Mapped[str] = mapped_column(String(5), default="fi")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    #: Set when a response was stored with this code; a used code answers nothing more.
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
