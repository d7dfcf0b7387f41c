"""Staff download a survey's answers as CSV or XLSX with a codebook; every export is audited."""

from __future__ import annotations

from flask import Blueprint

from app.i18n import LANG_PREFIX

bp = Blueprint("export", __name__, url_prefix=LANG_PREFIX)
