"""Magic links: single-use, expiring links e-mailed to panel applicants and members.

The link carries a random token; the database keeps only its SHA-256, so a leaked database
cannot be used to sign in. A link works once and until it expires.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta

from sqlalchemy import select

from app.core.types import utcnow
from app.extensions import db
from app.panels.models import LinkPurpose, MagicLink, Participant

#: How long a link works.
LIFETIMES: dict[LinkPurpose, timedelta] = {
    LinkPurpose.SIGN_IN: timedelta(minutes=30),
    LinkPurpose.ACCEPT: timedelta(days=14),
}


class LinkError(Exception):
    """The link cannot be used; ``reason`` is ``unknown``, ``used`` or ``expired``."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def issue(participant: Participant, purpose: LinkPurpose, panel_id: int | None = None) -> str:
    """A new link's token (put it in the URL). Flushes; the caller commits."""
    token = secrets.token_urlsafe(32)
    db.session.add(
        MagicLink(
            participant_id=participant.id,
            panel_id=panel_id,
            purpose=purpose,
            token_hash=_hash(token),
            expires_at=utcnow() + LIFETIMES[purpose],
        )
    )
    db.session.flush()
    return token


def peek(token: str, purpose: LinkPurpose) -> MagicLink:
    """The usable link for ``token`` without using it up (for a confirmation page)."""
    link = db.session.scalar(
        select(MagicLink).where(MagicLink.token_hash == _hash(token), MagicLink.purpose == purpose)
    )
    if link is None:
        raise LinkError("unknown")
    if link.used_at is not None:
        raise LinkError("used")
    if link.expires_at <= utcnow():
        raise LinkError("expired")
    return link


def use(token: str, purpose: LinkPurpose) -> MagicLink:
    """Use the link up. Raises LinkError when it is unknown, used or expired. Flushes."""
    link = peek(token, purpose)
    link.used_at = utcnow()
    db.session.flush()
    return link
