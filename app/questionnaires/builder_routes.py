"""Staff build a survey: settings, pages, questions, conditions, preview, copy, publish."""

from __future__ import annotations

from flask import Blueprint

from app.i18n import LANG_PREFIX

bp = Blueprint("builder", __name__, url_prefix=LANG_PREFIX)
