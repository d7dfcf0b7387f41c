"""Staff decisions about results: publishing them for residents, the smallest group shown, and
hiding or editing written answers before publishing. Services flush; the view commits.
"""

from __future__ import annotations

from sqlalchemy import select

from app.core import audit
from app.core.types import utcnow
from app.engagements.models import Engagement, Status
from app.extensions import db
from app.questionnaires.models import Answer, Submission

#: Published results never show groups smaller than this, whatever staff set.
MIN_GROUP_FLOOR = 3
MIN_GROUP_CEILING = 100


class ResultsError(Exception):
    """A results rule was broken; ``reason`` says which."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def _target(engagement: Engagement) -> str:
    return f"engagements:{engagement.public_id}"


def publish_results(engagement: Engagement) -> None:
    """Show the results page to residents. Only a published engagement's results can be."""
    if engagement.status != Status.PUBLISHED:
        raise ResultsError("not_published")
    if engagement.results_published_at is None:
        engagement.results_published_at = utcnow()
        audit.record("results.publish", _target(engagement))
    db.session.flush()


def unpublish_results(engagement: Engagement) -> None:
    """Take the residents' results page down again."""
    if engagement.results_published_at is not None:
        engagement.results_published_at = None
        audit.record("results.unpublish", _target(engagement))
    db.session.flush()


def set_min_group_size(engagement: Engagement, size: int) -> None:
    """Change the smallest group published results show (smaller ones read "fewer than N")."""
    if not MIN_GROUP_FLOOR <= size <= MIN_GROUP_CEILING:
        raise ResultsError("min_group_size")
    if engagement.min_group_size != size:
        audit.record(
            "results.min_group_size",
            _target(engagement),
            old=engagement.min_group_size,
            new=size,
        )
        engagement.min_group_size = size
    db.session.flush()


def written_answer(engagement: Engagement, answer_id: int | None) -> Answer | None:
    """A written answer (text or "other") of this engagement's responses, or None."""
    if answer_id is None:
        return None
    return db.session.scalar(
        select(Answer)
        .join(Submission, Submission.id == Answer.submission_id)
        .where(
            Answer.id == answer_id,
            Submission.engagement_id == engagement.id,
            Answer.text.is_not(None),
        )
    )


def set_hidden(answer: Answer, hidden: bool) -> None:
    """Hide a written answer from published results, or show it again. Staff still see it."""
    if answer.is_hidden != hidden:
        answer.is_hidden = hidden
        # The text itself is personal data: the audit row names the answer only.
        audit.record(
            "results.answer_hide" if hidden else "results.answer_show", f"answers:{answer.id}"
        )
    db.session.flush()


def redact(answer: Answer, text: str | None) -> None:
    """Publish an edited version of a written answer (names removed); blank goes back to the
    original. The original stays for staff.
    """
    text = (text or "").strip() or None
    if text != answer.redacted_text:
        answer.redacted_text = text
        audit.record(
            "results.answer_redact" if text else "results.answer_unredact", f"answers:{answer.id}"
        )
    db.session.flush()
