"""A customer panel's meetings and who attended them: staff plan meetings, write the agenda,
materials and minutes per language and mark attendance; members see their upcoming and past
meetings (:func:`for_members`). Attendance counts as participation (``app.participation``).

Services flush and raise :class:`~app.panels.services.PanelError`; the view commits.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from urllib.parse import urlparse

from sqlalchemy import ColumnElement, and_, delete, func, or_, select

from app.core import audit
from app.core.types import utcnow
from app.extensions import db
from app.i18n import LOCALES, city_zone
from app.panels.models import (
    MeetingAttendance,
    Panel,
    PanelApplication,
    PanelMeeting,
    PanelMember,
    Participant,
)
from app.panels.services import PanelError

#: A meeting without an end time is taken to last this long (members still see it as
#: upcoming, with its online link, while it is on).
DEFAULT_LENGTH = timedelta(hours=2)
#: Longest place text (the column's size).
MAX_PLACE = 300
MAX_URL = 500


def local_day(moment: datetime) -> date:
    """The day of ``moment`` in the city's time zone."""
    return moment.astimezone(city_zone()).date()


def is_web_address(url: str | None) -> bool:
    """An http or https address with a host (never javascript: or data:)."""
    if not url:
        return False
    parts = urlparse(url.strip())
    return parts.scheme in ("http", "https") and bool(parts.netloc)


def _texts(
    old: Mapping[str, str] | None, new: Mapping[str, str] | None, languages: Iterable[str]
) -> dict[str, str]:
    """``new`` in the offered languages (stripped, empty ones left out) over the texts ``old``
    has in languages no longer offered: offering a language again brings them back."""
    offered = set(languages)
    kept = {loc: text for loc, text in (old or {}).items() if loc not in offered}
    written = {
        loc: text
        for loc in LOCALES
        if loc in offered and (text := ((new or {}).get(loc) or "").strip())
    }
    return {**kept, **written}


@dataclass(frozen=True)
class MeetingInput:
    """What the meeting form edits. Times are timezone-aware (UTC); texts are {lang: text}."""

    starts_at: datetime
    ends_at: datetime | None
    place: str
    online_url: str
    agenda: Mapping[str, str]
    materials: Mapping[str, str]
    minutes: Mapping[str, str]


def _attendance_count(meeting: PanelMeeting) -> int:
    return (
        db.session.scalar(
            select(func.count())
            .select_from(MeetingAttendance)
            .where(MeetingAttendance.meeting_id == meeting.id)
        )
        or 0
    )


def _check(data: MeetingInput, meeting: PanelMeeting | None = None) -> None:
    if data.starts_at is None:
        raise PanelError("meeting_start", "starts_at")
    if data.starts_at.tzinfo is None:
        raise ValueError("naive datetime given; use timezone-aware UTC datetimes")
    if data.ends_at is not None and data.ends_at <= data.starts_at:
        raise PanelError("meeting_order", "ends_at")
    if len(data.place.strip()) > MAX_PLACE:
        raise PanelError("place_too_long", "place")
    url = data.online_url.strip()
    if url and (not is_web_address(url) or len(url) > MAX_URL):
        raise PanelError("online_url", "online_url")
    if (
        meeting is not None
        and local_day(data.starts_at) > local_day(utcnow())
        and _attendance_count(meeting)
    ):
        # Attendance is marked for meetings that were held: it counts as participation.
        raise PanelError("attended_moved_ahead", "starts_at")


def _fill(meeting: PanelMeeting, panel: Panel, data: MeetingInput) -> None:
    languages = panel.engagement.languages
    meeting.starts_at = data.starts_at
    meeting.ends_at = data.ends_at
    meeting.place = data.place.strip()
    meeting.online_url = data.online_url.strip()
    meeting.agenda = _texts(meeting.agenda, data.agenda, languages)
    meeting.materials = _texts(meeting.materials, data.materials, languages)
    meeting.minutes = _texts(meeting.minutes, data.minutes, languages)


def create_meeting(panel: Panel, data: MeetingInput) -> PanelMeeting:
    """A new meeting of ``panel``. Raises PanelError ``meeting_start``, ``meeting_order`` (ends
    before it starts), ``place_too_long`` or ``online_url`` (not an http(s) address). Flushes."""
    _check(data)
    meeting = PanelMeeting(panel_id=panel.id)
    _fill(meeting, panel, data)
    db.session.add(meeting)
    db.session.flush()
    audit.record("panel.meeting.create", f"panel_meetings:{meeting.id}", panel=panel.id)
    return meeting


def update_meeting(meeting: PanelMeeting, data: MeetingInput) -> None:
    """Save the meeting's time, place, link and texts (texts of languages the panel no longer
    offers are kept). Raises what :func:`create_meeting` raises, and ``attended_moved_ahead``
    when a meeting with attendance would move to a day still to come. Flushes."""
    _check(data, meeting)
    _fill(meeting, meeting.panel, data)
    db.session.flush()
    audit.record("panel.meeting.update", f"panel_meetings:{meeting.id}", panel=meeting.panel_id)


def delete_meeting(meeting: PanelMeeting) -> int:
    """Delete the meeting and its attendance (which then no longer counts as participation).
    Returns how many attendance marks went with it. Flushes."""
    marks = _attendance_count(meeting)
    db.session.execute(delete(MeetingAttendance).where(MeetingAttendance.meeting_id == meeting.id))
    panel_id, meeting_id = meeting.panel_id, meeting.id
    db.session.delete(meeting)
    db.session.flush()
    audit.record(
        "panel.meeting.delete", f"panel_meetings:{meeting_id}", panel=panel_id, marks=marks
    )
    return marks


def meeting_of(panel: Panel, meeting_id: int) -> PanelMeeting | None:
    meeting = db.session.get(PanelMeeting, meeting_id)
    return meeting if meeting is not None and meeting.panel_id == panel.id else None


# --- attendance ------------------------------------------------------------------------------


def _member_at(meeting: PanelMeeting) -> ColumnElement[bool]:
    """Members who may be marked present: members now, or members when the meeting started."""
    return or_(
        PanelMember.left_at.is_(None),
        and_(
            PanelMember.joined_at <= meeting.starts_at,
            PanelMember.left_at > meeting.starts_at,
        ),
    )


def can_mark(meeting: PanelMeeting, today: date | None = None) -> bool:
    """Attendance can be marked from the meeting's day on (in the city's time zone)."""
    return local_day(meeting.starts_at) <= (today or local_day(utcnow()))


def eligible_members(meeting: PanelMeeting) -> list[tuple[PanelMember, Participant]]:
    """Who can be marked present at ``meeting``, with their person, by name (one query)."""
    rows = db.session.execute(
        select(PanelMember, Participant)
        .join(Participant, Participant.id == PanelMember.participant_id)
        .where(PanelMember.panel_id == meeting.panel_id, _member_at(meeting))
        .order_by(func.lower(Participant.name), Participant.email, PanelMember.id)
    )
    return [(member, person) for member, person in rows]


def attendees(meeting: PanelMeeting) -> set[int]:
    """Member ids marked present at ``meeting``."""
    return set(
        db.session.scalars(
            select(MeetingAttendance.member_id).where(MeetingAttendance.meeting_id == meeting.id)
        )
    )


def set_attendance(meeting: PanelMeeting, member_ids: Iterable[int]) -> set[int]:
    """Replace who attended ``meeting`` with ``member_ids``; marks that stay keep their time.
    Raises PanelError ``not_held_yet`` (the meeting's day has not come) or ``not_a_member``
    (someone who is not a member now and was not one at the meeting). Returns the ids. Flushes."""
    wanted = {int(member_id) for member_id in member_ids}
    if wanted and not can_mark(meeting):
        raise PanelError("not_held_yet")
    allowed = {member.id for member, _person in eligible_members(meeting)}
    if wanted - allowed:
        raise PanelError("not_a_member", "members")
    present = attendees(meeting)
    gone = present - wanted
    if gone:
        db.session.execute(
            delete(MeetingAttendance).where(
                MeetingAttendance.meeting_id == meeting.id,
                MeetingAttendance.member_id.in_(gone),
            )
        )
    db.session.add_all(
        MeetingAttendance(meeting_id=meeting.id, member_id=member_id)
        for member_id in sorted(wanted - present)
    )
    db.session.flush()
    audit.record(
        "panel.attendance",
        f"panel_meetings:{meeting.id}",
        panel=meeting.panel_id,
        present=len(wanted),
        added=len(wanted - present),
        removed=len(gone),
    )
    return wanted


def view_attendance(meeting: PanelMeeting, count: int) -> None:
    """Record that a staff member looked at the names of a meeting's members."""
    audit.record(
        "panel.attendance.view", f"panel_meetings:{meeting.id}", panel=meeting.panel_id, count=count
    )


# --- lists -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class MeetingRow:
    meeting: PanelMeeting
    #: Members marked present.
    attended: int


def for_staff(panel: Panel) -> list[MeetingRow]:
    """Every meeting of ``panel`` with its attendance count, earliest first (one query)."""
    counts = (
        select(MeetingAttendance.meeting_id, func.count().label("attended"))
        .group_by(MeetingAttendance.meeting_id)
        .subquery()
    )
    rows = db.session.execute(
        select(PanelMeeting, func.coalesce(counts.c.attended, 0))
        .outerjoin(counts, counts.c.meeting_id == PanelMeeting.id)
        .where(PanelMeeting.panel_id == panel.id)
        .order_by(PanelMeeting.starts_at, PanelMeeting.id)
    )
    return [MeetingRow(meeting, int(attended)) for meeting, attended in rows]


def ends(meeting: PanelMeeting) -> datetime:
    """When the meeting ends, or is taken to end when no end time is set."""
    return meeting.ends_at or meeting.starts_at + DEFAULT_LENGTH


def is_upcoming(meeting: PanelMeeting, now: datetime | None = None) -> bool:
    """Still to come or on now."""
    return ends(meeting) > (now or utcnow())


def for_members(
    panel: Panel, now: datetime | None = None
) -> tuple[list[PanelMeeting], list[PanelMeeting]]:
    """(upcoming, past) meetings of ``panel`` for its members' pages: upcoming ones (and one on
    now) soonest first, past ones latest first."""
    now = now or utcnow()
    meetings = list(
        db.session.scalars(
            select(PanelMeeting)
            .where(PanelMeeting.panel_id == panel.id)
            .order_by(PanelMeeting.starts_at, PanelMeeting.id)
        )
    )
    upcoming = [meeting for meeting in meetings if is_upcoming(meeting, now)]
    past = [meeting for meeting in reversed(meetings) if not is_upcoming(meeting, now)]
    return upcoming, past


# --- members ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class MemberRow:
    member: PanelMember
    person: Participant
    #: Background answers given when applying: {dimension: category code}.
    bands: Mapping[str, str]
    #: Meetings the member was marked present at.
    attended: int


def roster(panel: Panel) -> tuple[list[MemberRow], list[MemberRow]]:
    """(members now, members who left) of ``panel`` with their background and attendance, by
    joining order (members who left: latest to leave first), in one query."""
    counts = (
        select(MeetingAttendance.member_id, func.count().label("attended"))
        .group_by(MeetingAttendance.member_id)
        .subquery()
    )
    rows = db.session.execute(
        select(
            PanelMember, Participant, PanelApplication.bands, func.coalesce(counts.c.attended, 0)
        )
        .join(Participant, Participant.id == PanelMember.participant_id)
        .outerjoin(PanelApplication, PanelApplication.id == PanelMember.application_id)
        .outerjoin(counts, counts.c.member_id == PanelMember.id)
        .where(PanelMember.panel_id == panel.id)
        .order_by(PanelMember.joined_at, PanelMember.id)
    )
    items = [
        MemberRow(member, person, dict(bands or {}), int(attended))
        for member, person, bands, attended in rows
    ]
    current = [row for row in items if row.member.left_at is None]
    left = sorted(
        (row for row in items if row.member.left_at is not None),
        key=lambda row: row.member.left_at,
        reverse=True,
    )
    return current, left


def member_of(panel: Panel, member_id: int) -> PanelMember | None:
    member = db.session.get(PanelMember, member_id)
    return member if member is not None and member.panel_id == panel.id else None


def view_members(panel: Panel, count: int) -> None:
    """Record that a staff member looked at the members' personal data."""
    audit.record("panel.members.view", f"panels:{panel.id}", count=count)
