"""Residents' pages of a customer panel: answering the invitation of the lottery."""

from __future__ import annotations

from flask import Blueprint, abort, redirect, render_template, request, session, url_for

from app.extensions import db, limiter
from app.i18n import LANG_PREFIX
from app.panels import membership, services
from app.panels.magic import LinkError
from app.panels.models import Panel

bp = Blueprint("panels", __name__, url_prefix=LANG_PREFIX)

#: The session key of the last invitation answer, for the page after it.
ANSWER_KEY = "panel_invitation_answer"


def _invalid(error: LinkError):  # noqa: ANN202
    return render_template("auth/link_invalid.html", reason=error.reason, purpose="panel"), 410


@bp.route("/panel/invitation/<token>", methods=["GET", "POST"])
@limiter.limit("20 per minute", methods=["POST"])
def invitation(token: str):
    """Say yes or no to a place drawn in the lottery (a single-use link from the e-mail)."""
    try:
        application = services.invitation(token)
    except LinkError as error:
        return _invalid(error)
    panel = application.panel
    if request.method == "POST" and request.form.get("answer") in ("accept", "decline"):
        accepted = request.form["answer"] == "accept"
        try:
            services.answer_invitation(token, accepted)
        except LinkError as error:
            db.session.rollback()
            return _invalid(error)
        db.session.commit()
        if accepted:
            # The link proved the address: the new member is signed in at once.
            membership.sign_in(application.participant)
        session[ANSWER_KEY] = {"panel": panel.id, "accepted": accepted}
        return redirect(url_for("panels.invitation_answered"))
    return render_template("panels/invitation.html", panel=panel, engagement=panel.engagement)


@bp.get("/panel/invitation/answered")
def invitation_answered():
    """What happens next after saying yes or no (Post/Redirect/Get)."""
    answer = session.get(ANSWER_KEY)
    panel = db.session.get(Panel, answer.get("panel")) if isinstance(answer, dict) else None
    if panel is None:
        abort(404)
    return render_template(
        "panels/invitation_answered.html",
        engagement=panel.engagement,
        accepted=bool(answer.get("accepted")),
        signed_in=membership.current_member(panel) is not None,
    )
