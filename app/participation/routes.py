"""The coordinator's participation records: dashboard, plan table, drill-down, TEAviisari."""

from __future__ import annotations

from flask import Blueprint

from app.i18n import LANG_PREFIX

bp = Blueprint("participation", __name__, url_prefix=LANG_PREFIX)
