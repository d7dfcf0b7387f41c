"""EVA (vaikutusten ennakkoarviointi): what an ``eva`` engagement adds to an engagement.

An assessment belongs to one engagement of kind ``eva``. Screening comes first: the standard
triggers that apply; when none does, the reason for not doing an EVA is required and the
screening stays in the register without a hearing. Then the change (proposal, rationale,
decision maker, decision date) in every offered language, alternatives (VE0 = the current
state, then the options), the impact areas that are relevant (from an editable catalogue) and
the impact matrix: one cell per (impact area, alternative, stage), where the stage is the
preliminary assessment (before the hearing) or the final one (after it).
"""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import JSON, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.core.types import TranslatedText, UTCDateTime, utcnow
from app.engagements.models import Engagement
from app.extensions import db

#: Screening triggers (Sastamala / Kuntaliitto): an EVA is needed when any applies.
TRIGGERS: tuple[str, ...] = (
    "residents",  # significant effect on residents or a specific group or area
    "staff",  # the city's personnel
    "cost",  # investment or long-term cost, as a rule ≥ €100,000
    "business",  # conditions for businesses
    "employment",  # employment
    "service_network",  # service network or organisation of services
    "strategy",  # strategy and goals
)


class ImpactGroup(StrEnum):
    """The groups of impact areas (Kuntaliitto 2011, Sastamala)."""

    PEOPLE = "people"
    ENVIRONMENT = "environment"
    ECONOMY = "economy"
    EMPLOYMENT = "employment"
    ORGANISATION = "organisation"


class Stage(StrEnum):
    PRELIMINARY = "preliminary"
    FINAL = "final"


#: Direction of an impact: positive, negative, none, not known.
DIRECTIONS: tuple[str, ...] = ("+", "-", "0", "?")
SIGNIFICANCES: tuple[str, ...] = ("small", "medium", "large")
TIME_SPANS: tuple[str, ...] = ("short", "long")
#: Population groups an impact may fall on (STM/THL IVA identification matrix).
AFFECTED_GROUPS: tuple[str, ...] = ("age", "gender", "language", "socioeconomic", "area")
#: How the hearing changed the assessment of an impact area.
ADOPTIONS: tuple[str, ...] = ("adopted", "partly", "not")


class ImpactArea(db.Model):
    """An impact area of the catalogue (editable by the coordinator, seeded with the standard)."""

    __tablename__ = "eva_impact_areas"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: Stable code, e.g. ``children``; used in exports and generated question codes.
    code: Mapped[str] = mapped_column(String(40), unique=True)
    group: Mapped[ImpactGroup] = mapped_column(String(20))
    label: Mapped[dict] = mapped_column(TranslatedText, default=dict)
    #: What to think about under this area, for staff filling the matrix.
    guidance: Mapped[dict] = mapped_column(TranslatedText, default=dict)
    position: Mapped[int] = mapped_column(default=0)
    #: Retired areas stay for old assessments but are not offered for new ones.
    is_active: Mapped[bool] = mapped_column(default=True)


class Assessment(db.Model):
    __tablename__ = "eva_assessments"

    id: Mapped[int] = mapped_column(primary_key=True)
    engagement_id: Mapped[int] = mapped_column(
        ForeignKey("engagements.id", ondelete="CASCADE"), unique=True
    )
    # --- screening
    #: Codes of :data:`TRIGGERS` that apply; empty = no EVA needed.
    triggers: Mapped[list[str]] = mapped_column(JSON, default=list)
    #: Required when no trigger applies: why no EVA is done.
    skip_reason: Mapped[str | None] = mapped_column(Text)
    screened_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    screened_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    # --- the change (the engagement's title and summary name it)
    proposal: Mapped[dict] = mapped_column(TranslatedText, default=dict)
    rationale: Mapped[dict] = mapped_column(TranslatedText, default=dict)
    #: The board or committee that decides, e.g. "Sivistyslautakunta".
    decision_maker: Mapped[dict] = mapped_column(TranslatedText, default=dict)
    decision_due: Mapped[date | None]
    #: How the input will be used, in words for residents.
    use_of_input: Mapped[dict] = mapped_column(TranslatedText, default=dict)
    #: Optional easy-read (selkokieli) summary.
    easy_read: Mapped[dict] = mapped_column(TranslatedText, default=dict)
    #: Children and young people are affected (LAVA): a version for them is then expected.
    children_affected: Mapped[bool] = mapped_column(default=False)
    children_summary: Mapped[dict] = mapped_column(TranslatedText, default=dict)
    # --- after the hearing
    final_proposal: Mapped[dict] = mapped_column(TranslatedText, default=dict)
    #: Set when staff mark the final assessment done (the matrix's final stage filled).
    finalized_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    #: The decision: body (e.g. "Sivistyslautakunta"), date, § number and a link to the minutes.
    decision_body: Mapped[str | None] = mapped_column(String(200))
    decision_date: Mapped[date | None]
    decision_section: Mapped[str | None] = mapped_column(String(40))
    decision_url: Mapped[str | None] = mapped_column(String(500))
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    engagement: Mapped[Engagement] = relationship()
    alternatives: Mapped[list[Alternative]] = relationship(
        back_populates="assessment", order_by="Alternative.position", cascade="all, delete-orphan"
    )
    areas: Mapped[list[AssessedArea]] = relationship(
        back_populates="assessment", order_by="AssessedArea.position", cascade="all, delete-orphan"
    )
    impacts: Mapped[list[Impact]] = relationship(
        back_populates="assessment", cascade="all, delete-orphan"
    )

    @property
    def is_needed(self) -> bool:
        """An EVA (and a hearing) is needed when any screening trigger applies."""
        return bool(self.triggers)


class Alternative(db.Model):
    """VE0 (keep the current state) and the alternatives; labels configurable."""

    __tablename__ = "eva_alternatives"
    __table_args__ = (UniqueConstraint("assessment_id", "code"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    assessment_id: Mapped[int] = mapped_column(
        ForeignKey("eva_assessments.id", ondelete="CASCADE"), index=True
    )
    #: Stable code, e.g. ``VE0``, ``VE1``; used in question codes and exports.
    code: Mapped[str] = mapped_column(String(20))
    label: Mapped[dict] = mapped_column(TranslatedText, default=dict)
    description: Mapped[dict] = mapped_column(TranslatedText, default=dict)
    position: Mapped[int] = mapped_column(default=0)
    is_current_state: Mapped[bool] = mapped_column(default=False)
    #: The alternative the final proposal chose.
    is_proposed: Mapped[bool] = mapped_column(default=False)

    assessment: Mapped[Assessment] = relationship(back_populates="alternatives")


class AssessedArea(db.Model):
    """An impact area that is relevant to this assessment, and how the hearing changed it."""

    __tablename__ = "eva_assessed_areas"
    __table_args__ = (UniqueConstraint("assessment_id", "area_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    assessment_id: Mapped[int] = mapped_column(
        ForeignKey("eva_assessments.id", ondelete="CASCADE"), index=True
    )
    area_id: Mapped[int] = mapped_column(
        ForeignKey("eva_impact_areas.id", ondelete="RESTRICT"), index=True
    )
    position: Mapped[int] = mapped_column(default=0)
    #: After the hearing: adopted | partly | not (residents' input in the final assessment).
    adoption: Mapped[str | None] = mapped_column(String(10))
    #: Why, in every offered language.
    adoption_reason: Mapped[dict] = mapped_column(TranslatedText, default=dict)

    assessment: Mapped[Assessment] = relationship(back_populates="areas")
    area: Mapped[ImpactArea] = relationship()


class Impact(db.Model):
    """One cell of the impact matrix: an impact area × an alternative, at one stage."""

    __tablename__ = "eva_impacts"
    __table_args__ = (UniqueConstraint("alternative_id", "area_id", "stage"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    assessment_id: Mapped[int] = mapped_column(
        ForeignKey("eva_assessments.id", ondelete="CASCADE"), index=True
    )
    area_id: Mapped[int] = mapped_column(
        ForeignKey("eva_impact_areas.id", ondelete="RESTRICT"), index=True
    )
    alternative_id: Mapped[int] = mapped_column(
        ForeignKey("eva_alternatives.id", ondelete="CASCADE"), index=True
    )
    stage: Mapped[Stage] = mapped_column(String(12), default=Stage.PRELIMINARY)
    #: + | - | 0 | ?
    direction: Mapped[str] = mapped_column(String(2), default="?")
    significance: Mapped[str | None] = mapped_column(String(10))
    #: Codes of :data:`AFFECTED_GROUPS`.
    groups: Mapped[list[str]] = mapped_column(JSON, default=list)
    time_span: Mapped[str | None] = mapped_column(String(10))
    evidence: Mapped[dict] = mapped_column(TranslatedText, default=dict)
    mitigation: Mapped[dict] = mapped_column(TranslatedText, default=dict)

    assessment: Mapped[Assessment] = relationship(back_populates="impacts")
    area: Mapped[ImpactArea] = relationship()
    alternative: Mapped[Alternative] = relationship()
