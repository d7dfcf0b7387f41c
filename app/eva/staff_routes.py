"""Staff build an EVA: screening, change, alternatives, matrix, questionnaire, publishing."""

from __future__ import annotations

from typing import Any

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
from flask_login import current_user

from app.core.auth import coordinator_required, department_required
from app.engagements import lifecycle
from app.engagements.access import current_engagement, engagement_required
from app.engagements.models import Kind, Status
from app.eva import catalogue, services
from app.eva import questionnaire as eva_questionnaire
from app.eva.forms import (
    DIRECTION_WORDS,
    GROUP_LABELS,
    GROUP_OF_PEOPLE_LABELS,
    SIGNIFICANCE_LABELS,
    TIME_SPAN_LABELS,
    TRIGGER_LABELS,
    AreasForm,
    ConfirmForm,
    ScreeningForm,
    alternative_form,
    change_form,
    impact_area_form,
    matrix_area_form,
    new_eva_form,
)
from app.eva.models import Assessment, Stage
from app.eva.services import ChangeInput, EvaError
from app.extensions import db
from app.i18n import LANG_PREFIX, to_local, to_utc, tr
from app.plainlang.gate import may_publish, publish_gate, refusal
from app.plan import services as plan_services

bp = Blueprint("eva_staff", __name__, url_prefix=LANG_PREFIX)

#: Pages of other parts of the EVA shown on the overview when they exist (closing, report).
LATER_STEPS = (
    ("lifecycle.close", _l("Close the hearing early")),
    ("results.staff_results", _l("All answers, with the written comments")),
    ("paper.entry", _l("Enter answers given on paper")),
    ("discussion_staff.moderate", _l("Public comments and moderation")),
    ("eva_closing.summary", _l("Summary of the residents' input")),
    ("eva_closing.response", _l("How the input changed the assessment")),
    ("eva_closing.decision", _l("The decision")),
    ("eva_closing.report", _l("EVA report")),
)

CATALOGUE_PROBLEMS = {
    "code_format": "code",
    "code_used": "code",
    "group": "group",
    "label_languages": "label",
    "guidance_languages": "guidance",
}


@bp.context_processor
def _labels() -> dict[str, Any]:
    return {
        "trigger_labels": TRIGGER_LABELS,
        "group_labels": GROUP_LABELS,
        "direction_words": DIRECTION_WORDS,
        "significance_labels": SIGNIFICANCE_LABELS,
        "time_span_labels": TIME_SPAN_LABELS,
        "people_labels": GROUP_OF_PEOPLE_LABELS,
    }


# --- helpers ---------------------------------------------------------------------------------


def _assessment() -> Assessment:
    """The EVA of this request; other kinds of engagement are not found here."""
    engagement = current_engagement()
    if engagement.kind != Kind.EVA:
        abort(404)
    assessment = services.assessment_of(engagement)
    if assessment is None:
        abort(404)
    return assessment


def _needed(assessment: Assessment) -> Any:
    """A redirect to the overview when no EVA is done (only the screening exists), else None."""
    if assessment.is_needed:
        return None
    flash(_("No EVA is done for this change, so only the screening can be edited."), "error")
    return redirect(url_for("eva_staff.overview", public_id=assessment.engagement.public_id))


def _overview_url(assessment: Assessment, **kwargs: Any) -> str:
    return url_for("eva_staff.overview", public_id=assessment.engagement.public_id, **kwargs)


def _page(template: str, status: int = 200, **context: Any) -> tuple[str, int]:
    return render_template(f"eva/staff/{template}", **context), status


def _step_url(assessment: Assessment, step: str) -> str:
    public_id = assessment.engagement.public_id
    name, _sep, area_code = step.partition(":")
    if name == "matrix" and area_code:
        return url_for(
            "eva_staff.matrix_area",
            public_id=public_id,
            stage=Stage.PRELIMINARY.value,
            area_code=area_code,
        )
    endpoint = {
        "screening": "eva_staff.screening",
        "change": "eva_staff.change",
        "alternatives": "eva_staff.alternatives",
        "areas": "eva_staff.areas",
        "matrix": "eva_staff.matrix",
    }.get(name)
    if endpoint == "eva_staff.matrix":
        return url_for(endpoint, public_id=public_id, stage=Stage.PRELIMINARY.value)
    if endpoint:
        return url_for(endpoint, public_id=public_id)
    return url_for("eva_staff.overview", public_id=public_id) + "#questionnaire"


# --- creating --------------------------------------------------------------------------------


@bp.route("/staff/departments/<department>/eva/new", methods=["GET", "POST"])
@department_required("department")
def new_eva(department: str):
    """Screening first: which triggers apply; none → the reason no EVA is done."""
    dep = plan_services.department_by_code(department) or abort(404)
    form = new_eva_form(plan_services.focus_area_choices())
    problems: list[str] = []
    if form.validate_on_submit():
        try:
            engagement = services.create_eva(
                dep,
                form.title.data,
                form.languages.data,
                plan_services.focus_areas_by_codes(form.focus_areas.data),
                form.triggers.data,
                form.skip_reason.data,
                current_user,
            )
        except EvaError as error:
            db.session.rollback()
            problems = error.problems
        else:
            db.session.commit()
            if _needs_eva(engagement):
                flash(_("The EVA was created as a draft. Describe the change next."), "success")
            else:
                flash(
                    _("The screening is saved: no EVA is done. It is kept in the register."),
                    "success",
                )
            return redirect(url_for("eva_staff.overview", public_id=engagement.public_id))
    return _page(
        "new.html",
        422 if form.errors or problems else 200,
        form=form,
        department=dep,
        problems=problems,
    )


def _needs_eva(engagement: Any) -> bool:
    assessment = services.assessment_of(engagement)
    return bool(assessment and assessment.is_needed)


# --- the overview ----------------------------------------------------------------------------


@bp.get("/staff/eva/<public_id>/")
@engagement_required()
def overview(public_id: str):
    """The steps with what is done and what is missing, and the publish button."""
    assessment = _assessment()
    engagement = assessment.engagement
    items = services.missing_items(engagement)
    missing = [(text, _step_url(assessment, step)) for step, text in items]
    questionnaire = eva_questionnaire.existing_questionnaire(assessment)
    later = [
        (url_for(endpoint, public_id=public_id), label)
        for endpoint, label in LATER_STEPS
        if endpoint in current_app.view_functions
    ]
    return _page(
        "overview.html",
        engagement=engagement,
        assessment=assessment,
        steps=services.step_states(engagement, items) if assessment.is_needed else {},
        missing=missing,
        questionnaire=questionnaire,
        has_answers=eva_questionnaire.has_answers(assessment),
        is_closed=lifecycle.is_closed(engagement),
        later=later,
        form=ConfirmForm(),
        language_gate=publish_gate(engagement) if engagement.status == Status.DRAFT else None,
    )


# --- screening -------------------------------------------------------------------------------


@bp.route("/staff/eva/<public_id>/screening", methods=["GET", "POST"])
@engagement_required()
def screening(public_id: str):
    assessment = _assessment()
    data = {"triggers": list(assessment.triggers or []), "skip_reason": assessment.skip_reason}
    form = ScreeningForm(data=data if request.method == "GET" else None)
    problems: list[str] = []
    if form.validate_on_submit():
        try:
            services.update_screening(assessment, form.triggers.data, form.skip_reason.data)
        except EvaError as error:
            db.session.rollback()
            problems = error.problems
        else:
            db.session.commit()
            flash(_("The screening is saved."), "success")
            return redirect(_overview_url(assessment))
    return _page(
        "screening.html",
        422 if form.errors or problems else 200,
        form=form,
        engagement=assessment.engagement,
        assessment=assessment,
        problems=problems,
    )


# --- the change ------------------------------------------------------------------------------


def _change_data(assessment: Assessment) -> dict[str, Any]:
    engagement = assessment.engagement
    return {
        "title": engagement.title,
        "summary": engagement.summary,
        "privacy_note": engagement.privacy_note,
        "proposal": assessment.proposal,
        "rationale": assessment.rationale,
        "decision_maker": assessment.decision_maker,
        "decision_due": assessment.decision_due,
        "use_of_input": assessment.use_of_input,
        "easy_read": assessment.easy_read,
        "children_affected": assessment.children_affected,
        "children_summary": assessment.children_summary,
        "opens_at": to_local(engagement.opens_at),
        "closes_at": to_local(engagement.closes_at),
        "languages": list(engagement.languages),
        "focus_areas": [area.code for area in engagement.focus_areas],
        "retention_days": engagement.retention_days,
    }


@bp.route("/staff/eva/<public_id>/change", methods=["GET", "POST"])
@engagement_required()
def change(public_id: str):
    """What is proposed and why, who decides and when, the hearing period, the languages."""
    assessment = _assessment()
    if (refusal := _needed(assessment)) is not None:
        return refusal
    engagement = assessment.engagement
    form = change_form(
        list(engagement.languages),
        plan_services.focus_area_choices(),
        data=_change_data(assessment) if request.method == "GET" else None,
    )
    problems: list[str] = []
    if form.validate_on_submit():
        change_input = ChangeInput(
            title=form.title.data,
            summary=form.summary.data,
            proposal=form.proposal.data,
            rationale=form.rationale.data,
            decision_maker=form.decision_maker.data,
            decision_due=form.decision_due.data,
            use_of_input=form.use_of_input.data,
            easy_read=form.easy_read.data,
            children_affected=form.children_affected.data,
            children_summary=form.children_summary.data,
            languages=form.languages.data,
            focus_areas=plan_services.focus_areas_by_codes(form.focus_areas.data),
            opens_at=to_utc(form.opens_at.data),
            closes_at=to_utc(form.closes_at.data),
            privacy_note=form.privacy_note.data,
            retention_days=form.retention_days.data,
        )
        try:
            services.update_change(assessment, change_input)
        except EvaError as error:
            db.session.rollback()
            problems = error.problems
        else:
            db.session.commit()
            flash(_("The change is saved."), "success")
            return redirect(url_for("eva_staff.change", public_id=public_id))
    return _page(
        "change.html",
        422 if form.errors or problems else 200,
        form=form,
        engagement=engagement,
        assessment=assessment,
        problems=problems,
    )


# --- alternatives ----------------------------------------------------------------------------


def _alternative(assessment: Assessment, alt_code: str) -> Any:
    return services.alternative_by_code(assessment, alt_code) or abort(404)


@bp.get("/staff/eva/<public_id>/alternatives")
@engagement_required()
def alternatives(public_id: str):
    assessment = _assessment()
    if (refusal := _needed(assessment)) is not None:
        return refusal
    return _page(
        "alternatives.html",
        engagement=assessment.engagement,
        assessment=assessment,
        form=ConfirmForm(),
    )


@bp.route("/staff/eva/<public_id>/alternatives/new", methods=["GET", "POST"])
@engagement_required()
def new_alternative(public_id: str):
    assessment = _assessment()
    if (refusal := _needed(assessment)) is not None:
        return refusal
    form = alternative_form(list(assessment.engagement.languages))
    problems: list[str] = []
    if form.validate_on_submit():
        try:
            alternative = services.add_alternative(
                assessment, form.label.data, form.description.data
            )
        except EvaError as error:
            db.session.rollback()
            problems = error.problems
        else:
            db.session.commit()
            flash(_("Alternative %(code)s is added.", code=alternative.code), "success")
            return redirect(url_for("eva_staff.alternatives", public_id=public_id))
    return _page(
        "alternative.html",
        422 if form.errors or problems else 200,
        form=form,
        engagement=assessment.engagement,
        assessment=assessment,
        alternative=None,
        problems=problems,
    )


@bp.route("/staff/eva/<public_id>/alternatives/<alt_code>", methods=["GET", "POST"])
@engagement_required()
def edit_alternative(public_id: str, alt_code: str):
    assessment = _assessment()
    if (refusal := _needed(assessment)) is not None:
        return refusal
    alternative = _alternative(assessment, alt_code)
    data = {"label": alternative.label, "description": alternative.description}
    form = alternative_form(
        list(assessment.engagement.languages), data=data if request.method == "GET" else None
    )
    problems: list[str] = []
    if form.validate_on_submit():
        try:
            services.update_alternative(alternative, form.label.data, form.description.data)
        except EvaError as error:
            db.session.rollback()
            problems = error.problems
        else:
            db.session.commit()
            flash(_("Alternative %(code)s is saved.", code=alt_code), "success")
            return redirect(url_for("eva_staff.alternatives", public_id=public_id))
    return _page(
        "alternative.html",
        422 if form.errors or problems else 200,
        form=form,
        engagement=assessment.engagement,
        assessment=assessment,
        alternative=alternative,
        problems=problems,
    )


@bp.post("/staff/eva/<public_id>/alternatives/<alt_code>/delete")
@engagement_required()
def delete_alternative(public_id: str, alt_code: str):
    assessment = _assessment()
    if (refusal := _needed(assessment)) is not None:
        return refusal
    alternative = _alternative(assessment, alt_code)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    try:
        services.delete_alternative(alternative)
    except EvaError as error:
        db.session.rollback()
        for problem in error.problems:
            flash(problem, "error")
    else:
        db.session.commit()
        flash(_("Alternative %(code)s is removed.", code=alt_code), "success")
    return redirect(url_for("eva_staff.alternatives", public_id=public_id))


@bp.post("/staff/eva/<public_id>/alternatives/<alt_code>/move")
@engagement_required()
def move_alternative(public_id: str, alt_code: str):
    assessment = _assessment()
    if (refusal := _needed(assessment)) is not None:
        return refusal
    alternative = _alternative(assessment, alt_code)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    try:
        services.move_alternative(alternative, request.form.get("direction", ""))
    except EvaError as error:
        db.session.rollback()
        for problem in error.problems:
            flash(problem, "error")
    else:
        db.session.commit()
        flash(_("The order is saved."), "success")
    return redirect(url_for("eva_staff.alternatives", public_id=public_id))


# --- relevant impact areas -------------------------------------------------------------------


@bp.route("/staff/eva/<public_id>/areas", methods=["GET", "POST"])
@engagement_required()
def areas(public_id: str):
    """Which impact areas of the catalogue are relevant, by group."""
    assessment = _assessment()
    if (refusal := _needed(assessment)) is not None:
        return refusal
    chosen = {item.area_id for item in assessment.areas}
    offered = [area for area in catalogue.list_areas() if area.is_active or area.id in chosen]
    form = AreasForm(data={"areas": sorted(chosen)} if request.method == "GET" else None)
    form.areas.choices = [(area.id, tr(area.label)) for area in offered]
    problems: list[str] = []
    if form.validate_on_submit():
        try:
            services.set_areas(assessment, form.areas.data or [])
        except EvaError as error:
            db.session.rollback()
            problems = error.problems
        else:
            db.session.commit()
            flash(_("The impact areas are saved."), "success")
            return redirect(_overview_url(assessment))
    selected = set(form.areas.data or [])
    return _page(
        "areas.html",
        422 if form.errors or problems else 200,
        form=form,
        engagement=assessment.engagement,
        assessment=assessment,
        groups=catalogue.by_group(offered),
        selected=selected,
        problems=problems,
    )


# --- the impact matrix -----------------------------------------------------------------------


def _stage(assessment: Assessment, stage: str) -> str:
    if stage not in (Stage.PRELIMINARY.value, Stage.FINAL.value):
        abort(404)
    return stage


def _final_refusal(assessment: Assessment, stage: str) -> Any:
    if stage == Stage.FINAL and not lifecycle.is_closed(assessment.engagement):
        flash(_("The final assessment is written after the hearing has closed."), "error")
        return redirect(_overview_url(assessment))
    return None


@bp.get("/staff/eva/<public_id>/matrix/<stage>")
@engagement_required()
def matrix(public_id: str, stage: str):
    """The matrix as a table: rows are impact areas, columns alternatives."""
    assessment = _assessment()
    if (refusal := _needed(assessment)) is not None:
        return refusal
    stage = _stage(assessment, stage)
    if (refusal := _final_refusal(assessment, stage)) is not None:
        return refusal
    if stage == Stage.FINAL and services.start_final(assessment):
        db.session.commit()
        flash(_("The final assessment starts from a copy of the preliminary one."), "success")
    return _page(
        "matrix.html",
        engagement=assessment.engagement,
        assessment=assessment,
        stage=stage,
        cells=services.cells(assessment, stage),
    )


def _cell_data(assessment: Assessment, stage: str, area_id: int) -> dict[str, Any]:
    found = services.cells(assessment, stage)
    data: dict[str, Any] = {}
    for alternative in assessment.alternatives:
        cell = found.get((area_id, alternative.id))
        if cell is not None:
            data[alternative.code.lower()] = {
                "direction": cell.direction,
                "significance": cell.significance,
                "groups": list(cell.groups or []),
                "time_span": cell.time_span,
                "evidence": cell.evidence,
                "mitigation": cell.mitigation,
            }
    return data


@bp.route("/staff/eva/<public_id>/matrix/<stage>/<area_code>", methods=["GET", "POST"])
@engagement_required()
def matrix_area(public_id: str, stage: str, area_code: str):
    """One impact area: a fieldset per alternative."""
    assessment = _assessment()
    if (refusal := _needed(assessment)) is not None:
        return refusal
    stage = _stage(assessment, stage)
    if (refusal := _final_refusal(assessment, stage)) is not None:
        return refusal
    item = services.assessed_area(assessment, area_code) or abort(404)
    if stage == Stage.FINAL and services.start_final(assessment):
        db.session.commit()
    pairs = [(alt.code, tr(alt.label)) for alt in assessment.alternatives]
    form = matrix_area_form(
        list(assessment.engagement.languages),
        pairs,
        data=_cell_data(assessment, stage, item.area_id) if request.method == "GET" else None,
    )
    problems: list[str] = []
    if form.validate_on_submit():
        try:
            for alternative in list(assessment.alternatives):
                sub = form[alternative.code.lower()]
                services.save_impact(
                    assessment,
                    item.area,
                    alternative,
                    stage,
                    sub.direction.data,
                    sub.significance.data,
                    sub.groups.data or [],
                    sub.time_span.data,
                    sub.evidence.data,
                    sub.mitigation.data,
                )
        except EvaError as error:
            db.session.rollback()
            problems = error.problems
        else:
            db.session.commit()
            flash(_("The assessment of %(area)s is saved.", area=tr(item.area.label)), "success")
            return redirect(url_for("eva_staff.matrix", public_id=public_id, stage=stage))
    return _page(
        "matrix_area.html",
        422 if form.errors or problems else 200,
        form=form,
        engagement=assessment.engagement,
        assessment=assessment,
        stage=stage,
        area=item.area,
        problems=problems,
    )


# --- questionnaire and publishing ------------------------------------------------------------


@bp.post("/staff/eva/<public_id>/questionnaire")
@engagement_required()
def questionnaire(public_id: str):
    """Make (or remake, while nobody has answered) the hearing questionnaire from the matrix."""
    assessment = _assessment()
    if (refusal := _needed(assessment)) is not None:
        return refusal
    if not ConfirmForm().validate_on_submit():
        abort(400)
    try:
        eva_questionnaire.generate_questionnaire(assessment)
    except eva_questionnaire.QuestionnaireExistsError:
        db.session.rollback()
        flash(
            _(
                "Residents have answered already, so the questionnaire is not made again. "
                "Edit it in the survey builder instead."
            ),
            "error",
        )
    else:
        db.session.commit()
        flash(
            _(
                "The hearing questionnaire is ready. You can edit it in the survey builder: "
                "questions for every impact area and alternative, and which alternative "
                "residents prefer."
            ),
            "success",
        )
    return redirect(_overview_url(assessment, _anchor="questionnaire"))


@bp.post("/staff/eva/<public_id>/publish")
@engagement_required()
def publish(public_id: str):
    assessment = _assessment()
    if not ConfirmForm().validate_on_submit():
        abort(400)
    engagement = assessment.engagement
    if engagement.status == Status.PUBLISHED:
        flash(_("The hearing is published already."), "error")
        return redirect(_overview_url(assessment))
    try:
        services.publish(engagement)
    except EvaError:
        db.session.rollback()
        flash(_("The hearing cannot be published yet: see what is missing below."), "error")
        return redirect(_overview_url(assessment, _anchor="missing"))
    if not may_publish(engagement, request.form):
        db.session.rollback()
        flash(refusal(), "error")
        return redirect(_overview_url(assessment, _anchor="publish-title"))
    db.session.commit()
    flash(_("The hearing is published."), "success")
    return redirect(_overview_url(assessment))


# --- the catalogue of impact areas (coordinator) ---------------------------------------------


@bp.get("/staff/eva/impact-areas")
@coordinator_required
def impact_areas():
    areas = catalogue.list_areas()
    return _page("impact_areas.html", groups=catalogue.by_group(areas))


def _catalogue_errors(form: Any, problems: list[str]) -> None:
    """Show the catalogue service's refusals beside the fields they concern."""
    messages = {
        "code_format": _("Start with a letter a–z; then use only letters a–z, digits and _."),
        "code_used": _("Another impact area has this code."),
        "group": _("Choose a group."),
        "label_languages": _("Write this text in every language."),
        "guidance_languages": _("Write this text in every language."),
    }
    for problem in problems:
        name = CATALOGUE_PROBLEMS.get(problem)
        field = form[name] if name and name in form else None
        if field is None:
            continue
        target = field[next(iter(field._fields))] if hasattr(field, "_fields") else field
        target.errors = [*target.errors, messages[problem]]


@bp.route("/staff/eva/impact-areas/new", methods=["GET", "POST"])
@coordinator_required
def new_impact_area():
    form = impact_area_form(is_new=True)
    if form.validate_on_submit():
        try:
            area = catalogue.create_area(
                form.code.data,
                form.group.data,
                form.label.data,
                form.guidance.data,
                form.position.data,
                form.is_active.data,
            )
        except catalogue.CatalogueError as error:
            db.session.rollback()
            _catalogue_errors(form, error.problems)
        else:
            db.session.commit()
            flash(_("The impact area %(code)s is added.", code=area.code), "success")
            return redirect(url_for("eva_staff.impact_areas"))
    return _page("impact_area.html", 422 if form.errors else 200, form=form, area=None)


@bp.route("/staff/eva/impact-areas/<area_code>", methods=["GET", "POST"])
@coordinator_required
def edit_impact_area(area_code: str):
    area = catalogue.area_by_code(area_code) or abort(404)
    data = {
        "label": area.label,
        "guidance": area.guidance,
        "group": area.group,
        "position": area.position,
        "is_active": area.is_active,
    }
    form = impact_area_form(is_new=False, data=data if request.method == "GET" else None)
    if form.validate_on_submit():
        try:
            catalogue.update_area(
                area,
                form.group.data,
                form.label.data,
                form.guidance.data,
                form.position.data,
                form.is_active.data,
            )
        except catalogue.CatalogueError as error:
            db.session.rollback()
            _catalogue_errors(form, error.problems)
        else:
            db.session.commit()
            flash(_("The impact area %(code)s is saved.", code=area_code), "success")
            return redirect(url_for("eva_staff.impact_areas"))
    return _page("impact_area.html", 422 if form.errors else 200, form=form, area=area)
