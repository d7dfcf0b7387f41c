"""Staff record offline participation of an engagement (a workshop, a school visit)."""

from __future__ import annotations

from flask import Blueprint

from app.i18n import LANG_PREFIX

bp = Blueprint("participation_offline", __name__, url_prefix=LANG_PREFIX)
