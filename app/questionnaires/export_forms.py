"""The export form: what to download, and in which words and language."""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l
from wtforms import RadioField, SelectField

from app.core.forms import BaseForm
from app.i18n import LANGUAGE_NAMES
from app.questionnaires.export import ExportOptions


class ExportForm(BaseForm):
    format = RadioField(
        _l("What to download"),
        choices=[
            ("csv", _l("Answers as CSV")),
            ("xlsx", _l("Answers and codebook as Excel (XLSX)")),
            ("codebook", _l("Codebook only, as CSV")),
        ],
        default="csv",
    )
    separator = RadioField(
        _l("CSV separator"),
        description=_l(
            "Only for CSV files. Finnish and Swedish Excel opens semicolon files directly."
        ),
        choices=[
            (";", _l("Semicolon (;) with decimal comma")),
            (",", _l("Comma (,) with decimal point")),
        ],
        default=";",
    )
    headers = RadioField(
        _l("Column headings"),
        choices=[("codes", _l("Question codes")), ("labels", _l("Question texts"))],
        default="codes",
    )
    values = RadioField(
        _l("Answers"),
        choices=[("codes", _l("Option codes")), ("labels", _l("Option texts"))],
        default="codes",
    )
    language = SelectField(_l("Language of the texts"))

    def __init__(self, languages: list[str], default_language: str, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.language.choices = [(code, LANGUAGE_NAMES[code]) for code in languages]
        if not self.is_submitted():
            self.language.data = default_language
            if default_language == "en":
                self.separator.data = ","

    def options(self) -> ExportOptions:
        return ExportOptions(
            format=self.format.data,
            separator=self.separator.data,
            header_labels=self.headers.data == "labels",
            value_labels=self.values.data == "labels",
            language=self.language.data,
        )
