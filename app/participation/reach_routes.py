"""Reach: population table upload and who took part compared with the population."""

from __future__ import annotations

from flask import Blueprint, Response, flash, redirect, render_template, url_for
from flask_babel import ngettext
from flask_login import current_user

from app.core.auth import coordinator_required
from app.engagements import background
from app.extensions import db
from app.i18n import LANG_PREFIX, current_locale
from app.participation import population as population_service
from app.participation import reach as reach_module
from app.participation.population import PopulationError, Problem
from app.participation.reach_forms import PopulationUploadForm
from app.participation.years import requested_year, year_choices

bp = Blueprint("participation_reach", __name__, url_prefix=LANG_PREFIX)


@bp.get("/staff/participation/reach")
@coordinator_required
def reach():
    """Age bands and postal areas of the year's participants beside the population's."""
    year = requested_year()
    return render_template(
        "participation/reach.html",
        reach=reach_module.build(year, current_locale()),
        year=year,
        years=year_choices(year),
    )


@bp.route("/staff/participation/population", methods=["GET", "POST"])
@coordinator_required
def population():
    """The population table: what is stored, and the upload that replaces it."""
    form = PopulationUploadForm()
    problems: list[Problem] = []
    if form.validate_on_submit():
        data = form.file.data.read(population_service.MAX_BYTES + 1)
        try:
            rows = population_service.parse(data)
        except PopulationError as error:
            problems = error.problems
            form.file.errors = [
                ngettext(
                    "The file has %(num)d problem, listed above. Nothing was changed.",
                    "The file has %(num)d problems, listed above. Nothing was changed.",
                    len(problems),
                )
            ]
        else:
            count = population_service.replace(rows, current_user)
            db.session.commit()
            flash(
                ngettext(
                    "The population table was replaced: %(num)d row.",
                    "The population table was replaced: %(num)d rows.",
                    count,
                ),
                "success",
            )
            return redirect(url_for("participation_reach.population"))
    return render_template(
        "participation/population.html",
        form=form,
        problems=problems,
        rows=population_service.table(),
        max_mb=population_service.MAX_BYTES // (1024 * 1024),
        age_bands=background.options("age"),
        areas=background.postal_areas(),
    ), 422 if form.errors else 200


@bp.get("/staff/participation/population/example.csv")
@coordinator_required
def example():
    """The demo table as a file to fill in (Kemi-like figures)."""
    return Response(
        population_service.example_csv(),
        mimetype="text/csv",
        headers={
            "Content-Disposition": 'attachment; filename="population-example.csv"',
            "Content-Type": "text/csv; charset=utf-8",
        },
    )
