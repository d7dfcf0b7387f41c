"""Engagement rules: creating one, and what is missing before it can be published."""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import select

from app.core import audit
from app.core.types import missing_locales, utcnow
from app.engagements.models import Engagement, Kind, Status, engagement_focus_areas
from app.extensions import db
from app.i18n import LOCALES
from app.plan.models import Department, FocusArea


class EngagementError(Exception):
    """An engagement rule was broken; ``problems`` says what, for the person who asked."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("; ".join(problems))
        self.problems = problems


def create_engagement(
    kind: Kind,
    department: Department,
    title: dict[str, str],
    languages: Iterable[str],
    focus_areas: Iterable[FocusArea] = (),
    created_by_id: int | None = None,
) -> Engagement:
    """A draft engagement. Flushes; the caller commits."""
    languages = [locale for locale in LOCALES if locale in set(languages)]
    if not languages:
        raise EngagementError(["no_language"])
    engagement = Engagement(
        kind=kind,
        department=department,
        title=title,
        languages=languages,
        focus_areas=list(focus_areas),
        created_by_id=created_by_id,
    )
    db.session.add(engagement)
    db.session.flush()
    audit.record("engagement.create", f"engagements:{engagement.public_id}", kind=str(kind))
    return engagement


def missing_engagement_texts(engagement: Engagement) -> list[tuple[str, str]]:
    """(field, language) pairs that an offered language still lacks."""
    languages = tuple(engagement.languages)
    missing = [("title", locale) for locale in missing_locales(engagement.title, languages)]
    missing += [("summary", locale) for locale in missing_locales(engagement.summary, languages)]
    if not engagement.focus_areas:
        missing.append(("focus_areas", ""))
    return missing


def for_department(department: Department) -> list[Engagement]:
    """The department's engagements, newest first (drafts included: this is the staff view)."""
    return list(
        db.session.scalars(
            select(Engagement)
            .where(Engagement.department_id == department.id)
            .order_by(Engagement.created_at.desc(), Engagement.id.desc())
        )
    )


def open_by_focus_area() -> dict[int, list[Engagement]]:
    """Public engagements open now, by focus area id (one query; residents' listings)."""
    now = utcnow()
    rows = db.session.execute(
        select(engagement_focus_areas.c.focus_area_id, Engagement)
        .join(Engagement, Engagement.id == engagement_focus_areas.c.engagement_id)
        .where(
            Engagement.status == Status.PUBLISHED,
            Engagement.audience == "public",
            Engagement.closed_at.is_(None),
            (Engagement.opens_at.is_(None)) | (Engagement.opens_at <= now),
            (Engagement.closes_at.is_(None)) | (Engagement.closes_at > now),
        )
        .order_by(Engagement.closes_at, Engagement.id)
    ).all()
    found: dict[int, list[Engagement]] = {}
    for area_id, engagement in rows:
        found.setdefault(area_id, []).append(engagement)
    return found
