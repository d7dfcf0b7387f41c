"""The coordinator's upload of the population table."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileAllowed, FileField, FileRequired

from app.core.forms import BaseForm

CSV_TYPES = ".csv,text/csv"


class PopulationUploadForm(BaseForm):
    file = FileField(
        _l("Population table (CSV file)"),
        description=_l(
            "A CSV file saved from Excel or another spreadsheet, with commas or semicolons "
            "between the values."
        ),
        validators=[
            FileRequired(_l("Choose the CSV file to upload.")),
            FileAllowed(["csv", "txt"], _l("Choose a CSV file (.csv).")),
        ],
        render_kw={"accept": CSV_TYPES},
    )
