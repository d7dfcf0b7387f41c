"""Staff record offline participation of an engagement (a workshop, a school visit)."""

from __future__ import annotations

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import format_date, format_decimal, ngettext
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from app.engagements.access import current_engagement, engagement_required
from app.engagements.models import Engagement, Kind, Status
from app.extensions import db
from app.i18n import LANG_PREFIX
from app.participation import offline
from app.participation.offline import MAX_PARTICIPANTS, NOTE_MAX, OfflineError
from app.participation.offline_forms import OfflineForm, offline_form
from app.participation.records import channel_label, language_label

bp = Blueprint("participation_offline", __name__, url_prefix=LANG_PREFIX)

MESSAGES = {
    "not_published": _l(
        "The engagement is not published. Offline participation is recorded for published "
        "engagements only."
    ),
    "date_missing": _l("Write the day it was held."),
    "date_future": _l("The day is in the future. Write the day it was held."),
    "channel": _l("Choose how people took part."),
    "language": _l("Choose a language the engagement is offered in, or “Language not recorded”."),
    "note_missing": _l("Write what it was, for example: Workshop at the youth centre."),
}


def message(reason: str, engagement: Engagement) -> str:
    """The words for an :class:`OfflineError` reason, in the page's language."""
    if reason == "date_too_early":
        # i18n: %(date)s is a date such as 15.3.2025.
        return _(
            "The day is more than a year before the engagement was made. "
            "Write a day on or after %(date)s.",
            date=format_date(offline.earliest_day(engagement), "short"),
        )
    if reason == "participants":
        return _(
            "Write how many people took part: a whole number from 1 to %(max)s.",
            max=format_decimal(MAX_PARTICIPANTS),
        )
    if reason == "note_too_long":
        return _("Write at most %(max)d characters.", max=NOTE_MAX)
    return str(MESSAGES.get(reason, _l("This is not possible now.")))


def _back(engagement: Engagement) -> str:
    """The engagement's staff page: the survey builder, the EVA overview, or the department."""
    endpoint = {Kind.SURVEY: "builder.survey", Kind.EVA: "eva_staff.overview"}.get(engagement.kind)
    if endpoint and endpoint in current_app.view_functions:
        return url_for(endpoint, public_id=engagement.public_id)
    return url_for("engagements.department_dashboard", department=engagement.department.code)


def _show(
    form: OfflineForm, engagement: Engagement, problems: list[tuple[str, str | None]]
) -> list[str]:
    """Put each problem on its field; return the words of those that belong to no field."""
    general = []
    for reason, field in problems:
        words = message(reason, engagement)
        if field is None:
            general.append(words)
        elif words not in form[field].errors:
            form[field].errors = [*form[field].errors, words]
    return general


@bp.route("/staff/engagements/<public_id>/offline", methods=["GET", "POST"])
@engagement_required()
def entries(public_id: str):
    """What was recorded of the engagement's offline participation, and a form to add one."""
    engagement = current_engagement()
    form = offline_form(engagement)
    general: list[str] = []
    if request.method == "POST":
        if form.validate_on_submit():
            try:
                entry = offline.add(
                    engagement,
                    form.held_on.data,
                    form.channel.data,
                    form.participants.data,
                    form.language.data,
                    form.note.data,
                    current_user,
                )
            except OfflineError as error:
                db.session.rollback()
                general = _show(form, engagement, error.problems)
            else:
                db.session.commit()
                flash(
                    ngettext(
                        "Saved. %(num)d person is added to the participation records.",
                        "Saved. %(num)d people are added to the participation records.",
                        entry.participants,
                    ),
                    "success",
                )
                return redirect(url_for("participation_offline.entries", public_id=public_id))
        else:
            # The values that could be read are checked too, so every problem shows at once.
            found = offline.problems(
                engagement,
                form.held_on.data,
                form.channel.data,
                form.participants.data,
                form.language.data,
                form.note.data,
            )
            unread = [(r, f) for r, f in found if f is None or not form[f].errors]
            general = _show(form, engagement, unread)
    listed = offline.entries(engagement)
    count, people = offline.totals(listed)
    failed = bool(general or form.error_list())
    return render_template(
        "participation/offline.html",
        engagement=engagement,
        form=form,
        general=general,
        entries=listed,
        count=count,
        people=people,
        published=engagement.status == Status.PUBLISHED,
        channel_label=channel_label,
        language_label=language_label,
        back_url=_back(engagement),
    ), 422 if failed else 200


@bp.post("/staff/engagements/<public_id>/offline/<int:entry_id>/remove")
@engagement_required()
def remove(public_id: str, entry_id: int):
    """Remove one entry: it no longer counts in the participation records."""
    engagement = current_engagement()
    entry = offline.entry_of(engagement, entry_id)
    if entry is None:
        abort(404)
    offline.remove(entry, current_user)
    db.session.commit()
    flash(_("The entry is removed. It no longer counts in the participation records."), "success")
    return redirect(url_for("participation_offline.entries", public_id=public_id))
