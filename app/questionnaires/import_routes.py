"""Staff import a survey from an XLSForm spreadsheet (ODK/KoboToolbox)."""

from __future__ import annotations

from flask import Blueprint

from app.i18n import LANG_PREFIX

bp = Blueprint("surveyimport", __name__, url_prefix=LANG_PREFIX)
