"""What participation records need beyond the other features' tables.

Everything else is computed from submissions, posts and (with panels) attendance; these two
tables hold what never touched the system: offline participation and the population table.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.core.types import UTCDateTime, utcnow
from app.engagements.models import Engagement
from app.extensions import db

#: Channels of participation that happened outside the system.
OFFLINE_CHANNELS: tuple[str, ...] = ("event", "paper", "phone", "kiosk")


class OfflineParticipation(db.Model):
    """People who took part in an engagement without the system: a workshop, a school visit."""

    __tablename__ = "offline_participation"

    id: Mapped[int] = mapped_column(primary_key=True)
    engagement_id: Mapped[int] = mapped_column(
        ForeignKey("engagements.id", ondelete="CASCADE"), index=True
    )
    #: The day it happened; its year and quarter place it in the records.
    held_on: Mapped[date] = mapped_column(index=True)
    #: One of :data:`OFFLINE_CHANNELS`.
    channel: Mapped[str] = mapped_column(String(10))
    #: How many people took part (a head count, not names).
    participants: Mapped[int]
    #: Language it was held in (fi/sv/en); empty when not recorded.
    language: Mapped[str] = mapped_column(String(5), default="")
    #: What it was, as staff wrote it, e.g. "Workshop at the youth centre"; no personal data.
    note: Mapped[str] = mapped_column(Text, default="")
    entered_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), index=True
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    engagement: Mapped[Engagement] = relationship()


class PopulationGroup(db.Model):
    """One row of the population table the coordinator uploads: people per age band or area."""

    __tablename__ = "population_groups"
    __table_args__ = (UniqueConstraint("dimension", "code"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    #: ``age`` (the background age bands) or ``area`` (postal area codes).
    dimension: Mapped[str] = mapped_column(String(10))
    #: Band or area code, as in ``Submission.demographics``.
    code: Mapped[str] = mapped_column(String(40))
    population: Mapped[int]
    #: The year the figures describe (e.g. Statistics Finland's year-end population).
    year: Mapped[int | None]
    uploaded_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
