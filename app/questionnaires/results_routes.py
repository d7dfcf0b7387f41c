"""Results of a survey: staff see them while it is open and after; residents once published."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import format_percent
from flask_babel import gettext as _
from sqlalchemy import select

from app.core.security import parse_id
from app.engagements.access import current_engagement, engagement_required
from app.engagements.models import Engagement, Status
from app.extensions import db
from app.i18n import LANG_PREFIX, current_locale
from app.questionnaires import results_services as services
from app.questionnaires.models import Question
from app.questionnaires.results import parse_filters, survey_results, text_page
from app.questionnaires.results_forms import MinGroupSizeForm, RedactForm
from app.questionnaires.services import QuestionnaireError

bp = Blueprint("results", __name__, url_prefix=LANG_PREFIX)


@bp.app_template_filter("percent")
def _percent(value: float | None) -> str:
    """A share as the page's language writes percentages ("45 %" in Finnish, "45%" in English)."""
    return "–" if value is None else format_percent(value)


# --- staff ---------------------------------------------------------------------------------


@bp.get("/staff/surveys/<public_id>/results")
@engagement_required()
def staff_results(public_id: str):
    """Counts and shares per question for the responses that match the filters."""
    engagement = current_engagement()
    filters = parse_filters(request.args)
    try:
        results = survey_results(engagement, filters, current_locale())
    except QuestionnaireError:  # a hearing or panel without a questionnaire
        abort(404)
    return render_template(
        "questionnaires/results/staff.html", engagement=engagement, results=results
    )


@bp.get("/staff/surveys/<public_id>/results/answers")
@engagement_required()
def staff_texts(public_id: str):
    """A question's written answers, a page at a time, to hide or edit before publishing."""
    engagement = current_engagement()
    filters = parse_filters(request.args)
    page = _text_page_or_none(
        engagement,
        request.args.get("question", ""),
        request.args.get("page", 1, type=int),
        filters,
        current_locale(),
    )
    if page is None:
        abort(404)
    return render_template(
        "questionnaires/results/texts.html", engagement=engagement, page=page, filters=filters
    )


def _text_page_or_none(*args, **kwargs):  # noqa: ANN002, ANN003, ANN202
    try:
        return text_page(*args, **kwargs)
    except QuestionnaireError:
        return None


def _back_to_texts(engagement: Engagement, code: str):  # noqa: ANN202
    page = request.form.get("page", 1, type=int)
    return redirect(
        url_for("results.staff_texts", public_id=engagement.public_id, question=code, page=page)
        + "#answers"
    )


def _question_code(question_id: int) -> str:
    return db.session.scalar(select(Question.code).where(Question.id == question_id)) or ""


@bp.post("/staff/surveys/<public_id>/results/answers/hide")
@engagement_required()
def hide_answer(public_id: str):
    """Hide a written answer from the residents' results page, or show it again."""
    engagement = current_engagement()
    answer = services.written_answer(engagement, request.form.get("answer", type=parse_id))
    if answer is None:
        abort(404)
    hidden = request.form.get("hidden") == "1"
    services.set_hidden(answer, hidden)
    db.session.commit()
    if hidden:
        flash(_("The answer is hidden from published results."), "success")
    else:
        flash(_("The answer is shown in published results again."), "success")
    return _back_to_texts(engagement, _question_code(answer.question_id))


@bp.route("/staff/surveys/<public_id>/results/answers/edit", methods=["GET", "POST"])
@engagement_required()
def redact_answer(public_id: str):
    """Save a version of a written answer without personal data for the published results."""
    engagement = current_engagement()
    answer = services.written_answer(engagement, request.args.get("answer", type=parse_id))
    if answer is None:
        abort(404)
    code = _question_code(answer.question_id)
    form = RedactForm(
        data={"redacted_text": answer.redacted_text or answer.text}
        if request.method == "GET"
        else None
    )
    if form.validate_on_submit():
        services.redact(answer, form.redacted_text.data)
        db.session.commit()
        if answer.redacted_text:
            flash(_("The edited answer is saved. Published results show it."), "success")
        else:
            flash(_("Published results show the original answer."), "success")
        return _back_to_texts(engagement, code)
    return render_template(
        "questionnaires/results/redact.html",
        engagement=engagement,
        answer=answer,
        code=code,
        form=form,
        page=request.args.get("page", 1, type=int),
    ), 422 if form.errors else 200


@bp.route("/staff/surveys/<public_id>/results/publishing", methods=["GET", "POST"])
@engagement_required()
def publishing(public_id: str):
    """Whether residents see the results, and the smallest group they are shown."""
    engagement = current_engagement()
    form = MinGroupSizeForm(
        data={"min_group_size": engagement.min_group_size} if request.method == "GET" else None
    )
    if form.validate_on_submit():
        services.set_min_group_size(engagement, form.min_group_size.data)
        db.session.commit()
        flash(_("The smallest group shown is saved."), "success")
        return redirect(url_for("results.publishing", public_id=public_id))
    return render_template(
        "questionnaires/results/publishing.html", engagement=engagement, form=form
    ), 422 if form.errors else 200


@bp.post("/staff/surveys/<public_id>/results/publish")
@engagement_required()
def publish(public_id: str):
    engagement = current_engagement()
    try:
        services.publish_results(engagement)
    except services.ResultsError:
        db.session.rollback()
        flash(_("Publish the survey first: a draft has no results page."), "error")
        return redirect(url_for("results.publishing", public_id=public_id))
    db.session.commit()
    flash(_("The results are published for residents."), "success")
    return redirect(url_for("results.publishing", public_id=public_id))


@bp.post("/staff/surveys/<public_id>/results/unpublish")
@engagement_required()
def unpublish(public_id: str):
    engagement = current_engagement()
    services.unpublish_results(engagement)
    db.session.commit()
    flash(_("Residents no longer see the results."), "success")
    return redirect(url_for("results.publishing", public_id=public_id))


# --- residents -----------------------------------------------------------------------------


def _published_results(public_id: str) -> Engagement:
    engagement = db.session.scalar(select(Engagement).where(Engagement.public_id == public_id))
    if (
        engagement is None
        or engagement.status != Status.PUBLISHED
        or engagement.results_published_at is None
    ):
        abort(404)
    return engagement


@bp.get("/e/<public_id>/results")
def public_results(public_id: str):
    """The published results: every group smaller than the minimum suppressed, no filters."""
    engagement = _published_results(public_id)
    try:
        results = survey_results(engagement, locale=current_locale(), public=True)
    except QuestionnaireError:
        abort(404)
    return render_template(
        "questionnaires/results/public.html", engagement=engagement, results=results
    )


@bp.get("/e/<public_id>/results/answers")
def public_texts(public_id: str):
    """A question's published written answers (hidden ones left out, edited ones as edited)."""
    engagement = _published_results(public_id)
    page = _text_page_or_none(
        engagement,
        request.args.get("question", ""),
        request.args.get("page", 1, type=int),
        locale=current_locale(),
        public=True,
    )
    if page is None:
        abort(404)
    return render_template(
        "questionnaires/results/public_texts.html", engagement=engagement, page=page
    )
