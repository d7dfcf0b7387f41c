"""The welfare plan: plans → strategic goals → focus areas; departments."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.core.types import TranslatedText, UTCDateTime, utcnow
from app.extensions import db


class Plan(db.Model):
    __tablename__ = "plans"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: Stable code from the plan data file, e.g. ``kemi-2022-25``.
    code: Mapped[str] = mapped_column(String(60), unique=True)
    municipality: Mapped[dict] = mapped_column(TranslatedText, default=dict)
    title: Mapped[dict] = mapped_column(TranslatedText, default=dict)
    #: A sentence or two telling residents what the plan is.
    summary: Mapped[dict] = mapped_column(TranslatedText, default=dict)
    period_start: Mapped[int]
    period_end: Mapped[int]
    #: The plan residents see; one at a time.
    is_current: Mapped[bool] = mapped_column(default=True)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    goals: Mapped[list[StrategicGoal]] = relationship(
        back_populates="plan", order_by="StrategicGoal.position", cascade="all, delete-orphan"
    )


class StrategicGoal(db.Model):
    __tablename__ = "strategic_goals"
    __table_args__ = (UniqueConstraint("plan_id", "code"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("plans.id", ondelete="CASCADE"), index=True)
    #: Stable code within the plan, e.g. ``HK``.
    code: Mapped[str] = mapped_column(String(30))
    title: Mapped[dict] = mapped_column(TranslatedText, default=dict)
    #: The city strategy's aims behind the goal: a list of translated texts.
    aims: Mapped[list[dict]] = mapped_column(JSON, default=list)
    position: Mapped[int] = mapped_column(default=0)

    plan: Mapped[Plan] = relationship(back_populates="goals")
    focus_areas: Mapped[list[FocusArea]] = relationship(
        back_populates="goal", order_by="FocusArea.position", cascade="all, delete-orphan"
    )


class FocusArea(db.Model):
    """A painopiste: what the plan focuses on under a strategic goal."""

    __tablename__ = "focus_areas"

    id: Mapped[int] = mapped_column(primary_key=True)
    goal_id: Mapped[int] = mapped_column(
        ForeignKey("strategic_goals.id", ondelete="CASCADE"), index=True
    )
    #: Stable code, unique across the plan (e.g. ``HK-01``); used in URLs and exports.
    code: Mapped[str] = mapped_column(String(30), index=True)
    title: Mapped[dict] = mapped_column(TranslatedText, default=dict)
    #: What this focus area means for a resident, in a sentence.
    summary: Mapped[dict] = mapped_column(TranslatedText, default=dict)
    position: Mapped[int] = mapped_column(default=0)

    goal: Mapped[StrategicGoal] = relationship(back_populates="focus_areas")


class Department(db.Model):
    """A department (toimiala) of the city that carries out the plan and runs engagements."""

    __tablename__ = "departments"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: Stable code, e.g. ``sivistys``; used in URLs and exports.
    code: Mapped[str] = mapped_column(String(40), unique=True)
    name: Mapped[dict] = mapped_column(TranslatedText, default=dict)
    position: Mapped[int] = mapped_column(default=0)
    is_active: Mapped[bool] = mapped_column(default=True)
