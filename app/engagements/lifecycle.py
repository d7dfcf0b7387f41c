"""An engagement's life after publishing: closing early, the outcome, outcome news, invitations.

Services flush and raise :class:`LifecycleError`; the view or command commits. E-mails go to the
outbox in the caller's transaction (app/core/mail.py), so a change and its messages are kept or
lost together.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from email_validator import EmailNotValidError, validate_email
from flask import url_for
from sqlalchemy import func, select, update

from app.core import audit
from app.core.mail import queue_email
from app.core.types import clean_translations, missing_locales, utcnow
from app.engagements.models import Engagement, Invitation, OutcomeSubscription, Status
from app.extensions import db
from app.i18n import tr
from app.questionnaires.models import new_code

#: Printed codes made at one time, and addresses invited at one time.
MAX_CODES = 500
MAX_ADDRESSES = 2000
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


class LifecycleError(Exception):
    """A lifecycle rule was broken. ``reason`` is a code the view turns into words; ``items``
    lists what it concerns (missing languages, addresses that are not valid)."""

    def __init__(self, reason: str, items: Iterable[str] = ()) -> None:
        super().__init__(reason)
        self.reason = reason
        self.items = list(items)


def _target(engagement: Engagement) -> str:
    return f"engagements:{engagement.public_id}"


# --- open and closed -----------------------------------------------------------------------


def closed_since(engagement: Engagement, now: datetime | None = None) -> datetime | None:
    """When a published engagement stopped taking answers; None while it is open or a draft."""
    if engagement.status != Status.PUBLISHED:
        return None
    now = now or utcnow()
    ends = [engagement.closed_at] if engagement.closed_at else []
    if engagement.closes_at is not None and engagement.closes_at <= now:
        ends.append(engagement.closes_at)
    return min(ends) if ends else None


def is_closed(engagement: Engagement, now: datetime | None = None) -> bool:
    return closed_since(engagement, now) is not None


def close_early(engagement: Engagement) -> None:
    """Stop taking answers now, before the closing time. Flushes; the caller commits."""
    if engagement.status != Status.PUBLISHED:
        raise LifecycleError("not_published")
    if is_closed(engagement):
        raise LifecycleError("already_closed")
    engagement.closed_at = utcnow()
    db.session.flush()
    audit.record("engagement.close", _target(engagement))


def can_reopen(engagement: Engagement) -> bool:
    """Closed early, the closing time still ahead, and no outcome published yet."""
    return (
        engagement.closed_at is not None
        and engagement.outcome_published_at is None
        and (engagement.closes_at is None or engagement.closes_at > utcnow())
    )


def reopen(engagement: Engagement) -> None:
    """Take answers again after an early close, while the closing time is still ahead."""
    if engagement.closed_at is None:
        raise LifecycleError("not_closed_early")
    if engagement.outcome_published_at is not None:
        raise LifecycleError("outcome_published")
    if engagement.closes_at is not None and engagement.closes_at <= utcnow():
        raise LifecycleError("closing_time_passed")
    engagement.closed_at = None
    db.session.flush()
    audit.record("engagement.reopen", _target(engagement))


# --- the outcome ("you said, we did") ------------------------------------------------------


def missing_outcome_languages(engagement: Engagement) -> list[str]:
    """Offered languages that have no outcome text yet."""
    return missing_locales(engagement.outcome, tuple(engagement.languages))


def save_outcome(
    engagement: Engagement, texts: Mapping[str, str | None], decision_ref: str | None
) -> None:
    """Keep the outcome text (a draft until published) and the decision reference.

    After publishing this is a wording fix: allowed, audited, and no e-mail is sent again.
    """
    offered = {locale: text for locale, text in texts.items() if locale in engagement.languages}
    new_texts = clean_translations(offered)
    new_ref = (decision_ref or "").strip() or None
    old_texts = dict(engagement.outcome or {})
    changed = sorted(
        locale
        for locale in set(old_texts) | set(new_texts)
        if old_texts.get(locale) != new_texts.get(locale)
    )
    ref_changed = new_ref != engagement.decision_ref
    if not changed and not ref_changed:
        return
    engagement.outcome = new_texts
    engagement.decision_ref = new_ref
    db.session.flush()
    action = (
        "engagement.outcome.edit" if engagement.outcome_published_at else "engagement.outcome.save"
    )
    audit.record(action, _target(engagement), languages=changed, decision_ref=ref_changed)


def publish_outcome(engagement: Engagement) -> int:
    """Publish the outcome and queue one e-mail per subscriber; returns how many were queued.

    Refused while answers are still taken (``still_open``), when an offered language lacks the
    text (``missing_languages``, with the languages) and when it is published already.
    """
    if engagement.status != Status.PUBLISHED:
        raise LifecycleError("not_published")
    if not is_closed(engagement):
        raise LifecycleError("still_open")
    missing = missing_outcome_languages(engagement)
    if missing:
        raise LifecycleError("missing_languages", missing)
    now = utcnow()
    # Only one request can turn the outcome from unpublished to published, so a double click
    # or two staff members at once never send the e-mails twice.
    claimed = db.session.execute(
        update(Engagement)
        .where(Engagement.id == engagement.id, Engagement.outcome_published_at.is_(None))
        .values(outcome_published_at=now)
        .execution_options(synchronize_session=False)
    ).rowcount
    if claimed != 1:
        db.session.refresh(engagement)
        raise LifecycleError("already_published")
    engagement.outcome_published_at = now
    sent = _notify_subscribers(engagement, now)
    audit.record("engagement.outcome.publish", _target(engagement), emails=sent)
    return sent


def _notify_subscribers(engagement: Engagement, now: datetime) -> int:
    subscriptions = db.session.scalars(
        select(OutcomeSubscription)
        .where(
            OutcomeSubscription.engagement_id == engagement.id,
            OutcomeSubscription.notified_at.is_(None),
        )
        .order_by(OutcomeSubscription.id)
    ).all()
    sent: set[str] = set()
    for subscription in subscriptions:
        if subscription.email not in sent:
            _queue_outcome_email(engagement, subscription.email, subscription.locale)
            sent.add(subscription.email)
        subscription.notified_at = now
    db.session.flush()
    return len(sent)


def _queue_outcome_email(engagement: Engagement, email: str, locale: str) -> None:
    queue_email(
        email,
        "outcome",
        locale,
        title=tr(engagement.title, locale),
        outcome=tr(engagement.outcome, locale),
        decision_ref=engagement.decision_ref,
        link=url_for(
            "respond.engagement", public_id=engagement.public_id, lang=locale, _external=True
        ),
    )


# --- outcome news: an address kept apart from the answers -----------------------------------


def normalize_email(email: str | None) -> str:
    """The address in one form (domain in lower case), or LifecycleError("invalid_email")."""
    try:
        checked = validate_email((email or "").strip(), check_deliverability=False)
    except EmailNotValidError:
        raise LifecycleError("invalid_email") from None
    return checked.normalized.lower()


def subscribe(engagement: Engagement, email: str, locale: str) -> bool:
    """Keep an address to tell the outcome to; False when it was there already.

    Never linked to a response. The time is kept to the day only, so it cannot be matched with
    a response's submission time. When the outcome is out already, it is sent at once.
    """
    address = normalize_email(email)
    exists = db.session.scalar(
        select(OutcomeSubscription.id).where(
            OutcomeSubscription.engagement_id == engagement.id,
            OutcomeSubscription.email == address,
        )
    )
    if exists:
        return False
    today = utcnow().replace(hour=0, minute=0, second=0, microsecond=0)
    subscription = OutcomeSubscription(
        engagement_id=engagement.id, email=address, locale=locale, created_at=today
    )
    if engagement.outcome_published_at is not None:
        _queue_outcome_email(engagement, address, locale)
        subscription.notified_at = today
    db.session.add(subscription)
    db.session.flush()
    return True


def subscriber_count(engagement: Engagement) -> tuple[int, int]:
    """(addresses waiting for the outcome, addresses already told)."""
    waiting, told = db.session.execute(
        select(
            func.count(OutcomeSubscription.id) - func.count(OutcomeSubscription.notified_at),
            func.count(OutcomeSubscription.notified_at),
        ).where(OutcomeSubscription.engagement_id == engagement.id)
    ).one()
    return int(waiting or 0), int(told or 0)


# --- invitations: single-use codes, printed or e-mailed -------------------------------------


@dataclass(frozen=True)
class InvitationCounts:
    created: int
    used: int
    emailed: int


@dataclass(frozen=True)
class Batch:
    """Codes made at one time: printed (no addresses) or e-mailed."""

    created_at: datetime
    count: int
    used: int
    emailed: bool

    @property
    def key(self) -> int:
        """The batch in a URL: microseconds since 1970."""
        return batch_key(self.created_at)


def batch_key(moment: datetime) -> int:
    return (moment - _EPOCH) // timedelta(microseconds=1)


def batch_moment(key: int) -> datetime:
    return _EPOCH + timedelta(microseconds=key)


def normalize_code(code: str | None) -> str | None:
    """A typed code as stored (``K7QX-3MPA-9TZC``): dashes, spaces and case do not matter."""
    raw = "".join(ch for ch in (code or "").upper() if ch.isalnum())
    if len(raw) != 12:
        return None
    return f"{raw[:4]}-{raw[4:8]}-{raw[8:]}"


def _require_invited(engagement: Engagement) -> None:
    if engagement.audience != "invited":
        raise LifecycleError("not_invited_audience")
    if is_closed(engagement):
        raise LifecycleError("already_closed")


def create_codes(engagement: Engagement, count: int) -> list[Invitation]:
    """Make ``count`` printable single-use codes (one batch). Flushes; the caller commits."""
    _require_invited(engagement)
    if not 1 <= count <= MAX_CODES:
        raise LifecycleError("count_out_of_range")
    now = utcnow()
    codes = [
        Invitation(engagement_id=engagement.id, code=new_code(), created_at=now)
        for _ in range(count)
    ]
    db.session.add_all(codes)
    db.session.flush()
    audit.record("invitation.create", _target(engagement), count=count)
    return codes


def parse_addresses(text: str | None) -> tuple[list[str], list[str]]:
    """(valid addresses without duplicates, in the order given; what was not an address).

    One address a line; commas and semicolons between addresses are accepted too.
    """
    valid: list[str] = []
    invalid: list[str] = []
    seen: set[str] = set()
    for line in (text or "").replace(",", "\n").replace(";", "\n").splitlines():
        item = line.strip().strip("<>").strip()
        if not item:
            continue
        try:
            address = normalize_email(item)
        except LifecycleError:
            invalid.append(item)
            continue
        if address not in seen:
            seen.add(address)
            valid.append(address)
    return valid, invalid


def invite_by_email(engagement: Engagement, text: str | None, locale: str) -> tuple[int, int]:
    """Queue an invitation with its own code to each address; returns (sent, skipped).

    Addresses invited to this engagement before are skipped, so pasting a list twice does not
    give anybody two codes. Refused with the list when a line is not an address, so nothing is
    sent from a half-checked list.
    """
    _require_invited(engagement)
    if engagement.status != Status.PUBLISHED:
        raise LifecycleError("not_published")
    if locale not in engagement.languages:
        raise LifecycleError("language_not_offered")
    addresses, invalid = parse_addresses(text)
    if invalid:
        raise LifecycleError("invalid_addresses", invalid)
    if not addresses:
        raise LifecycleError("no_addresses")
    if len(addresses) > MAX_ADDRESSES:
        raise LifecycleError("too_many_addresses")
    invited_before = set(
        db.session.scalars(
            select(Invitation.email).where(
                Invitation.engagement_id == engagement.id,
                Invitation.email.in_(addresses),
            )
        )
    )
    now = utcnow()
    title = tr(engagement.title, locale)
    sent = 0
    for address in addresses:
        if address in invited_before:
            continue
        invitation = Invitation(
            engagement_id=engagement.id,
            code=new_code(),
            email=address,
            locale=locale,
            created_at=now,
        )
        db.session.add(invitation)
        queue_email(
            address,
            "survey_invitation",
            locale,
            engagement=engagement,
            title=title,
            summary=tr(engagement.summary, locale),
            department=tr(engagement.department.name, locale),
            code=invitation.code,
            link=url_for(
                "respond.engagement",
                public_id=engagement.public_id,
                lang=locale,
                code=invitation.code,
                _external=True,
            ),
        )
        sent += 1
    db.session.flush()
    # Counts only: the addresses are personal data.
    audit.record(
        "invitation.email",
        _target(engagement),
        sent=sent,
        skipped=len(addresses) - sent,
        locale=locale,
    )
    return sent, len(addresses) - sent


def invitation_counts(engagement: Engagement) -> InvitationCounts:
    created, used, emailed = db.session.execute(
        select(
            func.count(Invitation.id), func.count(Invitation.used_at), func.count(Invitation.email)
        ).where(Invitation.engagement_id == engagement.id)
    ).one()
    return InvitationCounts(int(created), int(used), int(emailed))


def batches(engagement: Engagement) -> list[Batch]:
    """The engagement's batches of codes, newest first (one query)."""
    rows = db.session.execute(
        select(
            Invitation.created_at,
            func.count(Invitation.id),
            func.count(Invitation.used_at),
            func.count(Invitation.email),
        )
        .where(Invitation.engagement_id == engagement.id)
        .group_by(Invitation.created_at)
        .order_by(Invitation.created_at.desc())
    ).all()
    return [Batch(at, int(n), int(used), bool(emailed)) for at, n, used, emailed in rows]


def printable_codes(engagement: Engagement, key: int) -> tuple[list[Invitation], int]:
    """A printed batch's unused codes, and how many of its codes are used already."""
    moment = batch_moment(key)
    invitations = db.session.scalars(
        select(Invitation)
        .where(
            Invitation.engagement_id == engagement.id,
            Invitation.email.is_(None),
            Invitation.created_at >= moment,
            Invitation.created_at < moment + timedelta(microseconds=1),
        )
        .order_by(Invitation.id)
    ).all()
    unused = [invitation for invitation in invitations if invitation.used_at is None]
    return unused, len(invitations) - len(unused)


def check_invitation(engagement: Engagement, code: str | None) -> Invitation:
    """The unused invitation with this code; LifecycleError ``unknown_code`` or ``used_code``."""
    normalized = normalize_code(code)
    invitation = (
        db.session.scalar(
            select(Invitation).where(
                Invitation.engagement_id == engagement.id, Invitation.code == normalized
            )
        )
        if normalized
        else None
    )
    if invitation is None:
        raise LifecycleError("unknown_code")
    if invitation.used_at is not None:
        raise LifecycleError("used_code")
    return invitation


def use_invitation(engagement: Engagement, code: str | None) -> Invitation:
    """Mark the code used, in the caller's transaction with the response it answers.

    A conditional update, so two browsers sending with one code store one response.
    """
    invitation = check_invitation(engagement, code)
    marked = db.session.execute(
        update(Invitation)
        .where(Invitation.id == invitation.id, Invitation.used_at.is_(None))
        .values(used_at=utcnow())
        .execution_options(synchronize_session=False)
    ).rowcount
    if marked != 1:
        raise LifecycleError("used_code")
    db.session.refresh(invitation)
    return invitation
