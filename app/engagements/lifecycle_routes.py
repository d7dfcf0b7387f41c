"""Staff run an engagement's life: close early, invitations, outcome ("you said, we did")."""

from __future__ import annotations

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext

from app.core import audit
from app.engagements import lifecycle
from app.engagements.access import current_engagement, engagement_required
from app.engagements.lifecycle import MAX_ADDRESSES, MAX_CODES, LifecycleError
from app.engagements.lifecycle_forms import (
    CodesForm,
    ConfirmForm,
    email_invitations_form,
    outcome_form,
)
from app.engagements.models import Engagement, Kind, Status
from app.extensions import db
from app.i18n import LANG_PREFIX, LANGUAGE_NAMES

bp = Blueprint("lifecycle", __name__, url_prefix=LANG_PREFIX)

MESSAGES = {
    "not_published": _l("The survey is not published yet."),
    "already_closed": _l("The survey does not take answers any more."),
    "not_closed_early": _l("The survey was not closed early, so there is nothing to reopen."),
    "outcome_published": _l("The outcome is published, so the survey cannot be opened again."),
    "closing_time_passed": _l(
        "The closing time has passed. To take answers again, first set a later closing time "
        "in the survey's settings."
    ),
    "still_open": _l(
        "The survey is still open for answers. Close the survey first, then publish the outcome."
    ),
    "already_published": _l("The outcome is published already."),
    "not_invited_audience": _l(
        "Invitations are for surveys answered by invitation only. Choose that audience in the "
        "survey's settings first."
    ),
    "language_not_offered": _l("Choose a language the survey is offered in."),
    "no_addresses": _l("Paste at least one e-mail address."),
    "too_many_addresses": _l("Send at most %(max)d invitations at a time.", max=MAX_ADDRESSES),
    "count_out_of_range": _l("Write a number from 1 to %(max)d.", max=MAX_CODES),
}


def _message(error: LifecycleError) -> str:
    return str(MESSAGES.get(error.reason, _l("This is not possible now.")))


def survey_url(engagement: Engagement) -> str:
    """The engagement's staff page (an EVA's or a panel's own overview), or the department's
    page."""
    if engagement.kind == Kind.EVA and "eva_staff.overview" in current_app.view_functions:
        return url_for("eva_staff.overview", public_id=engagement.public_id)
    if engagement.kind == Kind.PANEL and "panels_staff.overview" in current_app.view_functions:
        return url_for("panels_staff.overview", public_id=engagement.public_id)
    if "builder.survey" in current_app.view_functions:
        return url_for("builder.survey", public_id=engagement.public_id)
    return url_for("engagements.department_dashboard", department=engagement.department.code)


# --- close early and reopen ----------------------------------------------------------------


@bp.route("/staff/surveys/<public_id>/close", methods=["GET", "POST"])
@engagement_required()
def close(public_id: str):
    """Whether the survey takes answers; closing it early asks for confirmation on this page."""
    engagement = current_engagement()
    form = ConfirmForm()
    if form.validate_on_submit():
        try:
            lifecycle.close_early(engagement)
        except LifecycleError as error:
            flash(_message(error), "error")
            return redirect(url_for("lifecycle.close", public_id=public_id))
        db.session.commit()
        flash(_("The survey is closed. Answers are no longer taken."), "success")
        return redirect(survey_url(engagement))
    return render_template(
        "engagements/lifecycle/close.html",
        engagement=engagement,
        form=form,
        closed_since=lifecycle.closed_since(engagement),
        can_reopen=lifecycle.can_reopen(engagement),
        survey_url=survey_url(engagement),
    )


@bp.post("/staff/surveys/<public_id>/reopen")
@engagement_required()
def reopen(public_id: str):
    engagement = current_engagement()
    if not ConfirmForm().validate_on_submit():
        abort(400)
    try:
        lifecycle.reopen(engagement)
    except LifecycleError as error:
        flash(_message(error), "error")
        return redirect(url_for("lifecycle.close", public_id=public_id))
    db.session.commit()
    flash(_("The survey is open for answers again."), "success")
    return redirect(survey_url(engagement))


# --- the outcome ---------------------------------------------------------------------------


@bp.route("/staff/surveys/<public_id>/outcome", methods=["GET", "POST"])
@engagement_required()
def outcome(public_id: str):
    """Write the outcome in every offered language; publish it once the survey is closed.

    Saving keeps a draft. Publishing tells every resident who left an address, once; a later
    wording fix is saved and audited without new e-mails.
    """
    engagement = current_engagement()
    data = {"outcome": engagement.outcome, "decision_ref": engagement.decision_ref}
    form = outcome_form(engagement, data=data if request.method == "GET" else None)
    problems: list[tuple[str, str]] = []
    if form.validate_on_submit():
        lifecycle.save_outcome(engagement, form.outcome.data, form.decision_ref.data)
        if request.form.get("action") != "publish":
            db.session.commit()
            flash(_("The outcome text is saved."), "success")
            return redirect(url_for("lifecycle.outcome", public_id=public_id))
        try:
            sent = lifecycle.publish_outcome(engagement)
        except LifecycleError as error:
            db.session.commit()  # what was written is kept as a draft
            problems = _publish_problems(form, error)
        else:
            db.session.commit()
            flash(
                ngettext(
                    "The outcome is published. %(num)d e-mail is on its way.",
                    "The outcome is published. %(num)d e-mails are on their way.",
                    sent,
                ),
                "success",
            )
            return redirect(url_for("lifecycle.outcome", public_id=public_id))
    waiting, told = lifecycle.subscriber_count(engagement)
    return render_template(
        "engagements/lifecycle/outcome.html",
        engagement=engagement,
        form=form,
        problems=problems,
        closed_since=lifecycle.closed_since(engagement),
        waiting=waiting,
        told=told,
        survey_url=survey_url(engagement),
    ), 422 if form.errors or problems else 200


def _publish_problems(form, error: LifecycleError) -> list[tuple[str, str]]:  # noqa: ANN001
    """(field id, words) for the error summary when publishing was refused."""
    if error.reason == "missing_languages":
        label = form.outcome.label.text
        return [
            (
                f"{form.outcome.id}-{locale}",
                _(
                    "%(field)s: write the text in this language: %(language)s",
                    field=label,
                    language=LANGUAGE_NAMES[locale],
                ),
            )
            for locale in error.items
        ]
    return [("", _message(error))]


# --- invitations ---------------------------------------------------------------------------


@bp.route("/staff/surveys/<public_id>/invitations", methods=["GET", "POST"])
@engagement_required()
def invitations(public_id: str):
    """Make printable single-use codes, or e-mail each address its own code."""
    engagement = current_engagement()
    which = request.form.get("form") if request.method == "POST" else None
    codes_form = CodesForm(formdata=request.form if which == "codes" else None)
    email_form = email_invitations_form(
        engagement,
        formdata=request.form if which == "email" else None,
        data=None if which == "email" else {"locale": engagement.languages[0]},
    )
    if which == "codes" and codes_form.validate():
        try:
            created = lifecycle.create_codes(engagement, codes_form.count.data)
        except LifecycleError as error:
            codes_form.count.errors = [_message(error)]
        else:
            db.session.commit()
            flash(
                ngettext(
                    "%(num)d code is ready to print.",
                    "%(num)d codes are ready to print.",
                    len(created),
                ),
                "success",
            )
            return redirect(
                url_for(
                    "lifecycle.invitation_sheet",
                    public_id=public_id,
                    batch=lifecycle.batch_key(created[0].created_at),
                )
            )
    if which == "email" and email_form.validate():
        try:
            sent, skipped = lifecycle.invite_by_email(
                engagement, email_form.addresses.data, email_form.locale.data
            )
        except LifecycleError as error:
            if error.reason == "invalid_addresses":
                not_addresses = ", ".join(error.items)
                email_form.addresses.errors = [
                    _("These lines are not e-mail addresses: %(items)s", items=not_addresses)
                ]
            else:
                email_form.addresses.errors = [_message(error)]
        else:
            db.session.commit()
            message = ngettext(
                "%(num)d invitation is on its way.", "%(num)d invitations are on their way.", sent
            )
            if skipped:
                message += " " + ngettext(
                    "%(num)d address was invited before and was left out.",
                    "%(num)d addresses were invited before and were left out.",
                    skipped,
                )
            flash(message, "success")
            return redirect(url_for("lifecycle.invitations", public_id=public_id))
    errors = codes_form.error_list() + email_form.error_list()
    return render_template(
        "engagements/lifecycle/invitations.html",
        engagement=engagement,
        codes_form=codes_form,
        email_form=email_form,
        errors=errors,
        counts=lifecycle.invitation_counts(engagement),
        batches=lifecycle.batches(engagement),
        closed_since=lifecycle.closed_since(engagement),
        survey_url=survey_url(engagement),
    ), 422 if errors else 200


@bp.get("/staff/surveys/<public_id>/invitations/sheet")
@engagement_required()
def invitation_sheet(public_id: str):
    """A printable sheet of one batch's unused codes, each with the address and instructions."""
    engagement = current_engagement()
    key = request.args.get("batch", type=int)
    if key is None:
        abort(404)
    codes, used = lifecycle.printable_codes(engagement, key)
    if not codes and not used:
        abort(404)
    # The codes let people answer: printing them is written down like an export.
    audit.record(
        "invitation.print", f"engagements:{engagement.public_id}", count=len(codes), batch=key
    )
    db.session.commit()
    return render_template(
        "engagements/lifecycle/sheet.html",
        engagement=engagement,
        codes=codes,
        used=used,
        address=url_for("respond.engagement", public_id=engagement.public_id, _external=True),
        survey_url=survey_url(engagement),
        is_published=engagement.status == Status.PUBLISHED,
    )
