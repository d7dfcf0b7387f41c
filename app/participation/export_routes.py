"""Participation exports (XLSX, CSV, JSON) for the coordinator, with progress for long ones."""

from __future__ import annotations

from flask import Blueprint

from app.i18n import LANG_PREFIX

bp = Blueprint("participation_export", __name__, url_prefix=LANG_PREFIX)
