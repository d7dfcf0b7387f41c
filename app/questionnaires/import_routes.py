"""Staff import a survey from an XLSForm spreadsheet (ODK/KoboToolbox)."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, current_app, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf.file import FileAllowed, FileField, FileRequired
from wtforms import SelectMultipleField
from wtforms.validators import ValidationError
from wtforms.widgets import CheckboxInput, ListWidget

from app.core.auth import department_required
from app.core.forms import BaseForm
from app.engagements.access import current_engagement, engagement_required
from app.extensions import db
from app.i18n import LANG_PREFIX, tr
from app.plan import services as plan_services
from app.questionnaires import xlsform

bp = Blueprint("surveyimport", __name__, url_prefix=LANG_PREFIX)

XLSX_TYPES = ".xlsx,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class _Checkboxes(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class ImportForm(BaseForm):
    file = FileField(
        _l("XLSForm file"),
        description=_l("An Excel workbook (.xlsx) with the sheets survey, choices and settings."),
        validators=[
            FileRequired(_l("Choose the file to import.")),
            FileAllowed(["xlsx"], _l("Choose an Excel workbook (.xlsx).")),
        ],
        render_kw={"accept": XLSX_TYPES},
    )
    focus_areas = _Checkboxes(_l("Focus areas of the welfare plan"))

    def validate_focus_areas(self, field: Any) -> None:
        if not field.data:
            raise ValidationError(_l("Choose at least one focus area."))


def _goals_with_areas() -> list[tuple[Any, list[Any]]]:
    plan = plan_services.current_plan()
    return [(goal, list(goal.focus_areas)) for goal in plan.goals] if plan else []


def _upload_limit() -> int:
    """Bytes a file may have: the importer's limit, or the request size limit if smaller."""
    request_limit = current_app.config.get("MAX_CONTENT_LENGTH") or xlsform.MAX_FILE_BYTES
    return min(xlsform.MAX_FILE_BYTES, request_limit)


def _survey_url(public_id: str, department: str) -> str:
    """The builder's page of the survey, or the department's list until the builder exists."""
    if "builder.survey" in current_app.view_functions:
        return url_for("builder.survey", public_id=public_id)
    return url_for("engagements.department_dashboard", department=department)


@bp.route("/staff/departments/<department>/surveys/import", methods=["GET", "POST"])
@department_required("department")
def import_xlsform(department: str):
    """Upload an XLSForm workbook; it becomes a draft survey of the department."""
    dep = plan_services.department_by_code(department) or abort(404)
    goals = _goals_with_areas()
    form = ImportForm()
    form.focus_areas.choices = [
        (area.code, f"{area.code} {tr(area.title)}") for _goal, areas in goals for area in areas
    ]
    if form.validate_on_submit():
        areas = [plan_services.focus_area_by_code(code) for code in form.focus_areas.data]
        upload = form.file.data
        data = upload.read(xlsform.MAX_FILE_BYTES + 1)
        try:
            result = xlsform.import_xlsform(
                data, dep, areas, created_by_id=current_user.id, filename=upload.filename
            )
        except xlsform.XlsFormError as error:
            db.session.rollback()
            form.file.errors = [*form.file.errors, *error.messages]
        else:
            db.session.commit()
            flash(_("The survey was imported as a draft. Check the report below."), "success")
            return redirect(url_for("surveyimport.report", public_id=result.public_id))
    return render_template(
        "questionnaires/import/upload.html",
        form=form,
        department=dep,
        goals=goals,
        max_mb=_upload_limit() // (1024 * 1024),
    )


@bp.get("/staff/surveys/<public_id>/import-report")
@engagement_required()
def report(public_id: str):
    """What the import of this survey brought in, and what it skipped or changed."""
    engagement = current_engagement()
    found = xlsform.import_report(engagement) or abort(404)
    return render_template(
        "questionnaires/import/report.html",
        engagement=engagement,
        report=found,
        survey_url=_survey_url(engagement.public_id, engagement.department.code),
    )
