"""Results of a survey: staff results while open and after, and the published results page for residents."""

from __future__ import annotations

from flask import Blueprint

from app.i18n import LANG_PREFIX

bp = Blueprint("results", __name__, url_prefix=LANG_PREFIX)
