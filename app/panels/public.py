"""What residents see of a customer panel: its page at the engagement's own address, and the
small reads behind that page and the application form.

The page lives at ``/<lang>/e/<public_id>`` (the ``respond.engagement`` view): for an engagement
of kind ``panel`` that view calls :func:`render_panel`, which ``public_routes`` registers in
``app.extensions["engagement_pages"]``, so the questionnaires feature never imports panels.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime

from flask import abort, g, render_template
from sqlalchemy import or_, select
from sqlalchemy.orm import contains_eager

from app.engagements import lifecycle
from app.engagements.models import Engagement, Kind, Status
from app.extensions import db
from app.panels import services
from app.panels.models import Panel, PanelApplication, PanelMember, PanelStatement, Participant

#: Audiences whose panel page anyone with the address may read.
READABLE_AUDIENCES = ("public", "link")


@dataclass(frozen=True)
class CategoryRow:
    """One category of a composition dimension: its seats and the members in it now."""

    label: str
    #: Seats the composition targets give the category; None when the dimension has no targets.
    seats: int | None
    members: int


@dataclass(frozen=True)
class DimensionView:
    code: str
    label: str
    rows: list[CategoryRow]
    has_targets: bool


@dataclass(frozen=True)
class PanelPage:
    """Everything the public panel page shows, read in a few statements."""

    engagement: Engagement
    panel: Panel
    #: Composition targets and current members per category, one entry per dimension shown.
    dimensions: list[DimensionView]
    #: Members now (those who left are not counted).
    member_count: int
    #: Names of the members who agreed to show them, in joining order.
    public_names: list[str]
    #: Statements with a published statement or response, oldest first.
    statements: list[PanelStatement]
    closed_since: datetime | None


def check_readable(engagement: Engagement | None) -> Engagement:
    """404 unless a published panel; 403 for audiences residents may not read."""
    if engagement is None or engagement.kind != Kind.PANEL or engagement.status != Status.PUBLISHED:
        abort(404)
    if engagement.audience not in READABLE_AUDIENCES:
        abort(403)
    # A panel shared only by its address stays out of search engines.
    g.noindex = engagement.audience != "public"
    return engagement


def published_panel(public_id: str) -> Panel:
    """The published panel with this engagement id, its engagement and department in one
    statement; 404 for drafts, other kinds and unknown ids."""
    panel = db.session.scalar(
        select(Panel)
        .join(Panel.engagement)
        .where(Engagement.public_id == public_id)
        .options(contains_eager(Panel.engagement).joinedload(Engagement.department))
    )
    check_readable(panel.engagement if panel else None)
    return panel


def _members(panel: Panel) -> list[tuple[Mapping[str, str], str | None]]:
    """Current members' background bands, and their name where they agreed to show it."""
    rows = db.session.execute(
        select(PanelApplication.bands, PanelMember.name_public, Participant.name)
        .select_from(PanelMember)
        .join(Participant, Participant.id == PanelMember.participant_id)
        .outerjoin(PanelApplication, PanelApplication.id == PanelMember.application_id)
        .where(PanelMember.panel_id == panel.id, PanelMember.left_at.is_(None))
        .order_by(PanelMember.joined_at, PanelMember.id)
    )
    return [
        (bands or {}, name if name_public and name else None) for bands, name_public, name in rows
    ]


def composition(
    panel: Panel, member_bands: Sequence[Mapping[str, str]], locale: str | None = None
) -> list[DimensionView]:
    """Targets vs. current members per dimension and category, labels in ``locale``.

    A category is shown when it has seats or members; members who did not answer a background
    question are counted as "did not say" (``CategoryRow.label`` is empty, ``seats`` None).
    """
    views = []
    for dimension in services.dimensions(panel):
        targets = panel.quotas.get(dimension, {})
        counts = Counter((bands.get(dimension) or "") for bands in member_bands)
        options = services.dimension_options(panel, dimension, locale)
        rows = [
            CategoryRow(label, targets.get(code, 0) if targets else None, counts.get(code, 0))
            for code, label in options
            if targets.get(code) or counts.get(code)
        ]
        known = {code for code, _label in options}
        # Members whose answer is no longer an option (e.g. a removed postal area) or empty.
        unknown = sum(n for code, n in counts.items() if code not in known)
        if unknown:
            rows.append(CategoryRow("", None, unknown))
        if rows:
            views.append(
                DimensionView(
                    dimension,
                    services.dimension_label(panel, dimension, locale),
                    rows,
                    bool(targets),
                )
            )
    return views


def published_statements(panel: Panel) -> list[PanelStatement]:
    """The panel's statements whose text or the service's response is published."""
    return list(
        db.session.scalars(
            select(PanelStatement)
            .where(
                PanelStatement.panel_id == panel.id,
                or_(
                    PanelStatement.statement_published_at.is_not(None),
                    PanelStatement.response_published_at.is_not(None),
                ),
            )
            .order_by(PanelStatement.statement_published_at, PanelStatement.id)
        )
    )


def panel_page(engagement: Engagement, locale: str | None = None) -> PanelPage:
    """What the public page of a published panel shows; 404 when it has no panel row."""
    panel = db.session.scalar(select(Panel).where(Panel.engagement_id == engagement.id))
    if panel is None:
        abort(404)
    members = _members(panel)
    return PanelPage(
        engagement=engagement,
        panel=panel,
        dimensions=composition(panel, [bands for bands, _name in members], locale),
        member_count=len(members),
        public_names=[name for _bands, name in members if name],
        statements=published_statements(panel),
        closed_since=lifecycle.closed_since(engagement),
    )


def paragraphs(text: str | None) -> list[str]:
    """Text split at blank lines, for statements and responses written as plain text."""
    return [
        part.strip() for part in (text or "").replace("\r\n", "\n").split("\n\n") if part.strip()
    ]


def render_panel(engagement: Engagement, **_context: object) -> str:
    """The public page of a panel engagement (any status: drafts 404 here)."""
    check_readable(engagement)
    page = panel_page(engagement, g.lang)
    return render_template(
        "panels/public/panel.html", page=page, engagement=engagement, panel=page.panel
    )
