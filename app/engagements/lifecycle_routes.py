"""Staff run an engagement's life: close early, invitations, outcome ("you said, we did")."""

from __future__ import annotations

from flask import Blueprint

from app.i18n import LANG_PREFIX

bp = Blueprint("lifecycle", __name__, url_prefix=LANG_PREFIX)
