"""Residents ask what is stored about them, or to remove it; the coordinator handles the
requests and reads the audit log."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from flask import Blueprint, abort, flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select
from wtforms.fields.choices import SelectChoice

from app.auth.models import User
from app.core import audit
from app.core.audit import AuditLog
from app.core.auth import coordinator_required
from app.engagements.lifecycle_forms import ConfirmForm
from app.extensions import db, limiter
from app.i18n import LANG_PREFIX, city_zone
from app.privacy import services
from app.privacy.forms import STATUS_FILTERS, AskForm, AuditFilterForm, HandleForm
from app.privacy.models import DataRequest, RequestKind, RequestStatus

bp = Blueprint("privacy", __name__, url_prefix=LANG_PREFIX)

#: Rows on one page of the audit log.
AUDIT_PAGE = 100


@bp.route("/privacy/request", methods=["GET", "POST"])
@limiter.limit("5 per minute;20 per hour", methods=["POST"])
def ask():
    """The request form: see or remove, found by e-mail address or by receipt code."""
    form = AskForm()
    if request.method == "POST" and form.is_trapped():
        return redirect(url_for("privacy.sent"))
    if form.validate_on_submit():
        kind = RequestKind(form.kind.data)
        if form.subject.data == "email":
            services.ask_by_email(kind, form.email.data, g.lang)
            db.session.commit()
            return redirect(url_for("privacy.sent"))
        try:
            data_request = services.ask_by_receipt(kind, form.receipt_code.data, g.lang)
        except services.PrivacyError:
            form.receipt_code.errors = [
                _("We found no answer with this code. Check the code and try again.")
            ]
        else:
            db.session.commit()
            return redirect(url_for("privacy.status", token=data_request.token))
    return render_template("privacy/ask.html", form=form), 422 if form.errors else 200


@bp.get("/privacy/request/sent")
def sent():
    return render_template("privacy/sent.html")


@bp.route("/privacy/request/<token>", methods=["GET", "POST"])
@limiter.limit("30 per minute")
def status(token: str):
    """The resident's own page for the request: confirm it (an e-mail request), follow it,
    and read the result."""
    data_request = services.by_token(token) or abort(404)
    g.noindex = True
    form = ConfirmForm()
    if request.method == "POST" and form.validate_on_submit():
        if services.confirm(data_request):
            db.session.commit()
            flash(_("Thank you. Your request is now sent to the city."), "success")
        return redirect(url_for("privacy.status", token=token))
    found = None
    if data_request.status == RequestStatus.DONE and data_request.kind == RequestKind.ACCESS:
        found = services.find(data_request, g.lang)
    return render_template("privacy/status.html", data_request=data_request, form=form, found=found)


# --- the coordinator ---------------------------------------------------------------------------


@bp.get("/staff/privacy/requests")
@coordinator_required
def requests():
    """Requests waiting for the coordinator first; handled ones by filter."""
    wanted = request.args.get("status", RequestStatus.OPEN.value)
    chosen = RequestStatus(wanted) if wanted in {s.value for s in STATUS_FILTERS} else None
    return render_template(
        "privacy/requests.html",
        rows=services.requests_list(chosen),
        chosen=chosen,
        filters=STATUS_FILTERS,
    )


@bp.route("/staff/privacy/requests/<int:request_id>", methods=["GET", "POST"])
@coordinator_required
def handle(request_id: int):
    """One request, what is stored about its subject (a view of personal data: audited), and
    the buttons to complete or refuse it."""
    data_request = db.session.get(DataRequest, request_id) or abort(404)
    if data_request.status == RequestStatus.UNCONFIRMED:
        abort(404)
    form = HandleForm()
    problems: list[str] = []
    if form.validate_on_submit():
        action = request.form.get("action")
        try:
            if action == "complete":
                services.complete(data_request, form.reply.data or "", current_user.id)
                message = (
                    _("The data is removed and the resident is told.")
                    if data_request.kind == RequestKind.ERASE
                    else _("Done. The resident can now see what is stored.")
                )
            elif action == "refuse":
                services.refuse(data_request, form.reply.data or "", current_user.id)
                message = _("The request is refused and the resident is told why.")
            else:
                abort(400)
        except services.PrivacyError as error:
            db.session.rollback()
            if error.reason == "reason_needed":
                form.reply.errors = [_("Write why you refuse the request.")]
            else:
                problems.append(_("This request was handled already."))
        else:
            db.session.commit()
            flash(message, "success")
            return redirect(url_for("privacy.handle", request_id=request_id))
    audit.record("privacy.request.view", f"data_requests:{data_request.id}")
    db.session.commit()
    handler = (
        db.session.get(User, data_request.handled_by_id) if data_request.handled_by_id else None
    )
    return render_template(
        "privacy/handle.html",
        data_request=data_request,
        found=services.find(data_request, g.lang),
        form=form,
        problems=problems,
        handler=handler,
    ), 422 if form.errors or problems else 200


def _day(value: str | None) -> date | None:
    try:
        return date.fromisoformat(value) if value else None
    except ValueError:
        return None


@bp.get("/staff/audit")
@coordinator_required
def audit_log():
    """The audit log, newest first, filtered by action, person, target and dates."""
    form = AuditFilterForm(request.args)
    users = list(db.session.scalars(select(User).order_by(User.email)))
    form.actor.choices = [
        SelectChoice("", _("Anyone")),
        SelectChoice("system", _("The system (commands)")),
        *(SelectChoice(str(user.id), user.name or user.email) for user in users),
    ]
    form.validate()
    stmt = select(AuditLog).order_by(AuditLog.created_at.desc(), AuditLog.id.desc())
    if form.action.data:
        stmt = stmt.where(AuditLog.action.startswith(form.action.data.strip(), autoescape=True))
    if form.target.data:
        stmt = stmt.where(AuditLog.target.startswith(form.target.data.strip(), autoescape=True))
    if form.actor.data == "system":
        stmt = stmt.where(AuditLog.actor_id.is_(None))
    elif form.actor.data and form.actor.data.isdigit():
        stmt = stmt.where(AuditLog.actor_id == int(form.actor.data))
    since, until = _day(form.since.data), _day(form.until.data)
    for field, day in ((form.since, since), (form.until, until)):
        if field.data and day is None:
            field.errors = [_("Write the date as year-month-day, for example 2026-01-31.")]
            # A date field only holds a valid date (the browser never sends anything else).
            field.data = ""
    if since:
        stmt = stmt.where(AuditLog.created_at >= datetime.combine(since, time(), city_zone()))
    if until:
        end = datetime.combine(until + timedelta(days=1), time(), city_zone())
        stmt = stmt.where(AuditLog.created_at < end)
    page = max(request.args.get("page", 1, type=int), 1)
    rows = list(db.session.scalars(stmt.limit(AUDIT_PAGE + 1).offset((page - 1) * AUDIT_PAGE)))
    names = {user.id: user.name or user.email for user in users}
    args = {key: value for key, value in request.args.items() if key != "page" and value}
    return render_template(
        "privacy/audit.html",
        form=form,
        rows=rows[:AUDIT_PAGE],
        names=names,
        page=page,
        next_url=url_for("privacy.audit_log", page=page + 1, **args)
        if len(rows) > AUDIT_PAGE
        else None,
        prev_url=url_for("privacy.audit_log", page=page - 1, **args) if page > 1 else None,
    ), 422 if form.error_list() else 200
