"""Staff close an EVA: the input summary, how it changed the assessment, the decision, the EVA
report and the yearly register."""

from __future__ import annotations

import io

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    send_file,
    url_for,
)
from flask_babel import force_locale, ngettext
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from app.core.auth import staff_required
from app.engagements import lifecycle
from app.engagements.access import current_engagement, engagement_required
from app.engagements.models import Engagement, Kind
from app.eva import closing, hearing, report
from app.eva.closing import ClosingError, Problem
from app.eva.closing_forms import adoption_field, decision_form, reason_field, response_form
from app.eva.models import Assessment
from app.eva.summary import ANSWER_CODES, ANSWER_WORDS, hearing_summary
from app.extensions import db
from app.i18n import LANG_PREFIX, LANGUAGE_NAMES, LOCALES, current_locale

bp = Blueprint("eva_closing", __name__, url_prefix=LANG_PREFIX)

MESSAGES = {
    "still_open": _l(
        "The hearing is still open for answers. Close the hearing first, then answer the residents."
    ),
    "not_published": _l("The hearing has not been published, so there is nothing to close."),
    "unknown_alternative": _l("Choose one of the alternatives."),
    "already_published": _l("The outcome is published already."),
}


def _message(error: ClosingError) -> str:
    return str(MESSAGES.get(error.reason, _l("This is not possible now.")))


def _eva() -> tuple[Engagement, Assessment]:
    """The engagement checked by engagement_required, when it is an EVA with an assessment."""
    engagement = current_engagement()
    if engagement.kind != Kind.EVA:
        abort(404)
    assessment = hearing.load_assessment(engagement)
    if assessment is None:
        abort(404)
    return engagement, assessment


def overview_url(engagement: Engagement) -> str:
    """The EVA's staff overview, or the department's page while that is not there."""
    if "eva_staff.overview" in current_app.view_functions:
        return url_for("eva_staff.overview", public_id=engagement.public_id)
    return url_for("engagements.department_dashboard", department=engagement.department.code)


def _problem_links(
    problems: list[Problem], labels: dict[str, str], page: str = ""
) -> list[tuple[str, str]]:
    """(link to the field, words) for each problem; ``page`` is the URL of the form's page
    when the field is on another page."""
    items = []
    for problem in problems:
        area = labels.get(problem.area or "", problem.area or "")
        language = LANGUAGE_NAMES.get(problem.locale or "", "")
        if problem.what == "adoption":
            anchor = adoption_field(problem.area or "")
            words = _("%(area)s: choose how the input changed the assessment.", area=area)
        elif problem.what == "reason":
            anchor = f"{reason_field(problem.area or '')}-{problem.locale}"
            words = _(
                "%(area)s: write why, in this language: %(language)s", area=area, language=language
            )
        elif problem.what in ("final_proposal", "outcome"):
            anchor = f"{problem.what}-{problem.locale}"
            what = (
                _("The final proposal")
                if problem.what == "final_proposal"
                else _("What was done with the input")
            )
            words = _(
                "%(field)s: write the text in this language: %(language)s",
                field=what,
                language=language,
            )
        elif problem.what == "proposed":
            anchor = "proposed"
            words = _("Choose the alternative that is proposed.")
        else:
            anchor = problem.what
            words = {
                "decision_body": _("Write who decided."),
                "decision_date": _("Write the date of the decision."),
                "decision_section": _("Write the section number."),
                "decision_url": _("Write the address of the minutes."),
            }.get(problem.what, problem.what)
        items.append((f"{page}#{anchor}", words))
    return items


def _area_labels(assessment: Assessment) -> dict[str, str]:
    return {
        assessed.area.code: hearing.translated(assessed.area.label, current_locale())[0]
        for assessed in assessment.areas
    }


# --- the input summary ---------------------------------------------------------------------


@bp.get("/staff/eva/<public_id>/summary")
@engagement_required()
def summary(public_id: str):
    """The hearing's input per impact area and alternative: counts, shares, comments to read."""
    engagement, assessment = _eva()
    return render_template(
        "eva/closing/summary.html",
        engagement=engagement,
        summary=hearing_summary(engagement, current_locale(), assessment),
        answer_codes=ANSWER_CODES,
        answer_words=ANSWER_WORDS,
        overview_url=overview_url(engagement),
    )


# --- the response to residents -------------------------------------------------------------


@bp.route("/staff/eva/<public_id>/response", methods=["GET", "POST"])
@engagement_required()
def response(public_id: str):
    """Per impact area how the input changed the assessment, the final proposal and the proposed
    alternative; only after the hearing has closed."""
    engagement, assessment = _eva()
    view = hearing.hearing_view(engagement, current_locale(), assessment)
    if view is None:
        abort(404)
    closed = lifecycle.is_closed(engagement)
    if request.method == "POST" and not closed:
        flash(str(MESSAGES["still_open"]), "error")
        return redirect(url_for("eva_closing.response", public_id=public_id))
    data = None
    if request.method == "GET":
        data = {"final_proposal": assessment.final_proposal}
        data["proposed"] = view.proposed.code if view.proposed else None
        for assessed in assessment.areas:
            data[adoption_field(assessed.area.code)] = assessed.adoption
            data[reason_field(assessed.area.code)] = assessed.adoption_reason
    form = response_form(engagement, view.areas, view.alternatives, data=data)
    problems: list[tuple[str, str]] = []
    if form.validate_on_submit():
        try:
            closing.save_response(
                engagement, assessment, form.areas(), form.final_proposal.data, form.proposed.data
            )
        except ClosingError as error:
            db.session.rollback()
            problems = (
                _problem_links(error.problems, _area_labels(assessment))
                if error.problems
                else [("", _message(error))]
            )
        else:
            db.session.commit()
            flash(_("The response to residents is saved."), "success")
            return redirect(url_for("eva_closing.decision", public_id=public_id))
    return render_template(
        "eva/closing/response.html",
        engagement=engagement,
        hearing=view,
        form=form,
        problems=problems,
        closed=closed,
        overview_url=overview_url(engagement),
        final_matrix_url=f"{url_for('eva_staff.overview', public_id=public_id)}matrix/final"
        if "eva_staff.overview" in current_app.view_functions
        else None,
    ), 422 if form.errors or problems else 200


# --- the decision --------------------------------------------------------------------------


@bp.route("/staff/eva/<public_id>/decision", methods=["GET", "POST"])
@engagement_required()
def decision(public_id: str):
    """Record the decision and publish "you said, we did"; residents who asked get an e-mail."""
    engagement, assessment = _eva()
    closed = lifecycle.is_closed(engagement)
    if request.method == "POST" and not closed:
        flash(str(MESSAGES["still_open"]), "error")
        return redirect(url_for("eva_closing.decision", public_id=public_id))
    data = None
    if request.method == "GET":
        data = {
            "decision_body": assessment.decision_body,
            "decision_date": assessment.decision_date,
            "decision_section": assessment.decision_section,
            "decision_url": assessment.decision_url,
            "outcome": engagement.outcome,
        }
    form = decision_form(engagement, data=data)
    labels = _area_labels(assessment)
    response_url = url_for("eva_closing.response", public_id=public_id)
    problems: list[tuple[str, str]] = []
    if form.validate_on_submit():
        try:
            sent = closing.record_decision(engagement, assessment, form.decision())
        except ClosingError as error:
            db.session.rollback()
            response_side = [p for p in error.problems if p.what in RESPONSE_PROBLEMS]
            decision_side = [p for p in error.problems if p.what not in RESPONSE_PROBLEMS]
            problems = (
                _problem_links(response_side, labels, response_url)
                + _problem_links(decision_side, labels)
                if error.problems
                else [("", _message(error))]
            )
        else:
            db.session.commit()
            flash(
                ngettext(
                    "The decision is recorded and the outcome is published. "
                    "%(num)d e-mail is on its way.",
                    "The decision is recorded and the outcome is published. "
                    "%(num)d e-mails are on their way.",
                    sent,
                ),
                "success",
            )
            return redirect(url_for("eva_closing.decision", public_id=public_id))
    elif request.method == "POST" and not form.checking_language():
        # The form's own errors come first; list what the response lacks as well.
        problems = _problem_links(
            closing.response_problems(engagement, assessment), labels, response_url
        )
    missing = _problem_links(
        closing.response_problems(engagement, assessment), labels, response_url
    )
    waiting, told = lifecycle.subscriber_count(engagement)
    return render_template(
        "eva/closing/decision.html",
        engagement=engagement,
        assessment=assessment,
        form=form,
        problems=problems,
        missing=missing if request.method == "GET" else [],
        closed=closed,
        waiting=waiting,
        told=told,
        overview_url=overview_url(engagement),
    ), 422 if form.errors or problems else 200


RESPONSE_PROBLEMS = frozenset({"adoption", "reason", "final_proposal", "proposed"})


# --- the EVA report ------------------------------------------------------------------------


@bp.get("/staff/eva/<public_id>/report")
@engagement_required()
def report_page(public_id: str):
    """The EVA report to print: screening, change, matrices, hearing, response, decision."""
    engagement, _assessment = _eva()
    built = report.build_report(engagement, current_locale())
    if built is None:
        abort(404)
    return render_template(
        "eva/closing/report.html",
        engagement=engagement,
        report=built,
        answer_codes=ANSWER_CODES,
        answer_words=ANSWER_WORDS,
        overview_url=overview_url(engagement),
    )


def _language() -> str:
    """``?language=`` when it is one of ours, else the page's language."""
    wanted = request.args.get("language")
    return wanted if wanted in LOCALES else current_locale()


def _xlsx(buffer: io.BytesIO, filename: str):  # noqa: ANN202
    buffer.seek(0)
    sent = send_file(
        buffer, mimetype=report.XLSX_MIMETYPE, as_attachment=True, download_name=filename
    )
    sent.headers["Cache-Control"] = "no-store"
    return sent


@bp.get("/staff/eva/<public_id>/report.xlsx")
@engagement_required()
def report_xlsx(public_id: str):
    """The EVA report as XLSX (audited), headings in ``?language=`` or the page's language."""
    engagement, _assessment = _eva()
    language = _language()
    buffer = io.BytesIO()
    with force_locale(language):
        built = report.build_report(engagement, language)
        if built is None:
            abort(404)
        report.write_report_xlsx(built, buffer)
    report.audit_report_export(engagement, language)
    db.session.commit()
    return _xlsx(buffer, f"eva-{engagement.public_id}-{language}.xlsx")


# --- the yearly register -------------------------------------------------------------------


def _year() -> tuple[int, bool]:
    """(year, whether the one asked for was valid); no ``year`` means this year."""
    raw = request.args.get("year")
    if raw is None:
        return report.current_year(), True
    year = report.parse_year(raw)
    return (year, True) if year is not None else (report.current_year(), False)


@bp.get("/staff/eva/register")
@staff_required
def register():
    """Every screening and EVA of a year: the coordinator sees all departments, staff their own
    and other departments' published ones."""
    year, valid = _year()
    rows = report.register_rows(year, current_locale(), current_user)
    return render_template(
        "eva/closing/register.html",
        year=year,
        valid=valid,
        rows=rows,
        can_open=lambda row: current_user.can_access_department(row.department_code),
        has_overview="eva_staff.overview" in current_app.view_functions,
    ), 200 if valid else 400


@bp.get("/staff/eva/register.xlsx")
@staff_required
def register_xlsx():
    """The register as XLSX (audited); an invalid year is refused."""
    year, valid = _year()
    if not valid:
        abort(400)
    language = _language()
    buffer = io.BytesIO()
    with force_locale(language):
        rows = report.register_rows(year, language, current_user)
        report.write_register_xlsx(rows, buffer)
    report.audit_register_export(year, len(rows), language)
    db.session.commit()
    return _xlsx(buffer, f"eva-register-{year}-{language}.xlsx")
