"""Staff set up a customer panel and run the selection: settings, composition targets,
publishing, the pool of applicants, the lottery's draws and sending the invitations."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from app.core.auth import department_required
from app.core.forms import BaseForm
from app.engagements import lifecycle
from app.engagements.access import current_engagement, engagement_required
from app.engagements.models import Kind, Status
from app.extensions import db
from app.i18n import LANG_PREFIX, to_local, to_utc
from app.panels import services, setup
from app.panels.forms import (
    ConfirmForm,
    composition_form,
    draw_form,
    field_name,
    new_panel_form,
    settings_form,
)
from app.panels.models import ApplicationStatus, Panel, SelectionRun
from app.panels.services import PanelError
from app.plainlang.gate import may_publish, publish_gate, refusal
from app.plan import services as plan_services

bp = Blueprint("panels_staff", __name__, url_prefix=LANG_PREFIX)

#: PanelError reasons in words (the refusals these pages can meet).
ERRORS = {
    "closed": _l("The panel does not take applications now."),
    "already_applied_draw": _l(
        "The invitations of a draw have been sent already. A panel is drawn only once."
    ),
    "empty_pool": _l("Nobody is waiting for the draw: there are no applications to draw from."),
    "open_panel": _l(
        "This is an open panel: everyone who applies becomes a member, so there is no draw."
    ),
    "pool_changed": _l("Someone applied after this draw. Draw again."),
    "unknown_dimension": _l("This background question is not known. Reload the page."),
    "unknown_category": _l("A group of this background question is not known. Reload the page."),
    "negative_target": _l("Write 0 or more seats."),
    "no_language": _l("Choose at least one language."),
    "no_focus_area": _l("Choose at least one focus area."),
    "no_title": _l("Write the panel's name in a chosen language."),
    "target_size": _l("Write a number of seats from 1 to 200."),
    "term_order": _l("The term must end after it starts."),
    "period_order": _l("Applications must close after they open."),
    "open_after_applications": _l(
        "People have applied already, so the panel cannot change between open and selected."
    ),
    "already_published": _l("The panel is published already."),
    "not_ready": _l("The panel cannot be published yet: see what is missing below."),
}

STATUS_LABELS = {
    ApplicationStatus.APPLIED: _l("waiting for the draw"),
    ApplicationStatus.INVITED: _l("invited, no answer yet"),
    ApplicationStatus.RESERVE: _l("reserve"),
    ApplicationStatus.ACCEPTED: _l("member"),
    ApplicationStatus.DECLINED: _l("declined"),
    ApplicationStatus.NOT_SELECTED: _l("not selected"),
    ApplicationStatus.WITHDRAWN: _l("withdrew"),
}


def error_text(error: PanelError) -> str:
    return str(
        ERRORS.get(error.reason, _l("We could not save the change. Check it and try again."))
    )


def missing_text(code: str) -> str:
    """A code of :func:`setup.missing` in words."""
    name, _sep, locale = code.partition(":")
    language = setup.language_name(locale) if locale else ""
    texts = {
        "title": _("Name of the panel: write it in %(language)s", language=language),
        "purpose": _("Purpose: write it in %(language)s", language=language),
        "meeting_plan": _("Meeting plan: write it in %(language)s", language=language),
        "compensation": _("Compensation: write it in %(language)s", language=language),
        "focus_areas": _("Choose at least one focus area."),
        "target_size": _("Set the target size: at least one seat."),
        "closes_at": _("Set a closing time for applications in the future."),
        "quotas": _(
            "Set at least one composition target, or make the panel open to everyone who applies."
        ),
    }
    return texts.get(name, code)


@bp.context_processor
def _labels() -> dict[str, Any]:
    return {"status_labels": STATUS_LABELS}


# --- helpers ---------------------------------------------------------------------------------


def _panel() -> Panel:
    """The panel of this request; other kinds of engagement are not found here."""
    engagement = current_engagement()
    if engagement.kind != Kind.PANEL:
        abort(404)
    return services.panel_of(engagement) or abort(404)


def _overview_url(panel: Panel, **kwargs: Any) -> str:
    return url_for("panels_staff.overview", public_id=panel.engagement.public_id, **kwargs)


def _page(template: str, status: int = 200, **context: Any) -> tuple[str, int]:
    return render_template(f"panels/staff/{template}", **context), status


def _show_error(form: BaseForm, error: PanelError) -> list[str]:
    """Put a service refusal beside its field; what has no field goes to the summary."""
    name = error.field
    if name and name in form:
        field = form[name]
        target = field[next(iter(field._fields))] if hasattr(field, "_fields") else field
        target.errors = [*target.errors, error_text(error)]
        return []
    return [error_text(error)]


# --- creating --------------------------------------------------------------------------------


@bp.route("/staff/departments/<department>/panels/new", methods=["GET", "POST"])
@department_required("department")
def new_panel(department: str):
    """Name, languages, focus areas, size and whether anyone may join."""
    dep = plan_services.department_by_code(department) or abort(404)
    form = new_panel_form(plan_services.focus_area_choices())
    problems: list[str] = []
    if form.validate_on_submit():
        try:
            panel = setup.create(
                dep,
                form.title.data,
                form.languages.data,
                plan_services.focus_areas_by_codes(form.focus_areas.data),
                form.target_size.data,
                form.is_open.data,
                current_user.id,
            )
        except PanelError as error:
            db.session.rollback()
            problems = _show_error(form, error)
        else:
            db.session.commit()
            flash(_("The panel was created as a draft. Write its purpose next."), "success")
            return redirect(_overview_url(panel))
    return _page(
        "new.html",
        422 if form.errors or problems else 200,
        form=form,
        department=dep,
        problems=problems,
    )


# --- the overview ----------------------------------------------------------------------------


@bp.get("/staff/panels/<public_id>/")
@engagement_required()
def overview(public_id: str):
    """Status, what publishing still needs, the numbers and every step."""
    panel = _panel()
    missing = [(missing_text(code), link) for code, link in setup.missing(panel)]
    return _page(
        "overview.html",
        panel=panel,
        engagement=panel.engagement,
        missing=missing,
        numbers=setup.numbers(panel),
        runs=setup.runs(panel),
        applied=services.applied_run(panel),
        is_closed=lifecycle.is_closed(panel.engagement),
        over_seats=[services.dimension_label(panel, d) for d in setup.over_seats(panel)],
        form=ConfirmForm(),
        language_gate=publish_gate(panel.engagement)
        if panel.engagement.status == Status.DRAFT
        else None,
    )


# --- settings --------------------------------------------------------------------------------


def _settings_data(panel: Panel) -> dict[str, Any]:
    engagement = panel.engagement
    return {
        "title": engagement.title,
        "summary": engagement.summary,
        "purpose": panel.purpose,
        "meeting_plan": panel.meeting_plan,
        "compensation": panel.compensation,
        "term_start": panel.term_start,
        "term_end": panel.term_end,
        "opens_at": to_local(engagement.opens_at),
        "closes_at": to_local(engagement.closes_at),
        "target_size": panel.target_size,
        "is_open": panel.is_open,
        "languages": list(engagement.languages),
        "focus_areas": [area.code for area in engagement.focus_areas],
        "retention_days": engagement.retention_days,
    }


@bp.route("/staff/panels/<public_id>/settings", methods=["GET", "POST"])
@engagement_required()
def settings(public_id: str):
    """Texts per offered language, term, application period, size, open or selected."""
    panel = _panel()
    form = settings_form(
        list(panel.engagement.languages),
        plan_services.focus_area_choices(),
        data=_settings_data(panel) if request.method == "GET" else None,
    )
    problems: list[str] = []
    if form.validate_on_submit():
        data = setup.SettingsInput(
            title=form.title.data,
            summary=form.summary.data,
            purpose=form.purpose.data,
            meeting_plan=form.meeting_plan.data,
            compensation=form.compensation.data,
            languages=form.languages.data,
            focus_areas=plan_services.focus_areas_by_codes(form.focus_areas.data),
            term_start=form.term_start.data,
            term_end=form.term_end.data,
            opens_at=to_utc(form.opens_at.data),
            closes_at=to_utc(form.closes_at.data),
            target_size=form.target_size.data,
            is_open=form.is_open.data,
            retention_days=form.retention_days.data,
        )
        try:
            setup.update_settings(panel, data)
        except PanelError as error:
            db.session.rollback()
            problems = _show_error(form, error)
        else:
            db.session.commit()
            flash(_("The settings are saved."), "success")
            return redirect(_overview_url(panel))
    return _page(
        "settings.html",
        422 if form.errors or problems else 200,
        form=form,
        panel=panel,
        engagement=panel.engagement,
        problems=problems,
    )


# --- composition targets ---------------------------------------------------------------------


def _dimensions(panel: Panel) -> list[tuple[str, str, list[tuple[str, str]]]]:
    return [
        (code, services.dimension_label(panel, code), services.dimension_options(panel, code))
        for code in setup.composition_dimensions(panel)
    ]


def _composition_data(panel: Panel) -> dict[str, dict[str, int]]:
    return {
        dimension: {field_name(code): seats for code, seats in targets.items()}
        for dimension, targets in panel.quotas.items()
    }


@bp.route("/staff/panels/<public_id>/composition", methods=["GET", "POST"])
@engagement_required()
def composition(public_id: str):
    """Targets per group of every background question; 0 or empty means no target."""
    panel = _panel()
    dimensions = _dimensions(panel)
    form = composition_form(
        dimensions, data=_composition_data(panel) if request.method == "GET" else None
    )
    problems: list[str] = []
    if form.validate_on_submit():
        try:
            services.set_quotas(panel, form.quotas())
        except PanelError as error:
            db.session.rollback()
            problems = _show_error(form, error)
        else:
            db.session.commit()
            flash(_("The composition targets are saved."), "success")
            for dimension in setup.over_seats(panel):
                flash(
                    _(
                        "%(dimension)s: the targets add up to %(sum)d seats, but the panel has "
                        "%(seats)d. Not every target can be met.",
                        dimension=services.dimension_label(panel, dimension),
                        sum=setup.quota_sums(panel)[dimension],
                        seats=panel.target_size,
                    ),
                    "warning",
                )
            return redirect(url_for("panels_staff.composition", public_id=public_id))
    # Sums of what is on the form (kept input after an error, saved targets otherwise).
    sums = {
        code: sum(sub.data for sub in form[code] if isinstance(sub.data, int) and sub.data > 0)
        for code, _label, _options in dimensions
    }
    return _page(
        "composition.html",
        422 if form.errors or problems else 200,
        form=form,
        panel=panel,
        engagement=panel.engagement,
        dimensions=dimensions,
        sums=sums,
        problems=problems,
    )


# --- publishing ------------------------------------------------------------------------------


@bp.post("/staff/panels/<public_id>/publish")
@engagement_required()
def publish(public_id: str):
    """Publish the call for applicants, or say what is missing."""
    panel = _panel()
    if not ConfirmForm().validate_on_submit():
        abort(400)
    try:
        setup.publish(panel)
    except PanelError as error:
        db.session.rollback()
        flash(error_text(error), "error")
        return redirect(_overview_url(panel, _anchor="missing"))
    if not may_publish(panel.engagement, request.form):
        db.session.rollback()
        flash(refusal(), "error")
        return redirect(_overview_url(panel, _anchor="publish-title"))
    db.session.commit()
    flash(_("The panel is published. Residents can apply."), "success")
    return redirect(_overview_url(panel))


# --- applicants and the draw -----------------------------------------------------------------


@bp.get("/staff/panels/<public_id>/applicants")
@engagement_required()
def applicants(public_id: str):
    """The pool against the targets and every application (personal data: audited)."""
    panel = _panel()
    apps = setup.applications(panel)
    setup.view_applications(panel, len(apps))
    db.session.commit()
    applied = services.applied_run(panel)
    return _page(
        "applicants.html",
        panel=panel,
        engagement=panel.engagement,
        applications=apps,
        table=setup.pool_against_targets(panel, apps),
        bands={app.id: setup.labelled_bands(panel, app.bands) for app in apps},
        applied=applied,
        waiting=sum(1 for app in apps if app.status == ApplicationStatus.APPLIED),
        form=draw_form(),
    )


@bp.post("/staff/panels/<public_id>/draw")
@engagement_required()
def draw(public_id: str):
    """Draw members and ranked reserves; the report is shown before anyone is invited."""
    panel = _panel()
    form = draw_form()
    if not form.validate_on_submit():
        for _field_id, _label, message in form.error_list():
            flash(message, "error")
        if not form.errors:
            abort(400)
        return redirect(url_for("panels_staff.applicants", public_id=public_id, _anchor="draw"))
    try:
        run = services.draw(panel, current_user.id, form.seed.data)
    except PanelError as error:
        db.session.rollback()
        flash(error_text(error), "error")
        return redirect(url_for("panels_staff.applicants", public_id=public_id, _anchor="draw"))
    db.session.commit()
    flash(_("The draw is made. Check the result before you send the invitations."), "success")
    return redirect(url_for("panels_staff.run", public_id=public_id, run_id=run.id))


def _run(panel: Panel, run_id: int) -> SelectionRun:
    return setup.run_of(panel, run_id) or abort(404)


@bp.get("/staff/panels/<public_id>/draws/<int:run_id>")
@engagement_required()
def run(public_id: str, run_id: int):
    """The report of one draw; ``?repeat=1`` draws it again from what it stored."""
    panel = _panel()
    selection_run = _run(panel, run_id)
    report = selection_run.result.get("report", {})
    repeated = None
    if request.args.get("repeat"):
        again = services.repeat(selection_run)
        repeated = list(again.selected) == list(selection_run.result["selected"]) and list(
            again.reserves
        ) == list(selection_run.result["reserves"])
    applied = services.applied_run(panel)
    people = setup.run_people(selection_run)
    return _page(
        "run.html",
        panel=panel,
        engagement=panel.engagement,
        run=selection_run,
        report=report,
        dimension_labels={
            dim["dimension"]: services.dimension_label(panel, dim["dimension"])
            for dim in report.get("dimensions", [])
        },
        category_labels=setup.category_labels(panel, selection_run.quotas),
        selected=[
            (i, setup.labelled_bands(panel, people.get(i, {})))
            for i in selection_run.result["selected"]
        ],
        reserves=[
            (i, setup.labelled_bands(panel, people.get(i, {})))
            for i in selection_run.result["reserves"]
        ],
        applied=applied,
        repeated=repeated,
        form=ConfirmForm(),
        draw_form=draw_form(),
    )


@bp.post("/staff/panels/<public_id>/draws/<int:run_id>/send")
@engagement_required()
def send(public_id: str, run_id: int):
    """Invite the drawn people by e-mail and rank the reserves."""
    panel = _panel()
    selection_run = _run(panel, run_id)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    try:
        services.apply_draw(selection_run, current_user.id)
    except PanelError as error:
        db.session.rollback()
        flash(error_text(error), "error")
        return redirect(url_for("panels_staff.run", public_id=public_id, run_id=run_id))
    db.session.commit()
    count = len(selection_run.result["selected"])
    flash(
        _(
            "The invitations are sent to %(count)d people. The reserves are ranked.",
            count=count,
        ),
        "success",
    )
    return redirect(url_for("panels_staff.run", public_id=public_id, run_id=run_id))
