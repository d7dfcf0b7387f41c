"""Staff dashboards: the department's engagements (filled in by later features)."""

from __future__ import annotations

from flask import Blueprint, abort, current_app, redirect, render_template, url_for
from flask_login import current_user

from app.core.auth import department_required, staff_required
from app.core.types import utcnow
from app.engagements import services
from app.i18n import LANG_PREFIX
from app.plan import services as plan_services

bp = Blueprint("engagements", __name__, url_prefix=LANG_PREFIX)


@bp.get("/")
def home():
    """Open engagements by focus area of the plan."""
    return render_template(
        "plan/home.html", plan=plan_services.current_plan(), open_now=services.open_by_focus_area()
    )


@bp.get("/plan/<code>")
def focus_area(code: str):
    """A focus area of the plan and the ways to take part in it now."""
    area = plan_services.focus_area_by_code(code) or abort(404)
    return render_template(
        "plan/focus_area.html",
        area=area,
        goal=area.goal,
        engagements=services.open_by_focus_area().get(area.id, []),
    )


@bp.get("/staff/")
@staff_required
def staff_home():
    """Staff go to their department; the coordinator sees every department."""
    if not current_user.is_coordinator:
        if current_user.department is None:
            abort(403)
        return redirect(
            url_for("engagements.department_dashboard", department=current_user.department.code)
        )
    return render_template(
        "engagements/coordinator_home.html",
        departments=plan_services.list_departments(),
        plan=plan_services.current_plan(),
    )


@bp.get("/staff/departments/<department>/")
@department_required("department")
def department_dashboard(department: str):
    dep = plan_services.department_by_code(department) or abort(404)
    import_url = (
        url_for("surveyimport.import_xlsform", department=dep.code)
        if "surveyimport.import_xlsform" in current_app.view_functions
        else None
    )
    return render_template(
        "engagements/department_dashboard.html",
        department=dep,
        engagements=services.for_department(dep),
        import_url=import_url,
        now=utcnow(),
    )
