"""The results read side's DataFrames: ``pandas.read_sql`` of :mod:`queries` on the session.

A survey's counts are gathered into a :class:`Tally`. Every figure in it is a sum over responses,
so the tally of all responses is the tally of the older ones plus the tally of the new ones.
:func:`tally` keeps the last tallies in the process and, when responses have come in since, counts
only the new ones (a few index lookups) instead of every answer again. Each frame has fixed
columns and dtypes, also when no rows match, so the aggregations never special-case an empty
survey.
"""

from __future__ import annotations

import time
from collections import OrderedDict
from collections.abc import Callable, Hashable, Mapping, Sequence
from dataclasses import dataclass, field
from threading import Lock

import pandas as pd
from flask import current_app
from sqlalchemy import ColumnElement, Select

from app.extensions import db
from app.questionnaires import queries
from app.questionnaires.queries import Bounds
from app.questionnaires.spec import PageSpec


def read_frame(stmt: Select) -> pd.DataFrame:
    """Run a select on the request's database connection (its transaction, no new connection)."""
    return pd.read_sql(stmt, db.session.connection())


def _typed(frame: pd.DataFrame, dtypes: Mapping[str, str]) -> pd.DataFrame:
    frame = frame.reindex(columns=list(dtypes))
    return frame.astype(dict(dtypes))


#: Missing codes are empty strings, so grouping on them never drops rows.
COUNT_DTYPES = {
    "question_id": "int64",
    "row_code": "object",
    "option_code": "object",
    "rank": "Int64",
    "point": "Int64",
    "n": "int64",
}
VALUE_DTYPES = {"question_id": "int64", "number": "float64", "date": "object", "n": "int64"}
RESPONDENT_DTYPES = {"question_id": "int64", "answered": "int64", "substantive": "int64"}
HOUR_DTYPES = {"hour": "object", "n": "int64"}
FACET_DTYPES = {
    "channel": "object",
    "locale": "object",
    **dict.fromkeys(queries.BAND_KEYS, "object"),
    "n": "int64",
}


def _codes(frame: pd.DataFrame, columns: Sequence[str]) -> pd.DataFrame:
    for column in columns:
        frame[column] = frame[column].fillna("").astype(str)
    return frame


def answer_counts(
    question_ids: Sequence[int],
    point_ids: Sequence[int],
    where: Sequence[ColumnElement[bool]] | None,
    bounds: Bounds,
) -> pd.DataFrame:
    """Answer rows counted per (question, row, option, rank, scale point) code."""
    if not question_ids:
        return _typed(pd.DataFrame(), COUNT_DTYPES)
    frame = read_frame(queries.answer_counts(question_ids, point_ids, where, bounds))
    return _typed(_codes(frame, ("row_code", "option_code")), COUNT_DTYPES)


def value_counts(
    question_ids: Sequence[int], where: Sequence[ColumnElement[bool]] | None, bounds: Bounds
) -> pd.DataFrame:
    """Number and date answers counted per distinct value."""
    if not question_ids:
        return _typed(pd.DataFrame(), VALUE_DTYPES)
    frame = read_frame(queries.value_counts(question_ids, where, bounds))
    frame["number"] = pd.to_numeric(frame["number"], errors="coerce")
    frame["date"] = frame["date"].astype(object).where(frame["date"].notna(), None)
    return _typed(frame, VALUE_DTYPES)


def respondent_counts(
    question_ids: Sequence[int],
    cant_say: Mapping[int, Sequence[str]],
    where: Sequence[ColumnElement[bool]] | None,
    bounds: Bounds,
) -> pd.DataFrame:
    """Respondents (any answer / an answer other than "can't say") per multi-row question."""
    if not question_ids:
        return _typed(pd.DataFrame(), RESPONDENT_DTYPES)
    stmt = queries.respondent_counts(question_ids, cant_say, where, bounds)
    return _typed(read_frame(stmt), RESPONDENT_DTYPES)


def shown_counts(
    pages: Sequence[PageSpec],
    question_ids: Mapping[str, int],
    codes: Sequence[str],
    where: Sequence[ColumnElement[bool]],
    bounds: Bounds,
) -> tuple[int, dict[str, int]]:
    """(responses, question code → responses it was shown to) for the questions of ``codes``."""
    stmt, labels = queries.shown_counts(pages, question_ids, codes, where, bounds)
    row = db.session.execute(stmt).one()._mapping
    return int(row["total"] or 0), {code: int(row[label] or 0) for code, label in labels.items()}


def responses_by_hour(where: Sequence[ColumnElement[bool]], bounds: Bounds) -> pd.DataFrame:
    """Responses per UTC hour (``hour`` as ``YYYY-MM-DD HH`` text, ``n``)."""
    frame = read_frame(queries.responses_by_hour(where, bounds))
    return _typed(frame.astype({"hour": str}), HOUR_DTYPES)


def facets(engagement_id: int, bounds: Bounds) -> pd.DataFrame:
    """Responses per channel, language and band combination; missing bands are empty strings."""
    frame = read_frame(queries.facets(engagement_id, bounds))
    return _typed(_codes(frame, ("channel", "locale", *queries.BAND_KEYS)), FACET_DTYPES)


def hidden_counts(question_ids: Sequence[int]) -> pd.DataFrame:
    """Hidden written answers per (question, option code); only the residents' page needs them."""
    dtypes = {"question_id": "int64", "option_code": "object", "hidden": "int64"}
    if not question_ids:
        return _typed(pd.DataFrame(), dtypes)
    frame = read_frame(queries.hidden_counts(question_ids))
    return _typed(_codes(frame, ("option_code",)), dtypes)


def text_answers(
    question_id: int,
    where: Sequence[ColumnElement[bool]],
    public: bool,
    limit: int,
    offset: int = 0,
) -> list[dict]:
    """One page of written answers as plain dicts (a page is small: no DataFrame needed)."""
    rows = db.session.execute(queries.text_answers(question_id, where, public, limit, offset))
    return [dict(row._mapping) for row in rows]


def text_count(question_id: int, where: Sequence[ColumnElement[bool]], public: bool) -> int:
    return int(db.session.scalar(queries.text_count(question_id, where, public)) or 0)


# --- the tally and its cache ---------------------------------------------------------------


@dataclass
class Tally:
    """Everything counted for a set of responses; two tallies of disjoint sets add up."""

    #: Responses counted.
    total: int = 0
    counts: pd.DataFrame = field(default_factory=lambda: _typed(pd.DataFrame(), COUNT_DTYPES))
    values: pd.DataFrame = field(default_factory=lambda: _typed(pd.DataFrame(), VALUE_DTYPES))
    respondents: pd.DataFrame = field(
        default_factory=lambda: _typed(pd.DataFrame(), RESPONDENT_DTYPES)
    )
    #: Question code → responses it was shown to (questions whose conditions SQL evaluated).
    shown: dict[str, int] = field(default_factory=dict)
    hours: pd.DataFrame = field(default_factory=lambda: _typed(pd.DataFrame(), HOUR_DTYPES))
    facets: pd.DataFrame = field(default_factory=lambda: _typed(pd.DataFrame(), FACET_DTYPES))

    def __add__(self, other: Tally) -> Tally:
        def added(
            mine: pd.DataFrame, theirs: pd.DataFrame, dtypes: Mapping[str, str]
        ) -> pd.DataFrame:
            if theirs.empty:
                return mine
            if mine.empty:
                return theirs
            keys = [column for column in dtypes if column not in _SUMMED]
            both = pd.concat([mine, theirs], ignore_index=True)
            summed = both.groupby(keys, as_index=False, dropna=False, sort=False).sum()
            return _typed(summed, dtypes)

        return Tally(
            total=self.total + other.total,
            counts=added(self.counts, other.counts, COUNT_DTYPES),
            values=added(self.values, other.values, VALUE_DTYPES),
            respondents=added(self.respondents, other.respondents, RESPONDENT_DTYPES),
            shown={
                code: self.shown.get(code, 0) + other.shown.get(code, 0)
                for code in {*self.shown, *other.shown}
            },
            hours=added(self.hours, other.hours, HOUR_DTYPES),
            facets=added(self.facets, other.facets, FACET_DTYPES),
        )


_SUMMED = {"n", "answered", "substantive"}


@dataclass
class _Entry:
    #: Responses counted and the newest one's id: the tally covers ids up to ``newest``.
    count: int
    newest: int
    tally: Tally
    created: float


class TallyCache:
    """The last tallies of this process, by key; an app keeps one (``app.extensions``).

    An entry is reused while the engagement's responses are the same (count and newest id); when
    new responses have come in and none were removed, only the new ones are counted and added.
    Changes that keep the count and the newest id (none in the app today) are picked up when the
    entry is older than ``max_age`` seconds.
    """

    def __init__(self, size: int = 64, max_age: float = 1800.0) -> None:
        self.size = size
        self.max_age = max_age
        self._entries: OrderedDict[Hashable, _Entry] = OrderedDict()
        self._lock = Lock()

    def get(
        self, key: Hashable, engagement_id: int, count_slice: Callable[[Bounds], Tally]
    ) -> Tally:
        count, newest = db.session.execute(queries.fingerprint(engagement_id)).one()
        count, newest = int(count or 0), int(newest or 0)
        with self._lock:
            entry = self._entries.get(key)
        now = time.monotonic()
        if entry is not None and now - entry.created < self.max_age:
            if entry.count == count and entry.newest == newest:
                return entry.tally
            if newest > entry.newest:
                added = db.session.scalar(
                    queries.responses_since(engagement_id, entry.newest, newest)
                )
                if entry.count + int(added or 0) == count:
                    tally = entry.tally + count_slice((entry.newest, newest))
                    self._store(key, _Entry(count, newest, tally, entry.created))
                    return tally
        tally = count_slice((None, newest))
        self._store(key, _Entry(count, newest, tally, now))
        return tally

    def _store(self, key: Hashable, entry: _Entry) -> None:
        with self._lock:
            self._entries[key] = entry
            self._entries.move_to_end(key)
            while len(self._entries) > self.size:
                self._entries.popitem(last=False)

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()


def tally_cache() -> TallyCache:
    """This app's cache of tallies (made on first use)."""
    return current_app.extensions.setdefault("results_tallies", TallyCache())
