"""Residents apply to a customer panel: the application form and the thank-you page.

The panel's own page is at the engagement's address (``respond.engagement``); this blueprint
registers :func:`app.panels.public.render_panel` for it in ``app.extensions["engagement_pages"]``.
"""

from __future__ import annotations

from flask import Blueprint, g, redirect, render_template, request, session, url_for

from app.engagements import lifecycle
from app.extensions import db, limiter
from app.i18n import LANG_PREFIX
from app.panels import public, services
from app.panels.apply_forms import apply_form
from app.panels.models import Panel
from app.panels.services import PanelError

bp = Blueprint("panels_public", __name__, url_prefix=LANG_PREFIX)
bp.record_once(
    lambda state: state.app.extensions.setdefault("engagement_pages", {}).update(
        panel=public.render_panel
    )
)


@bp.app_template_filter("panel_paragraphs")
def _paragraphs(text: str | None) -> list[str]:
    return public.paragraphs(text)


@bp.after_request
def _noindex(response):  # noqa: ANN001, ANN202
    if g.get("noindex"):
        response.headers["X-Robots-Tag"] = "noindex"
    return response


def _outcome_key(public_id: str) -> str:
    return f"panel_applied:{public_id}"


def _closed(panel: Panel, status: int = 200):  # noqa: ANN202
    return render_template(
        "panels/public/apply.html",
        panel=panel,
        engagement=panel.engagement,
        form=None,
        closed_since=lifecycle.closed_since(panel.engagement),
    ), status


def _thanks(public_id: str, outcome: str):  # noqa: ANN202
    session[_outcome_key(public_id)] = outcome
    return redirect(url_for("panels_public.applied", public_id=public_id))


@bp.route("/e/<public_id>/apply", methods=["GET", "POST"])
@limiter.limit("10 per hour", methods=["POST"])
def apply(public_id: str):
    """The application form: contact details, background questions, motivation and consent.

    Every problem is shown at once beside its field, with everything typed kept.
    """
    panel = public.published_panel(public_id)
    if not panel.engagement.is_open():
        return _closed(panel, 409 if request.method == "POST" else 200)
    form = apply_form(panel, g.lang)
    if request.method == "POST" and form.is_trapped():
        # A robot filled in the trap field: nothing is stored, and it is not told so.
        return _thanks(public_id, "applicant")
    if form.validate_on_submit():
        data = form.application(g.lang)
        found = services.problems(panel, data)
        if not found:
            try:
                services.apply(panel, data)
            except PanelError as error:
                db.session.rollback()
                if error.reason == "closed":
                    return _closed(panel, 409)
                found = [(error.field or "email", error.reason)]
            else:
                db.session.commit()
                return _thanks(public_id, "member" if panel.is_open else "applicant")
        form.show_problems(found)
    status = 422 if form.error_list() else 200
    return render_template(
        "panels/public/apply.html",
        panel=panel,
        engagement=panel.engagement,
        form=form,
        closed_since=None,
    ), status


@bp.get("/e/<public_id>/applied")
def applied(public_id: str):
    """Thank you, and what happens next: the lottery, or membership at once in an open panel."""
    panel = public.published_panel(public_id)
    outcome = session.get(_outcome_key(public_id))
    if outcome not in ("applicant", "member"):
        return redirect(url_for("respond.engagement", public_id=public_id))
    return render_template(
        "panels/public/applied.html", panel=panel, engagement=panel.engagement, outcome=outcome
    )
