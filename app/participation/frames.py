"""The participation read side's DataFrames: ``pandas.read_sql`` of :mod:`queries`.

Each frame has fixed columns and dtypes, also when nothing matches, so the aggregations never
special-case an empty year. Figures come from *fact sources*: select statements that count one
kind of participation per engagement, quarter, channel and language. A new kind of participation
(panel meetings, say) adds its source with :func:`register_fact_source` and every record, page
and export counts it.
"""

from __future__ import annotations

from collections.abc import Callable

import pandas as pd
from sqlalchemy import Select

from app.extensions import db
from app.participation import queries
from app.participation.queries import Period
from app.plan.models import Plan

KEYS: tuple[str, ...] = ("engagement_id", "quarter", "channel", "language")
#: Additive figures of a fact row; ``participants`` is derived from them.
MEASURES: tuple[str, ...] = (
    "responses",
    "commenters",
    "comments",
    "offline_events",
    "offline_participants",
    "attendance",
    "members",
)
#: What makes up "people reached": each counts people, not messages.
PEOPLE: tuple[str, ...] = ("responses", "commenters", "offline_participants", "members")

FACT_DTYPES: dict[str, str] = {
    "engagement_id": "int64",
    "quarter": "int64",
    "channel": "object",
    "language": "object",
    **dict.fromkeys(MEASURES, "int64"),
    "participants": "int64",
}

ENGAGEMENT_DTYPES: dict[str, str] = {
    "engagement_id": "int64",
    "public_id": "object",
    "kind": "object",
    "audience": "object",
    "department_code": "object",
    "title": "object",
    "languages": "object",
    "opens_at": "object",
    "closes_at": "object",
    "outcome_published_at": "object",
    "decision_ref": "object",
    "eva_decided_at": "object",
    "eva_screened_at": "object",
    "subscribers": "int64",
    "informed": "int64",
}

FactSource = Callable[[Period], Select]
_SOURCES: list[FactSource] = [
    queries.submission_facts,
    queries.comment_facts,
    queries.offline_facts,
    queries.attendance_facts,
    queries.member_facts,
]


def register_fact_source(source: FactSource) -> None:
    """Count another kind of participation (columns: KEYS and some of MEASURES)."""
    if source not in _SOURCES:
        _SOURCES.append(source)


def read_frame(stmt: Select) -> pd.DataFrame:
    """Run a select on the request's database connection (its transaction, no new connection)."""
    return pd.read_sql(stmt, db.session.connection())


def _typed(frame: pd.DataFrame, dtypes: dict[str, str]) -> pd.DataFrame:
    frame = frame.reindex(columns=list(dtypes))
    return frame.astype(dtypes)


def empty_facts() -> pd.DataFrame:
    return _typed(pd.DataFrame(), FACT_DTYPES)


def facts(year: Period) -> pd.DataFrame:
    """Every fact source's counts for the year, one row per engagement/quarter/channel/language."""
    parts = [read_frame(source(year)) for source in _SOURCES]
    parts = [part for part in parts if not part.empty]
    if not parts:
        return empty_facts()
    frame = pd.concat(parts, ignore_index=True)
    for column in MEASURES:
        if column not in frame:
            frame[column] = 0
    frame[list(MEASURES)] = frame[list(MEASURES)].fillna(0).astype("int64")
    frame["channel"] = frame["channel"].fillna("").astype(str)
    frame["language"] = frame["language"].fillna("").astype(str)
    frame["quarter"] = frame["quarter"].astype("int64")
    frame = frame.groupby(list(KEYS), as_index=False, sort=True)[list(MEASURES)].sum()
    frame["participants"] = frame[list(PEOPLE)].sum(axis=1)
    return _typed(frame, FACT_DTYPES)


def engagements(year: Period, with_ids: list[int]) -> pd.DataFrame:
    """The engagements the year's records are about (see :func:`queries.engagements`)."""
    result = db.session.execute(queries.engagements(year, with_ids))
    frame = pd.DataFrame(result.mappings().all(), columns=list(ENGAGEMENT_DTYPES))
    for column in ("subscribers", "informed"):
        frame[column] = frame[column].fillna(0)
    return _typed(frame, ENGAGEMENT_DTYPES)


LINK_DTYPES = {"engagement_id": "int64", "focus_area_code": "object"}


def focus_links(plan: Plan) -> pd.DataFrame:
    return _typed(read_frame(queries.focus_area_links(plan.id)), LINK_DTYPES)


def focus_links_empty() -> pd.DataFrame:
    return _typed(pd.DataFrame(), LINK_DTYPES)


def plan_frame(plan: Plan) -> pd.DataFrame:
    """Goals and focus areas in the plan's order (titles are translated texts)."""
    result = db.session.execute(queries.plan_structure(plan))
    frame = pd.DataFrame(
        result.mappings().all(),
        columns=["goal_code", "goal_title", "focus_area_code", "focus_area_title"],
    )
    return frame.astype("object")


def departments_frame() -> pd.DataFrame:
    result = db.session.execute(queries.departments())
    return pd.DataFrame(result.mappings().all(), columns=["department_code", "name"]).astype(
        "object"
    )


def band_counts(year: Period, key: str) -> pd.DataFrame:
    frame = read_frame(queries.band_counts(year, key))
    return _typed(frame, {"engagement_id": "int64", "code": "object", "n": "int64"})


def population_frame() -> pd.DataFrame:
    frame = read_frame(queries.population())
    return _typed(
        frame, {"dimension": "object", "code": "object", "population": "int64", "year": "Int64"}
    )
