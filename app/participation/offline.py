"""Offline participation: people who took part in an engagement without the service.

Staff record a workshop with 40 people or a school visit as one entry (the day, the channel, a
head count, the language and a short note), and the participation records count it beside the
responses and comments (:func:`app.participation.queries.offline_facts`).

The rules :func:`add` checks, each a reason of :class:`OfflineError`:

- the engagement is published (``not_published``): the records count published engagements only;
- the day is given (``date_missing``), not after today in the city's time zone
  (``date_future``) and not more than a year before the engagement was created
  (``date_too_early``): workshops often come before the survey, but not years before;
- the head count is a whole number from 1 to :data:`MAX_PARTICIPANTS` (``participants``);
- the channel is one of :data:`OFFLINE_CHANNELS` (``channel``);
- the language is empty (not recorded) or one the engagement is offered in (``language``);
- the note is written (``note_missing``), at most :data:`NOTE_MAX` characters after control
  characters are removed (``note_too_long``).

Services flush and raise; the view or command commits.
"""

from __future__ import annotations

import re
import unicodedata
from datetime import UTC, date, datetime, timedelta
from typing import NamedTuple

from sqlalchemy import select

from app.auth.models import User
from app.core import audit
from app.engagements.models import Engagement, Status
from app.extensions import db
from app.i18n import city_zone
from app.participation.models import OFFLINE_CHANNELS, OfflineParticipation

#: The largest head count one entry may have (a city festival, not a typo of extra zeros).
MAX_PARTICIPANTS = 100_000
#: The longest note, in characters.
NOTE_MAX = 500
#: How long before the engagement was created its offline participation may have happened.
EARLIEST_BEFORE_CREATION = timedelta(days=365)

#: C0 and C1 control characters (newline and tab kept) and the bidirectional overrides.
_UNWANTED = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")

#: Form field each reason belongs to (``None``: the whole entry).
FIELDS: dict[str, str | None] = {
    "not_published": None,
    "date_missing": "held_on",
    "date_future": "held_on",
    "date_too_early": "held_on",
    "participants": "participants",
    "channel": "channel",
    "language": "language",
    "note_missing": "note",
    "note_too_long": "note",
}


class OfflineError(Exception):
    """An offline entry was refused.

    ``reason`` is the first problem (a key of :data:`FIELDS`) and ``field`` the form field it
    belongs to (``None`` for the whole entry); ``problems`` lists every ``(reason, field)``
    found, so a form can show them all at once.
    """

    def __init__(
        self,
        reason: str,
        field: str | None = None,
        problems: list[tuple[str, str | None]] | None = None,
    ) -> None:
        super().__init__(reason)
        self.reason = reason
        self.field = field
        self.problems = problems or [(reason, field)]


class Entry(NamedTuple):
    """One recorded entry and the name of the staff member who entered it ("" if removed)."""

    record: OfflineParticipation
    entered_by: str


def today() -> date:
    """Today in the city's time zone: the latest day an entry may have."""
    return datetime.now(UTC).astimezone(city_zone()).date()


def earliest_day(engagement: Engagement) -> date:
    """The first day an entry of ``engagement`` may have."""
    created = engagement.created_at or datetime.now(UTC)
    if created.tzinfo is None:
        created = created.replace(tzinfo=UTC)
    return (created.astimezone(city_zone()) - EARLIEST_BEFORE_CREATION).date()


def clean_note(text: str | None) -> str:
    """The note as stored: NFC, control characters removed, line ends unified, stripped."""
    if not text:
        return ""
    text = unicodedata.normalize("NFC", text).replace("\r\n", "\n").replace("\r", "\n")
    return _UNWANTED.sub("", text).strip()


def problems(
    engagement: Engagement,
    held_on: date | None,
    channel: str | None,
    participants: int | None,
    language: str | None,
    note: str | None,
) -> list[tuple[str, str | None]]:
    """Every rule the entry breaks, as ``(reason, field)``, in the form's order."""
    found: list[str] = []
    if engagement.status != Status.PUBLISHED:
        found.append("not_published")
    if held_on is None:
        found.append("date_missing")
    elif held_on > today():
        found.append("date_future")
    elif held_on < earliest_day(engagement):
        found.append("date_too_early")
    if channel not in OFFLINE_CHANNELS:
        found.append("channel")
    if (
        participants is None
        or isinstance(participants, bool)
        or not isinstance(participants, int)
        or not 1 <= participants <= MAX_PARTICIPANTS
    ):
        found.append("participants")
    if (language or "") and language not in engagement.languages:
        found.append("language")
    cleaned = clean_note(note)
    if not cleaned:
        found.append("note_missing")
    elif len(cleaned) > NOTE_MAX:
        found.append("note_too_long")
    return [(reason, FIELDS[reason]) for reason in found]


def _target(engagement: Engagement) -> str:
    return f"engagements:{engagement.public_id}"


def add(
    engagement: Engagement,
    held_on: date | None,
    channel: str | None,
    participants: int | None,
    language: str | None,
    note: str | None,
    user: User | None,
) -> OfflineParticipation:
    """Record people who took part in ``engagement`` without the service. Flushes; audited.

    Raises :class:`OfflineError` with every broken rule (see the module's docstring); nothing
    is added then.
    """
    found = problems(engagement, held_on, channel, participants, language, note)
    if found:
        reason, field = found[0]
        raise OfflineError(reason, field, found)
    entry = OfflineParticipation(
        engagement_id=engagement.id,
        held_on=held_on,
        channel=channel,
        participants=participants,
        language=language or "",
        note=clean_note(note),
        entered_by_id=user.id if user is not None else None,
    )
    db.session.add(entry)
    db.session.flush()
    audit.record(
        "participation.offline.add",
        _target(engagement),
        actor_id=user.id if user is not None else None,
        entry=entry.id,
        held_on=entry.held_on.isoformat(),
        channel=entry.channel,
        language=entry.language,
        participants=entry.participants,
    )
    return entry


def remove(entry: OfflineParticipation, user: User | None) -> None:
    """Delete an entry: it no longer counts in the records. Flushes; audited."""
    engagement = entry.engagement
    audit.record(
        "participation.offline.remove",
        _target(engagement),
        actor_id=user.id if user is not None else None,
        entry=entry.id,
        held_on=entry.held_on.isoformat(),
        channel=entry.channel,
        participants=entry.participants,
    )
    db.session.delete(entry)
    db.session.flush()


def entry_of(engagement: Engagement, entry_id: int) -> OfflineParticipation | None:
    """The entry ``entry_id`` when it belongs to ``engagement``, else ``None``."""
    return db.session.scalar(
        select(OfflineParticipation).where(
            OfflineParticipation.id == entry_id,
            OfflineParticipation.engagement_id == engagement.id,
        )
    )


def entries(engagement: Engagement) -> list[Entry]:
    """The engagement's entries, newest first (by the day held, then by when entered), each
    with the name (or e-mail) of who entered it; one query."""
    rows = db.session.execute(
        select(OfflineParticipation, User.name, User.email)
        .outerjoin(User, User.id == OfflineParticipation.entered_by_id)
        .where(OfflineParticipation.engagement_id == engagement.id)
        .order_by(OfflineParticipation.held_on.desc(), OfflineParticipation.id.desc())
    ).all()
    return [Entry(record, name or email or "") for record, name, email in rows]


def totals(listed: list[Entry]) -> tuple[int, int]:
    """(entries, people) of a list from :func:`entries`."""
    return len(listed), sum(entry.record.participants for entry in listed)
