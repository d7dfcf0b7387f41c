"""The coordinator's participation records: dashboard, plan table, drill-down, TEAviisari."""

from __future__ import annotations

from flask import Blueprint, abort, current_app, render_template, request

from app.core.auth import coordinator_required
from app.i18n import LANG_PREFIX, current_locale
from app.participation import records as records_module
from app.participation import teaviisari
from app.participation.records import Records
from app.participation.years import requested_year, year_choices

bp = Blueprint("participation", __name__, url_prefix=LANG_PREFIX)


def _render(template: str, **context: object) -> str:
    """Render with the label helpers every records page uses."""
    return render_template(
        template,
        kind_label=records_module.kind_label,
        channel_label=records_module.channel_label,
        language_label=records_module.language_label,
        **context,
    )


def _records(year: int) -> Records:
    return records_module.build(year, current_locale())


@bp.app_template_filter("has_view")
def _has_view(endpoint: str) -> bool:
    """Whether a page exists, for links to pages of features that may not be there."""
    return endpoint in current_app.view_functions


@bp.get("/staff/participation/")
@coordinator_required
def dashboard():
    """Participation per strategic goal and focus area, department, channel and language."""
    year = requested_year()
    records = _records(year)
    return _render(
        "participation/dashboard.html",
        records=records,
        year=year,
        years=year_choices(year),
    )


@bp.get("/staff/participation/plan-table")
@coordinator_required
def plan_table():
    """Focus areas × departments: the plan's third column, printable."""
    year = requested_year()
    return _render(
        "participation/plan_table.html", records=_records(year), year=year, years=year_choices(year)
    )


@bp.get("/staff/participation/engagements")
@coordinator_required
def engagements():
    """The year's engagements one row each; ``focus_area``, ``department``, ``kind`` and
    ``channel`` narrow the list (the dashboard's drill-down)."""
    year = requested_year()
    records = _records(year)
    rows = records.engagements
    filters = {}
    focus_area = request.args.get("focus_area", "")
    if focus_area:
        area = next((a for a in records.focus_areas if a.code == focus_area), None) or abort(404)
        rows = records.engagements_of(area.code)
        filters["focus_area"] = area
    department = request.args.get("department", "")
    if department:
        dep = next((d for d in records.departments if d.code == department), None) or abort(404)
        rows = tuple(row for row in rows if row.department_code == dep.code)
        filters["department"] = dep
    kind = request.args.get("kind", "")
    if kind:
        if kind not in records_module.KIND_LABELS:
            abort(404)
        rows = tuple(row for row in rows if row.kind == kind)
        filters["kind"] = records_module.kind_label(kind)
    channel = request.args.get("channel", "")
    if channel:
        if channel not in records_module.CHANNEL_LABELS:
            abort(404)
        rows = tuple(row for row in rows if channel in row.figures.channels)
        filters["channel"] = records_module.channel_label(channel)
    return _render(
        "participation/engagements.html",
        records=records,
        rows=rows,
        filters=filters,
        year=year,
        years=year_choices(year),
    )


@bp.get("/staff/participation/teaviisari")
@coordinator_required
def teaviisari_evidence():
    """TEAviisari's participation indicators: yes or no, and the engagements that prove it."""
    year = requested_year()
    records = _records(year)
    return _render(
        "participation/teaviisari.html",
        records=records,
        indicators=teaviisari.evidence(records),
        year=year,
        years=year_choices(year),
    )
