"""Removing panel members' personal data after the panel's retention period.

Members "can leave the panel; their data is removed after the panel's retention period". A
panel's personal data is due when its term ended (without a term end: when its applications
closed) ``engagement.retention_days`` days ago. Then:

- every application to the panel loses its motivation text, and every magic link of the panel
  goes;
- a participant who takes part in no other panel still within its retention loses their name,
  their e-mail address (replaced by ``purged-<id>@invalid``: the column is unique and required),
  every magic link, and the e-mails queued or sent to that address.

What stays, without names: memberships with their joining and leaving dates, the applications'
background bands and statuses, the selection runs (ids and bands only). The participation
records count them and the panel's page shows its composition from them. Forum posts stay too.

Running it again changes nothing. The command commits (or, with ``--dry-run``, rolls back).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from sqlalchemy import delete, select, union, update
from sqlalchemy.orm import joinedload

from app.core import audit
from app.core.mail import OutboxMessage
from app.core.types import utcnow
from app.extensions import db
from app.i18n import city_zone
from app.panels.models import MagicLink, Panel, PanelApplication, PanelMember, Participant


def placeholder_email(participant_id: int) -> str:
    """What replaces a purged participant's address: unique, and never delivered (RFC 2606)."""
    return f"purged-{participant_id}@invalid"


@dataclass
class PurgeReport:
    """Counts of what was removed; nothing that names a person."""

    #: Panels whose retention period has ended (purged now or earlier).
    panels: list[int] = field(default_factory=list)
    #: Applications whose motivation text was removed.
    motivations: int = 0
    #: Magic links deleted.
    links: int = 0
    #: Participants whose name and e-mail address were removed.
    participants: int = 0
    #: Queued or sent e-mails to those addresses deleted from the outbox.
    emails: int = 0

    @property
    def changed(self) -> bool:
        return bool(self.motivations or self.links or self.participants or self.emails)


def retention_ends(panel: Panel) -> date | None:
    """The last day the panel's personal data is kept; None when the panel has no end yet
    (no term end and no closing time)."""
    engagement = panel.engagement
    end = panel.term_end
    if end is None:
        closes = engagement.closes_at or engagement.closed_at
        if closes is None:
            return None
        end = closes.astimezone(city_zone()).date()
    return end + timedelta(days=engagement.retention_days)


def is_due(panel: Panel, now: datetime | None = None) -> bool:
    ends = retention_ends(panel)
    today = (now or utcnow()).astimezone(city_zone()).date()
    return ends is not None and ends < today


def _people(panel_ids: set[int]):  # noqa: ANN202
    """Participants who applied to or are members of any of the panels."""
    return union(
        select(PanelApplication.participant_id).where(PanelApplication.panel_id.in_(panel_ids)),
        select(PanelMember.participant_id).where(PanelMember.panel_id.in_(panel_ids)),
    )


def purge_due(now: datetime | None = None) -> PurgeReport:
    """Remove the personal data of every panel whose retention period has ended. Flushes; the
    caller commits. Writes one audit row with the counts when anything changed."""
    now = now or utcnow()
    panels = list(db.session.scalars(select(Panel).options(joinedload(Panel.engagement))))
    due = {panel.id for panel in panels if is_due(panel, now)}
    report = PurgeReport(panels=sorted(due))
    if not due:
        return report
    kept = {panel.id for panel in panels} - due

    report.motivations = (
        db.session.execute(
            update(PanelApplication)
            .where(PanelApplication.panel_id.in_(due), PanelApplication.motivation != "")
            .values(motivation="")
        ).rowcount
        or 0
    )
    report.links = (
        db.session.execute(delete(MagicLink).where(MagicLink.panel_id.in_(due))).rowcount or 0
    )

    still_kept = set(db.session.scalars(_people(kept))) if kept else set()
    gone = set(db.session.scalars(_people(due))) - still_kept
    if gone:
        for participant in db.session.scalars(
            select(Participant).where(Participant.id.in_(gone)).order_by(Participant.id)
        ):
            placeholder = placeholder_email(participant.id)
            if participant.email == placeholder and not participant.name:
                continue
            address = participant.email
            participant.name = ""
            participant.email = placeholder
            report.participants += 1
            report.emails += (
                db.session.execute(
                    delete(OutboxMessage).where(OutboxMessage.to_address == address)
                ).rowcount
                or 0
            )
        report.links += (
            db.session.execute(delete(MagicLink).where(MagicLink.participant_id.in_(gone))).rowcount
            or 0
        )
    db.session.flush()
    if report.changed:
        audit.record(
            "panel.purge",
            "panels",
            panels=report.panels,
            motivations=report.motivations,
            links=report.links,
            participants=report.participants,
            emails=report.emails,
        )
    return report
