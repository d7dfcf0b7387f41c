"""Read-only open data: /api/v1/participation and /api/v1/engagements (JSON, no personal data)."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("api", __name__, url_prefix="/api/v1")
