"""Residents without digital skills: staff type in paper, event and phone answers; printable questionnaire; poster with a QR code."""

from __future__ import annotations

from flask import Blueprint

from app.i18n import LANG_PREFIX

bp = Blueprint("paper", __name__, url_prefix=LANG_PREFIX)
