"""What participation records need beyond the other features' tables.

Everything else is computed from submissions, posts and (with panels) attendance; these two
tables hold what never touched the system: offline participation and the population table.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import ForeignKey, LargeBinary, String, Text, UniqueConstraint
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


class ExportJob(db.Model):
    """One participation export made in the background, with its progress and, when done, the file.

    The file is kept for a day (jobs older than that are deleted when a new one starts); only the
    coordinator who asked for it, or another coordinator, may download it.
    """

    __tablename__ = "export_jobs"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: Unguessable id used in the status page's URL (``secrets.token_urlsafe``).
    token: Mapped[str] = mapped_column(String(64), unique=True)
    year: Mapped[int]
    #: xlsx | csv | json
    format: Mapped[str] = mapped_column(String(10))
    #: Language of headings and labels (fi/sv/en).
    language: Mapped[str] = mapped_column(String(5))
    #: queued | running | done | failed
    status: Mapped[str] = mapped_column(String(10), default="queued")
    #: 0–100, for the progress bar.
    progress: Mapped[int] = mapped_column(default=0)
    #: Code of the step running now (queued, records, reach, writing, done), shown in words.
    step: Mapped[str] = mapped_column(String(20), default="queued")
    requested_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), index=True
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    #: Download name, e.g. ``osallistu-participation-2025.xlsx``; empty until done.
    filename: Mapped[str] = mapped_column(String(100), default="")
    #: The finished file; loaded only when downloaded.
    content: Mapped[bytes | None] = mapped_column(LargeBinary, deferred=True)
    #: Why it failed, as a code (``export_failed``); never an exception text.
    error: Mapped[str] = mapped_column(String(40), default="")
