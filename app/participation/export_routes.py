"""Participation exports (XLSX, CSV, JSON) for the coordinator, made as jobs with a status page."""

from __future__ import annotations

import io
from typing import Any

from flask import Blueprint, abort, redirect, render_template, request, send_file, url_for
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from wtforms import RadioField, SelectField

from app.core.auth import coordinator_required
from app.core.forms import BaseForm
from app.eva.report import current_year
from app.extensions import db
from app.i18n import LANG_PREFIX, LANGUAGE_NAMES, LOCALES, current_locale
from app.participation import export, jobs
from app.participation.records import language_label, parse_year

bp = Blueprint("participation_export", __name__, url_prefix=LANG_PREFIX)

#: Years offered in the form: this year and the ones before it.
YEARS_BACK = 6
#: The status page reloads itself this often while the job runs.
REFRESH_SECONDS = 2


class ExportForm(BaseForm):
    year = SelectField(_l("Year"), coerce=int)
    format = RadioField(
        _l("File type"),
        choices=[
            ("xlsx", _l("Excel workbook (XLSX): every table on its own sheet, with charts")),
            ("csv", _l("CSV: one table with a row for each engagement, quarter and channel")),
            ("json", _l("JSON: the same figures for programs and open data")),
        ],
        default="xlsx",
    )
    language = SelectField(
        _l("Language of the headings"),
        description=_l("Titles are in this language when they have been written in it."),
    )

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        this_year = current_year()
        self.year.choices = [
            (year, str(year)) for year in range(this_year, this_year - YEARS_BACK, -1)
        ]
        self.language.choices = [(code, LANGUAGE_NAMES[code]) for code in LOCALES]
        if not self.is_submitted():
            asked = parse_year(request.args.get("year"))
            self.year.data = asked if asked in dict(self.year.choices) else this_year
            self.language.data = current_locale()


@bp.route("/staff/participation/export", methods=["GET", "POST"])
@coordinator_required
def index():
    """The export choices; posting them starts a job and shows its status page."""
    form = ExportForm()
    if form.validate_on_submit():
        job = jobs.start(form.year.data, form.format.data, form.language.data, current_user)
        token, job_id = job.token, job.id
        db.session.commit()
        jobs.launch(job_id)
        return redirect(url_for("participation_export.job", token=token))
    return render_template("participation/export.html", form=form), 400 if form.errors else 200


def _job_or_404(token: str) -> Any:
    job = jobs.find(token, current_user)
    if job is None:
        abort(404)
    return job


@bp.get("/staff/participation/export/jobs/<token>")
@coordinator_required
def job(token: str):
    """How far the export is; reloads itself while running and links the file when done."""
    found = _job_or_404(token)
    state = jobs.state(found)
    refreshing = not state.finished and request.args.get("auto") != "0"
    page = render_template(
        "participation/export_job.html",
        job=found,
        state=state,
        refreshing=refreshing,
        filename=export.filename(found.year, found.format),
        language_name=language_label(found.language),
    )
    headers = {"Cache-Control": "no-store"}
    if refreshing:
        # The same as <meta http-equiv="refresh">: works without JavaScript.
        headers["Refresh"] = str(REFRESH_SECONDS)
    return page, 200, headers


@bp.get("/staff/participation/export/jobs/<token>/download")
@coordinator_required
def download(token: str):
    """The finished file (the export was audited when the job started)."""
    found = _job_or_404(token)
    data = jobs.content(found)
    if data is None:
        abort(404)
    sent = send_file(
        io.BytesIO(data),
        mimetype=export.MIMETYPES[found.format],
        as_attachment=True,
        download_name=export.filename(found.year, found.format),
    )
    sent.headers["Cache-Control"] = "no-store"
    return sent
