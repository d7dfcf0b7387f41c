"""The welfare plan for residents, and its editing and departments for the coordinator."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from app.core.auth import coordinator_required
from app.core.forms import BaseForm
from app.extensions import db
from app.i18n import LANG_PREFIX, LOCALES, best_locale
from app.plan import services
from app.plan.forms import (
    DepartmentEditForm,
    DepartmentForm,
    FocusAreaTextsForm,
    GoalTextsForm,
    PlanTextsForm,
)

bp = Blueprint("plan", __name__, url_prefix=LANG_PREFIX)
root_bp = Blueprint("root", __name__)


@root_bp.get("/")
def index():
    """Send the visitor to their browser's language."""
    response = redirect(url_for("engagements.home", lang=best_locale()))
    response.headers["Vary"] = "Accept-Language"
    return response


@bp.get("/plan")
def plan():
    plan = services.current_plan()
    if plan is None:
        abort(404)
    return render_template("plan/plan.html", plan=plan)


# --- coordinator: the plan's texts ---------------------------------------------------------


@bp.get("/staff/plan")
@coordinator_required
def edit_overview():
    plan = services.current_plan()
    return render_template("plan/staff_plan.html", plan=plan)


def _texts_page(form: BaseForm, heading: str):  # noqa: ANN202
    return render_template(
        "plan/edit_texts.html", form=form, heading=heading, cancel=url_for("plan.edit_overview")
    ), 422 if form.errors else 200


def _saved(message: str):  # noqa: ANN202
    db.session.commit()
    flash(message, "success")
    return redirect(url_for("plan.edit_overview"))


def _edit_title_and_summary(obj, form_class, action: str, heading: str, saved: str):  # noqa: ANN001, ANN202
    """The edit page of a text with a title and a summary (the plan, a focus area)."""
    form = form_class(
        data={"title": obj.title, "summary": obj.summary} if request.method == "GET" else None
    )
    if form.validate_on_submit():
        services.update_texts(obj, action, title=form.title.data, summary=form.summary.data)
        return _saved(saved)
    return _texts_page(form, heading)


@bp.route("/staff/plan/texts", methods=["GET", "POST"])
@coordinator_required
def edit_plan():
    plan = services.current_plan() or abort(404)
    return _edit_title_and_summary(
        plan, PlanTextsForm, "plan.edit", _("Edit the plan"), _("The plan is saved.")
    )


def _aims_by_language(aims: list[dict]) -> dict[str, str]:
    return {locale: "\n".join(aim.get(locale, "") for aim in aims) for locale in LOCALES}


def _aims_from_form(data: dict[str, str]) -> list[dict] | None:
    """Aims as translated texts, or None when the languages have different numbers of lines."""
    lines = {
        locale: [line.strip() for line in (data.get(locale) or "").splitlines() if line.strip()]
        for locale in LOCALES
    }
    counts = {len(value) for value in lines.values()}
    if len(counts) > 1:
        return None
    count = counts.pop() if counts else 0
    return [{locale: lines[locale][index] for locale in LOCALES} for index in range(count)]


@bp.route("/staff/plan/goals/<code>", methods=["GET", "POST"])
@coordinator_required
def edit_goal(code: str):
    plan = services.current_plan() or abort(404)
    goal = next((goal for goal in plan.goals if goal.code == code), None) or abort(404)
    form = GoalTextsForm(
        data={"title": goal.title, "aims": _aims_by_language(goal.aims)}
        if request.method == "GET"
        else None
    )
    if form.validate_on_submit():
        aims = _aims_from_form(form.aims.data)
        if aims is not None:
            services.update_texts(goal, "plan.goal.edit", title=form.title.data, aims=aims)
            return _saved(_("The strategic goal is saved."))
        form.aims.fi.errors.append(_("Every language needs the same number of aims, one per line."))
    return _texts_page(form, _("Edit a strategic goal"))


@bp.route("/staff/plan/focus-areas/<code>", methods=["GET", "POST"])
@coordinator_required
def edit_focus_area(code: str):
    area = services.focus_area_by_code(code) or abort(404)
    return _edit_title_and_summary(
        area,
        FocusAreaTextsForm,
        "engagements.focus_area.edit",
        _("Edit a focus area"),
        _("The focus area is saved."),
    )


# --- coordinator: departments --------------------------------------------------------------

DEPARTMENT_SAVED = _l("The department is saved.")


@bp.route("/staff/departments", methods=["GET", "POST"])
@coordinator_required
def departments():
    form = DepartmentForm()
    if form.validate_on_submit():
        try:
            services.create_department(form.code.data, form.name.data)
        except services.PlanError:
            form.code.errors.append(_("A department with this code exists already."))
        else:
            db.session.commit()
            flash(DEPARTMENT_SAVED, "success")
            return redirect(url_for("plan.departments"))
    return render_template(
        "plan/departments.html", form=form, departments=services.list_departments()
    ), 422 if form.errors else 200


@bp.route("/staff/departments/<department>/edit", methods=["GET", "POST"])
@coordinator_required
def edit_department(department: str):
    dep = services.department_by_code(department) or abort(404)
    form = DepartmentEditForm(
        data={"name": dep.name, "is_active": dep.is_active} if request.method == "GET" else None
    )
    if form.validate_on_submit():
        services.update_department(dep, form.name.data, form.is_active.data)
        db.session.commit()
        flash(DEPARTMENT_SAVED, "success")
        return redirect(url_for("plan.departments"))
    return render_template(
        "plan/edit_department.html", form=form, department=dep
    ), 422 if form.errors else 200
