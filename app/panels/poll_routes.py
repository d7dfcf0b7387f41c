"""Polls of a customer panel: staff start them from the panel's pages; members answer them.

Staff list the panel's polls and start a new one, which they then build in the survey builder.
Members answer a poll at its survey address (``respond.*``): this blueprint registers in
``app.extensions`` who may answer an audience ``panel:<id>`` (``audience_gates``) and how the
builder names it (``audience_names``), so the questionnaires feature never imports panels.
"""

from __future__ import annotations

from flask import (
    Blueprint,
    abort,
    flash,
    make_response,
    redirect,
    render_template,
    url_for,
)
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from app.engagements.access import current_engagement, engagement_required
from app.engagements.models import Engagement, Kind
from app.extensions import db
from app.i18n import LANG_PREFIX, tr
from app.panels import membership, polls, services
from app.panels.models import Panel

bp = Blueprint("panel_polls", __name__, url_prefix=LANG_PREFIX)

STATE_LABELS = {
    "draft": _l("Draft: members cannot see it yet"),
    "open": _l("Open for answers"),
    "upcoming": _l("Published, opens later"),
    "closed": _l("Closed"),
}


def answering_gate(poll: Engagement) -> str:
    """Who may answer a panel's poll: a signed-in member of the panel who has not left.

    Returns the member's respondent hash (one response each); anyone else gets a page that
    says whose poll it is and how members sign in (403).
    """
    panel = polls.panel_of_audience(poll)
    if panel is None:
        abort(403)
    participant = membership.current_participant()
    member = membership.active_membership(panel, participant)
    if member is None:
        page = render_template(
            "panels/poll_members_only.html",
            engagement=poll,
            panel_engagement=panel.engagement,
            signed_in=participant is not None,
        )
        abort(make_response(page, 403))
    return polls.respondent_hash(poll, member)


def audience_name(poll: Engagement) -> str:
    """The poll's audience in words, for the survey builder: "Members of <panel>"."""
    panel = polls.panel_of_audience(poll)
    if panel is None:
        return _("Members of a customer panel that no longer exists")
    return _("Members of %(panel)s", panel=tr(panel.engagement.title))


def _register(state) -> None:  # noqa: ANN001
    extensions = state.app.extensions
    extensions.setdefault("audience_gates", {})[polls.AUDIENCE_KIND] = answering_gate
    extensions.setdefault("audience_names", {})[polls.AUDIENCE_KIND] = audience_name


bp.record_once(_register)


def _panel() -> Panel:
    """The panel of this request; other kinds of engagement are not found here."""
    engagement = current_engagement()
    if engagement.kind != Kind.PANEL:
        abort(404)
    return services.panel_of(engagement) or abort(404)


@bp.get("/staff/panels/<public_id>/polls")
@engagement_required()
def poll_list(public_id: str):
    """The panel's polls with their status and answers, and starting a new one."""
    panel = _panel()
    return render_template(
        "panels/staff/polls.html",
        panel=panel,
        engagement=panel.engagement,
        rows=polls.polls_of(panel),
        members=polls.member_count(panel),
        state_labels=STATE_LABELS,
    )


@bp.post("/staff/panels/<public_id>/polls/new")
@engagement_required()
def new_poll(public_id: str):
    """A draft poll for the panel's members; staff go on to build it."""
    panel = _panel()
    poll = polls.create_poll(panel, current_user)
    db.session.commit()
    flash(
        _("The poll was created as a draft for the panel's members. Add its questions next."),
        "success",
    )
    return redirect(url_for("builder.survey", public_id=poll.public_id))
