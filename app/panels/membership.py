"""Who is signed in as a panel member, and of which panels.

Members have no passwords: a single-use, expiring magic link e-mailed to them signs them in. The
sign-in lives in the session under its own key, apart from staff sign-in (Flask-Login); signing in
as a member never makes anyone staff, and a staff sign-in never makes anyone a member.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from flask import session
from sqlalchemy import select

from app.extensions import db
from app.panels.models import Panel, PanelMember, Participant

#: The session key of the signed-in participant: {"id": participant id, "at": epoch seconds}.
SESSION_KEY = "panel_member"
#: How long a member stays signed in without a new link.
SIGN_IN_LIFETIME = timedelta(hours=12)


def sign_in(participant: Participant) -> None:
    """Sign ``participant`` in for this browser (after a magic link was used)."""
    session[SESSION_KEY] = {"id": participant.id, "at": datetime.now(UTC).timestamp()}


def sign_out() -> None:
    session.pop(SESSION_KEY, None)


def current_participant() -> Participant | None:
    """The signed-in participant, or None when nobody is signed in or the sign-in is too old."""
    data = session.get(SESSION_KEY)
    if not isinstance(data, dict):
        return None
    signed_in_at = data.get("at")
    if not isinstance(signed_in_at, int | float):
        return None
    age = datetime.now(UTC) - datetime.fromtimestamp(signed_in_at, UTC)
    if age > SIGN_IN_LIFETIME or age < -timedelta(minutes=5):
        sign_out()
        return None
    participant_id = data.get("id")
    participant = db.session.get(Participant, participant_id) if participant_id else None
    if participant is None:
        sign_out()
    return participant


def active_membership(panel: Panel, participant: Participant | None) -> PanelMember | None:
    """``participant``'s membership of ``panel`` unless they left it."""
    if participant is None:
        return None
    return db.session.scalar(
        select(PanelMember).where(
            PanelMember.panel_id == panel.id,
            PanelMember.participant_id == participant.id,
            PanelMember.left_at.is_(None),
        )
    )


def current_member(panel: Panel) -> PanelMember | None:
    """The signed-in member of ``panel``, or None."""
    return active_membership(panel, current_participant())


def memberships(participant: Participant) -> list[PanelMember]:
    """The panels ``participant`` is a member of now, newest first."""
    return list(
        db.session.scalars(
            select(PanelMember)
            .where(PanelMember.participant_id == participant.id, PanelMember.left_at.is_(None))
            .order_by(PanelMember.joined_at.desc())
        )
    )
