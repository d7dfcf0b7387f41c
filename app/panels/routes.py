"""Residents' pages of a customer panel: answering the invitation of the lottery."""

from __future__ import annotations

from flask import Blueprint, render_template, request

from app.extensions import db, limiter
from app.i18n import LANG_PREFIX
from app.panels import services
from app.panels.magic import LinkError

bp = Blueprint("panels", __name__, url_prefix=LANG_PREFIX)


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
        return render_template(
            "panels/invitation_answered.html", engagement=panel.engagement, accepted=accepted
        )
    return render_template("panels/invitation.html", panel=panel, engagement=panel.engagement)
