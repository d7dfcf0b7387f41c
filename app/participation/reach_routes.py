"""Reach: population table upload and who took part compared with the population."""

from __future__ import annotations

from flask import Blueprint

from app.i18n import LANG_PREFIX

bp = Blueprint("participation_reach", __name__, url_prefix=LANG_PREFIX)
