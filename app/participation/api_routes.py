"""Read-only open data: /api/v1/participation and /api/v1/engagements (JSON, no personal data).

Anyone may read them without signing in. They hold only what residents can see on the public
pages and the year's counts; engagements that are unlisted or for an invited audience are left
out (their ids are their links). Responses may be cached for five minutes.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, jsonify, request

from app.eva.report import current_year
from app.extensions import limiter
from app.i18n import DEFAULT_LOCALE, LOCALES
from app.participation import export
from app.participation.records import parse_year

bp = Blueprint("api", __name__, url_prefix="/api/v1")

CACHE_CONTROL = "public, max-age=300"


def _json(data: Any, status: int = 200) -> Any:
    response = jsonify(data)
    response.status_code = status
    if status == 200:
        response.headers["Cache-Control"] = CACHE_CONTROL
    else:
        response.headers["Cache-Control"] = "no-store"
    return response


def _error(code: str, message: str) -> Any:
    return _json({"error": {"code": code, "message": message}}, 400)


@bp.get("/participation")
@limiter.limit("60 per minute")
def participation():
    """The year's participation records (``?year=``, default this year; ``?lang=`` fi|sv|en)."""
    raw = request.args.get("year")
    year = current_year() if raw in (None, "") else parse_year(raw)
    if year is None:
        return _error("bad_year", "year must be a whole number from 2000 to 2100")
    lang = request.args.get("lang") or DEFAULT_LOCALE
    if lang not in LOCALES:
        return _error("bad_lang", "lang must be one of: " + ", ".join(LOCALES))
    return _json(export.open_data(year, lang))


@bp.get("/engagements")
@limiter.limit("60 per minute")
def engagements():
    """Published engagements open to everyone, with their texts in every language."""
    return _json({"engagements": export.open_engagements()})
