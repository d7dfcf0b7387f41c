"""Staff run a customer panel's work: its members, meetings and attendance, and the panel's
statements with the service's official response."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from flask import Blueprint, abort, flash, redirect, request, url_for
from flask_babel import format_datetime, format_time
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from app.core.forms import BaseForm
from app.engagements.access import engagement_required
from app.extensions import db
from app.i18n import LANG_PREFIX, to_local, to_utc
from app.panels import meetings, services, setup, statements
from app.panels.forms import ConfirmForm
from app.panels.models import Panel, PanelMeeting, PanelStatement
from app.panels.services import PanelError
from app.panels.staff_routes import _page, _panel
from app.panels.statements import MissingTextError
from app.panels.work_forms import (
    attendance_form,
    meeting_form,
    new_statement_form,
    response_form,
    statement_form,
)

bp = Blueprint("panels_work", __name__, url_prefix=LANG_PREFIX)

#: PanelError reasons of these pages in words.
ERRORS = {
    "meeting_start": _l("Write the date and time the meeting starts."),
    "meeting_order": _l("The meeting must end after it starts."),
    "place_too_long": _l("Write at most 300 characters."),
    "online_url": _l("Write an address that starts with https:// or http://."),
    "attended_moved_ahead": _l(
        "Members are marked present at this meeting, so it cannot move to a day still to come."
    ),
    "not_held_yet": _l("Attendance can be marked from the day of the meeting on."),
    "not_a_member": _l("Someone on the list is no longer a member. Reload the page."),
    "no_statement_title": _l("Write the title in at least one language."),
    "too_long": _l("The text is too long."),
    "statement_not_published": _l(
        "Publish the panel's statement first: the response is shown under it."
    ),
}


def error_text(error: PanelError) -> str:
    return str(
        ERRORS.get(error.reason, _l("We could not save the change. Check it and try again."))
    )


def meeting_when(meeting: PanelMeeting) -> str:
    """The meeting's date and time in the page's language, e.g. ``14.3.2031 18.00–20.00``."""
    start = format_datetime(meeting.starts_at, "short")
    if meeting.ends_at is None:
        return start
    if meetings.local_day(meeting.ends_at) == meetings.local_day(meeting.starts_at):
        end = format_time(meeting.ends_at, "short")
    else:
        end = format_datetime(meeting.ends_at, "short")
    return f"{start}–{end}"


@bp.context_processor
def _helpers() -> dict[str, Any]:
    return {"meeting_when": meeting_when}


def _show_error(form: BaseForm, error: PanelError) -> list[str]:
    """Put a service refusal beside its field; what has no field goes to the summary."""
    name = error.field
    if name and name in form:
        field = form[name]
        target = field[next(iter(field._fields))] if hasattr(field, "_fields") else field
        target.errors = [*target.errors, error_text(error)]
        return []
    return [error_text(error)]


def _show_missing(form: BaseForm, error: MissingTextError) -> list[str]:
    """Mark every text that publishing still needs at its own input (``title:sv`` → the Swedish
    title); what the form does not hold goes to the summary."""
    problems = []
    for code in error.missing:
        name, _sep, locale = code.partition(":")
        message = _(
            "Write it in %(language)s before publishing.", language=setup.language_name(locale)
        )
        if name in form and locale in form[name]._fields:
            target = form[name][locale]
            target.errors = [*target.errors, message]
        else:
            problems.append(message)
    return problems


def _languages(panel: Panel) -> list[str]:
    return list(panel.engagement.languages)


def _context(panel: Panel, **context: Any) -> dict[str, Any]:
    return {"panel": panel, "engagement": panel.engagement, **context}


# --- members ---------------------------------------------------------------------------------


@bp.get("/staff/panels/<public_id>/members")
@engagement_required()
def members(public_id: str):
    """Members now and members who left, with background and attendance (personal data:
    audited). ``?remove=<member id>`` asks to confirm removing a member."""
    panel = _panel()
    current, left = meetings.roster(panel)
    meetings.view_members(panel, len(current) + len(left))
    db.session.commit()
    removing = None
    if (wanted := request.args.get("remove", type=int)) is not None:
        removing = next((row for row in current if row.member.id == wanted), None)
    return _page(
        "members.html",
        **_context(
            panel,
            current=current,
            left=left,
            bands={
                row.member.id: setup.labelled_bands(panel, row.bands) for row in [*current, *left]
            },
            removing=removing,
            form=ConfirmForm(),
        ),
    )


@bp.post("/staff/panels/<public_id>/members/<int:member_id>/remove")
@engagement_required()
def remove_member(public_id: str, member_id: int):
    """The member leaves the panel; their posts and attendance stay."""
    panel = _panel()
    member = meetings.member_of(panel, member_id) or abort(404)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    if member.left_at is not None:
        flash(_("This member has left the panel already."), "warning")
        return redirect(url_for("panels_work.members", public_id=public_id))
    services.leave(member)
    db.session.commit()
    flash(
        _(
            "%(name)s is no longer a member of the panel.",
            name=member.participant.name or member.participant.email,
        ),
        "success",
    )
    return redirect(url_for("panels_work.members", public_id=public_id))


# --- meetings --------------------------------------------------------------------------------


def _meeting(panel: Panel, meeting_id: int) -> PanelMeeting:
    return meetings.meeting_of(panel, meeting_id) or abort(404)


def _meeting_data(meeting: PanelMeeting) -> dict[str, Any]:
    ends = to_local(meeting.ends_at)
    return {
        "starts_at": to_local(meeting.starts_at),
        "ends_at": ends.time() if ends else None,
        "place": meeting.place,
        "online_url": meeting.online_url,
        "agenda": meeting.agenda,
        "materials": meeting.materials,
        "minutes": meeting.minutes,
    }


def _meeting_input(form: BaseForm) -> meetings.MeetingInput:
    """The form's values for the service; the end time is on the start's day (Finnish time)."""
    start = form.starts_at.data
    end = datetime.combine(start.date(), form.ends_at.data) if form.ends_at.data else None
    return meetings.MeetingInput(
        starts_at=to_utc(start),
        ends_at=to_utc(end),
        place=form.place.data or "",
        online_url=form.online_url.data or "",
        agenda=form.agenda.data,
        materials=form.materials.data,
        minutes=form.minutes.data,
    )


@bp.get("/staff/panels/<public_id>/meetings")
@engagement_required()
def meeting_list(public_id: str):
    """Upcoming and past meetings with their attendance."""
    panel = _panel()
    rows = meetings.for_staff(panel)
    upcoming = [row for row in rows if meetings.is_upcoming(row.meeting)]
    past = [row for row in reversed(rows) if not meetings.is_upcoming(row.meeting)]
    return _page("meetings.html", **_context(panel, upcoming=upcoming, past=past))


@bp.route("/staff/panels/<public_id>/meetings/new", methods=["GET", "POST"])
@engagement_required()
def new_meeting(public_id: str):
    panel = _panel()
    form = meeting_form(_languages(panel))
    problems: list[str] = []
    if form.validate_on_submit():
        try:
            meeting = meetings.create_meeting(panel, _meeting_input(form))
        except PanelError as error:
            db.session.rollback()
            problems = _show_error(form, error)
        else:
            db.session.commit()
            flash(_("The meeting is added."), "success")
            return redirect(
                url_for("panels_work.meeting", public_id=public_id, meeting_id=meeting.id)
            )
    return _page(
        "meeting.html",
        422 if form.errors or problems else 200,
        **_context(panel, form=form, meeting=None, problems=problems),
    )


@bp.route("/staff/panels/<public_id>/meetings/<int:meeting_id>", methods=["GET", "POST"])
@engagement_required()
def meeting(public_id: str, meeting_id: int):
    """Time, place, link, agenda, materials and minutes; ``?delete=1`` asks to confirm
    deleting the meeting."""
    panel = _panel()
    item = _meeting(panel, meeting_id)
    form = meeting_form(
        _languages(panel), data=_meeting_data(item) if request.method == "GET" else None
    )
    problems: list[str] = []
    if form.validate_on_submit():
        try:
            meetings.update_meeting(item, _meeting_input(form))
        except PanelError as error:
            db.session.rollback()
            problems = _show_error(form, error)
        else:
            db.session.commit()
            flash(_("The meeting is saved."), "success")
            return redirect(url_for("panels_work.meeting_list", public_id=public_id))
    return _page(
        "meeting.html",
        422 if form.errors or problems else 200,
        **_context(
            panel,
            form=form,
            meeting=item,
            problems=problems,
            attended=len(meetings.attendees(item)),
            deleting=request.method == "GET" and bool(request.args.get("delete")),
            confirm=ConfirmForm(),
        ),
    )


@bp.post("/staff/panels/<public_id>/meetings/<int:meeting_id>/delete")
@engagement_required()
def delete_meeting(public_id: str, meeting_id: int):
    """Delete a meeting and its attendance (after the confirmation on the meeting's page)."""
    panel = _panel()
    item = _meeting(panel, meeting_id)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    when = meeting_when(item)
    meetings.delete_meeting(item)
    db.session.commit()
    flash(_("The meeting of %(when)s is deleted.", when=when), "success")
    return redirect(url_for("panels_work.meeting_list", public_id=public_id))


@bp.route("/staff/panels/<public_id>/meetings/<int:meeting_id>/attendance", methods=["GET", "POST"])
@engagement_required()
def attendance(public_id: str, meeting_id: int):
    """A checkbox per member; saving replaces who attended."""
    panel = _panel()
    item = _meeting(panel, meeting_id)
    people = meetings.eligible_members(item)
    choices = [
        (member.id, _labelled(person.name or person.email, member.left_at is not None))
        for member, person in people
    ]
    form = attendance_form(
        choices,
        data={"members": sorted(meetings.attendees(item))} if request.method == "GET" else None,
    )
    problems: list[str] = []
    if form.validate_on_submit():
        try:
            present = meetings.set_attendance(item, form.members.data or [])
        except PanelError as error:
            db.session.rollback()
            problems = _show_error(form, error)
        else:
            db.session.commit()
            flash(
                _(
                    "Attendance is saved: %(count)d of %(members)d present.",
                    count=len(present),
                    members=len(people),
                ),
                "success",
            )
            return redirect(url_for("panels_work.meeting_list", public_id=public_id))
    else:
        meetings.view_attendance(item, len(people))
        db.session.commit()
    return _page(
        "attendance.html",
        422 if form.errors or problems else 200,
        **_context(
            panel,
            form=form,
            meeting=item,
            problems=problems,
            can_mark=meetings.can_mark(item),
        ),
    )


def _labelled(name: str, has_left: bool) -> str:
    # i18n: a member in the attendance list who has left the panel since the meeting.
    return _("%(name)s (left the panel)", name=name) if has_left else name


# --- statements and the service's response ---------------------------------------------------


def _statement(panel: Panel, statement_id: int) -> PanelStatement:
    return statements.statement_of(panel, statement_id) or abort(404)


def _statement_url(panel: Panel, item: PanelStatement, **kwargs: Any) -> str:
    return url_for(
        "panels_work.statement",
        public_id=panel.engagement.public_id,
        statement_id=item.id,
        **kwargs,
    )


@bp.route("/staff/panels/<public_id>/statements", methods=["GET", "POST"])
@engagement_required()
def statement_list(public_id: str):
    """The panel's statements, and a new one by its title."""
    panel = _panel()
    form = new_statement_form(_languages(panel))
    problems: list[str] = []
    if form.validate_on_submit():
        try:
            item = statements.create_statement(panel, form.title.data)
        except PanelError as error:
            db.session.rollback()
            problems = _show_error(form, error)
        else:
            db.session.commit()
            flash(_("The statement is added. Write its text next."), "success")
            return redirect(_statement_url(panel, item))
    return _page(
        "statements.html",
        422 if form.errors or problems else 200,
        **_context(panel, form=form, problems=problems, items=statements.statements_of(panel)),
    )


def _statement_page(
    panel: Panel,
    item: PanelStatement,
    form: BaseForm | None = None,
    answer: BaseForm | None = None,
    problems: list[str] | None = None,
    answer_problems: list[str] | None = None,
) -> tuple[str, int]:
    """The statement's page; a form given is the one just sent (kept input, its errors)."""
    languages = _languages(panel)
    sent = form if form is not None else answer
    form = form or statement_form(
        languages, formdata=None, data={"title": item.title, "statement": item.statement}
    )
    answer = answer or response_form(
        languages,
        formdata=None,
        data={"response": item.response, "decision_ref": item.decision_ref or ""},
    )
    failed = sent is not None and bool(sent.errors or problems or answer_problems)
    return _page(
        "statement.html",
        422 if failed else 200,
        **_context(
            panel,
            item=item,
            form=form,
            answer=answer,
            problems=problems or [],
            answer_problems=answer_problems or [],
            statement_missing=statements.statement_missing(item),
            confirm=ConfirmForm(),
        ),
    )


def _wants_publish() -> bool:
    return request.form.get("action") == "publish"


@bp.route("/staff/panels/<public_id>/statements/<int:statement_id>", methods=["GET", "POST"])
@engagement_required()
def statement(public_id: str, statement_id: int):
    """The statement's title and text (save, or save and publish), then the response."""
    panel = _panel()
    item = _statement(panel, statement_id)
    if request.method == "GET":
        return _statement_page(panel, item)
    form = statement_form(_languages(panel))
    problems: list[str] = []
    if form.validate_on_submit():
        publishing = _wants_publish()
        try:
            statements.update_statement(item, form.title.data, form.statement.data)
            if publishing:
                statements.publish_statement(item)
        except MissingTextError as error:
            db.session.rollback()
            problems = _show_missing(form, error)
        except PanelError as error:
            db.session.rollback()
            problems = _show_error(form, error)
        else:
            db.session.commit()
            if publishing:
                flash(_("The statement is published on the panel's page."), "success")
            else:
                flash(_("The statement is saved."), "success")
            return redirect(_statement_url(panel, item))
    return _statement_page(panel, item, form=form, problems=problems)


@bp.post("/staff/panels/<public_id>/statements/<int:statement_id>/response")
@engagement_required()
def response(public_id: str, statement_id: int):
    """The service's response and decision reference (save, or save and publish)."""
    panel = _panel()
    item = _statement(panel, statement_id)
    answer = response_form(_languages(panel))
    problems: list[str] = []
    if answer.validate_on_submit():
        publishing = _wants_publish()
        try:
            statements.save_response(item, answer.response.data, answer.decision_ref.data)
            if publishing:
                statements.publish_response(item)
        except MissingTextError as error:
            db.session.rollback()
            problems = _show_missing(answer, error)
        except PanelError as error:
            db.session.rollback()
            problems = _show_error(answer, error)
        else:
            db.session.commit()
            if publishing:
                flash(_("The response is published on the panel's page."), "success")
            else:
                flash(_("The response is saved."), "success")
            return redirect(_statement_url(panel, item, _anchor="the-response"))
    return _statement_page(panel, item, answer=answer, answer_problems=problems)


@bp.post("/staff/panels/<public_id>/statements/<int:statement_id>/unpublish")
@engagement_required()
def unpublish(public_id: str, statement_id: int):
    """Take the statement (and its response) or only the response off the public page."""
    panel = _panel()
    item = _statement(panel, statement_id)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    if request.form.get("part") == "response":
        statements.unpublish_response(item)
        message = _("The response is no longer shown on the panel's page.")
    else:
        statements.unpublish_statement(item)
        message = _("The statement and its response are no longer shown on the panel's page.")
    db.session.commit()
    flash(message, "success")
    return redirect(_statement_url(panel, item))
