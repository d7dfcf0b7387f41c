"""Which year a records page shows, and the years its selector offers."""

from __future__ import annotations

from flask import abort, request
from sqlalchemy import func, select

from app.engagements.models import Engagement
from app.eva.report import current_year
from app.extensions import db
from app.participation.records import parse_year


def requested_year() -> int:
    """The year asked for (``?year=``), else this year; a malformed year is a 404."""
    raw = request.args.get("year")
    if raw is None or raw == "":
        return current_year()
    return parse_year(raw) or abort(404)


def year_choices(selected: int) -> list[int]:
    """Years offered in the selector, newest first: from the first engagement's year to now."""
    first = db.session.scalar(select(func.min(Engagement.created_at)))
    this_year = current_year()
    start = min(first.year if first else this_year, selected, this_year)
    end = max(this_year, selected)
    return list(range(end, start - 1, -1))
