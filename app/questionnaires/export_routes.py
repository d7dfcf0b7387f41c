"""Staff download a survey's answers as CSV or XLSX with a codebook; every export is audited."""

from __future__ import annotations

import tempfile

from flask import Blueprint, render_template, send_file

from app.engagements.access import current_engagement, engagement_required
from app.extensions import db
from app.i18n import LANG_PREFIX, current_locale
from app.questionnaires import export
from app.questionnaires.export_forms import ExportForm

bp = Blueprint("export", __name__, url_prefix=LANG_PREFIX)


@bp.route("/staff/surveys/<public_id>/export", methods=["GET", "POST"])
@engagement_required()
def export_form(public_id: str):
    """The export choices; posting them downloads the file (and writes an audit record)."""
    engagement = current_engagement()
    languages = list(engagement.languages)
    default = current_locale() if current_locale() in languages else languages[0]
    form = ExportForm(languages, default)
    if form.validate_on_submit():
        # On disk rather than in memory: an export of a big survey can be tens of megabytes.
        out = tempfile.TemporaryFile()  # noqa: SIM115 (send_file closes it after sending)
        try:
            result = export.export_survey(engagement, out, form.options())
            db.session.commit()
        except BaseException:
            out.close()
            raise
        out.seek(0)
        response = send_file(
            out, mimetype=result.mimetype, as_attachment=True, download_name=result.filename
        )
        response.headers["Cache-Control"] = "no-store"
        return response
    return render_template(
        "questionnaires/export/form.html",
        engagement=engagement,
        form=form,
        responses=export.response_count(engagement),
    )
