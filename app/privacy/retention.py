"""`flask retention run`: personal data removed when its period ends, counts kept.

An engagement's period ends ``retention_days`` after it closed (``closed_at``, or ``closes_at``
once passed); an engagement that never closes keeps its data until it does. Then:

- free text in its answers (written answers, "other" boxes and the staff's edited versions)
  is emptied; the answer rows stay, so every count and share stays as it was;
- its outcome subscriptions (e-mail addresses) are deleted, and e-mailed invitations lose
  their address (the code and whether it was used stay);
- customer panels: :func:`app.panels.retention.purge_due` (names, e-mail addresses,
  motivations, sign-in links).

Regardless of engagements: answers in progress past their expiry, e-mails sent more than
``OUTBOX_KEEP_DAYS`` ago, data requests never confirmed within a week, and the address or
code of requests handled more than ``DATA_REQUEST_KEEP_DAYS`` ago.

Public comments in hearings stay: they were written to be published, under a nickname, and
are part of the hearing's record; moderators hide any that contain personal data.

Every step is an UPDATE or DELETE of what is still there, so a second run changes nothing.
"""

from __future__ import annotations

import logging
from dataclasses import asdict, dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete, or_, select, update

from app.core import audit
from app.core.mail import OutboxMessage
from app.core.types import utcnow
from app.engagements.models import Engagement, Invitation, OutcomeSubscription
from app.extensions import db
from app.panels import retention as panel_retention
from app.privacy.models import DataRequest, RequestStatus
from app.questionnaires.models import Answer, ResponseDraft, Submission

log = logging.getLogger(__name__)

#: Sent e-mails (their address and text) are kept this long for delivery questions.
OUTBOX_KEEP_DAYS = 30
#: A handled request's address or code is kept this long (to answer "did you do it?").
DATA_REQUEST_KEEP_DAYS = 365
#: An e-mail request whose link was never opened is deleted after this.
UNCONFIRMED_KEEP_DAYS = 7


@dataclass
class RetentionReport:
    """Counts of what one run removed; nothing that names a person."""

    engagements_due: int = 0
    answer_texts: int = 0
    subscriptions: int = 0
    invitation_addresses: int = 0
    drafts: int = 0
    outbox: int = 0
    requests: int = 0
    panel_motivations: int = 0
    panel_participants: int = 0
    panel_links: int = 0
    panel_emails: int = 0

    @property
    def changed(self) -> bool:
        return any(value for key, value in asdict(self).items() if key != "engagements_due")


def ended_at(engagement: Engagement, now: datetime) -> datetime | None:
    """When the engagement stopped taking part, or None while it still can."""
    if engagement.closed_at is not None:
        return engagement.closed_at
    if engagement.closes_at is not None and engagement.closes_at <= now:
        return engagement.closes_at
    return None


def due_engagements(now: datetime) -> list[int]:
    rows = db.session.execute(
        select(
            Engagement.id,
            Engagement.closed_at,
            Engagement.closes_at,
            Engagement.retention_days,
        ).where(or_(Engagement.closed_at.is_not(None), Engagement.closes_at <= now))
    )
    due = []
    for engagement_id, closed_at, closes_at, days in rows:
        end = closed_at or closes_at
        if end is not None and end + timedelta(days=days) <= now:
            due.append(engagement_id)
    return sorted(due)


def _count(result) -> int:  # noqa: ANN001
    return result.rowcount or 0


def run(now: datetime | None = None) -> RetentionReport:
    """Remove everything whose period has ended. Flushes; the caller commits. Writes one audit
    row and one log line with the counts when anything changed."""
    now = now or utcnow()
    report = RetentionReport()
    due = due_engagements(now)
    report.engagements_due = len(due)
    if due:
        in_due = select(Submission.id).where(Submission.engagement_id.in_(due))
        report.answer_texts = _count(
            db.session.execute(
                update(Answer)
                .where(
                    Answer.submission_id.in_(in_due),
                    or_(Answer.text.is_not(None), Answer.redacted_text.is_not(None)),
                )
                .values(text=None, redacted_text=None)
                .execution_options(synchronize_session=False)
            )
        )
        report.subscriptions = _count(
            db.session.execute(
                delete(OutcomeSubscription).where(OutcomeSubscription.engagement_id.in_(due))
            )
        )
        report.invitation_addresses = _count(
            db.session.execute(
                update(Invitation)
                .where(Invitation.engagement_id.in_(due), Invitation.email.is_not(None))
                .values(email=None)
            )
        )
    report.drafts = _count(
        db.session.execute(delete(ResponseDraft).where(ResponseDraft.expires_at < now))
    )
    report.outbox = _count(
        db.session.execute(
            delete(OutboxMessage).where(
                OutboxMessage.sent_at.is_not(None),
                OutboxMessage.sent_at < now - timedelta(days=OUTBOX_KEEP_DAYS),
            )
        )
    )
    report.requests = _count(
        db.session.execute(
            delete(DataRequest).where(
                DataRequest.status == RequestStatus.UNCONFIRMED,
                DataRequest.created_at < now - timedelta(days=UNCONFIRMED_KEEP_DAYS),
            )
        )
    ) + _count(
        db.session.execute(
            update(DataRequest)
            .where(
                DataRequest.handled_at < now - timedelta(days=DATA_REQUEST_KEEP_DAYS),
                or_(DataRequest.email.is_not(None), DataRequest.receipt_code.is_not(None)),
            )
            .values(email=None, receipt_code=None)
        )
    )
    panels = panel_retention.purge_due(now)
    report.panel_motivations = panels.motivations
    report.panel_participants = panels.participants
    report.panel_links = panels.links
    report.panel_emails = panels.emails
    db.session.flush()
    if report.changed:
        counts = asdict(report)
        audit.record("retention.run", "retention", **counts)
        log.info("retention run removed %s", counts)
    return report
