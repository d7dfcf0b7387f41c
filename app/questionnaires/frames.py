"""The results read side's DataFrames: ``pandas.read_sql`` of :mod:`queries` on the session.

A survey's counts are gathered into a :class:`Tally`. Every figure in it is a sum over responses,
so the tally of all responses is the tally of the older ones plus the tally of the new ones.
:func:`tally` keeps the last tallies in the process and, when responses have come in since, counts
only the new ones (a few index lookups) instead of every answer again. Each frame has fixed
columns and dtypes, also when no rows match, so the aggregations never special-case an empty
survey.
"""

from __future__ import annotations

import json
import time
from collections import OrderedDict
from collections.abc import Callable, Hashable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from threading import Lock
from typing import Any

import pandas as pd
from flask import current_app
from sqlalchemy import ColumnElement, Select, delete, select
from sqlalchemy.exc import IntegrityError

from app.extensions import db
from app.questionnaires import queries
from app.questionnaires.models import ResultTally
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
    bands = pd.DataFrame(
        [_bands(text) for text in frame["demographics"]],
        columns=list(queries.BAND_KEYS),
        index=frame.index,
        dtype=object,
    )
    frame = pd.concat([frame.drop(columns="demographics"), bands], axis=1)
    frame = _codes(frame, ("channel", "locale", *queries.BAND_KEYS))
    keys = ["channel", "locale", *queries.BAND_KEYS]
    # Texts that differ only in key order or spacing are the same bands.
    frame = frame.groupby(keys, as_index=False, sort=False)["n"].sum()
    return _typed(frame, FACET_DTYPES)


def _bands(text: str | None) -> tuple[str, ...]:
    """The band codes in a stored ``Submission.demographics`` text ("" when not given)."""
    try:
        data = json.loads(text) if text else {}
    except ValueError:
        data = {}
    if not isinstance(data, dict):
        data = {}
    return tuple(_band_text(data.get(key)) for key in queries.BAND_KEYS)


def _band_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    return json.dumps(value)


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
        self,
        key: Hashable,
        engagement_id: int,
        count_slice: Callable[[Bounds], Tally],
        stored: str | None = None,
    ) -> Tally:
        """The tally of ``key``; with ``stored`` (a :class:`ResultTally` key) also kept in the
        database, so the first view in a new process starts from it instead of from nothing."""
        count, newest = db.session.execute(queries.fingerprint(engagement_id)).one()
        count, newest = int(count or 0), int(newest or 0)
        with self._lock:
            entry = self._entries.get(key)
        now = time.monotonic()
        if entry is None or now - entry.created >= self.max_age:
            entry = _load(stored, now) if stored else None
        if entry is not None:
            if entry.count == count and entry.newest == newest:
                self._store(key, entry)
                return entry.tally
            if newest > entry.newest:
                added = db.session.scalar(
                    queries.responses_since(engagement_id, entry.newest, newest)
                )
                if entry.count + int(added or 0) == count:
                    tally = entry.tally + count_slice((entry.newest, newest))
                    self._store(key, _Entry(count, newest, tally, entry.created))
                    _save(stored, engagement_id, count, newest, tally)
                    return tally
        tally = count_slice((None, newest))
        self._store(key, _Entry(count, newest, tally, now))
        _save(stored, engagement_id, count, newest, tally)
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

    def entry_keys(self) -> list[Hashable]:
        with self._lock:
            return list(self._entries)

    def drop(self, key: Hashable) -> None:
        with self._lock:
            self._entries.pop(key, None)


# --- tallies kept in the database (result_tallies) ----------------------------------------

_FRAMES: dict[str, Mapping[str, str]] = {
    "counts": COUNT_DTYPES,
    "values": VALUE_DTYPES,
    "respondents": RESPONDENT_DTYPES,
    "hours": HOUR_DTYPES,
    "facets": FACET_DTYPES,
}


def _plain(value: Any) -> Any:
    if value is None or value is pd.NA or (isinstance(value, float) and value != value):
        return None
    if isinstance(value, date):
        return value.isoformat()
    if hasattr(value, "item"):  # numpy scalars
        return value.item()
    return value


def encode_tally(tally: Tally) -> str:
    """A tally as JSON: each frame's rows as lists in its fixed column order."""
    data: dict[str, Any] = {"total": tally.total, "shown": tally.shown}
    for name in _FRAMES:
        frame: pd.DataFrame = getattr(tally, name)
        data[name] = [[_plain(value) for value in row] for row in frame.itertuples(index=False)]
    return json.dumps(data, separators=(",", ":"))


def decode_tally(text: str) -> Tally:
    """The tally :func:`encode_tally` wrote, with every frame's dtypes as counted."""
    data = json.loads(text)
    frames: dict[str, pd.DataFrame] = {}
    for name, dtypes in _FRAMES.items():
        frame = pd.DataFrame(data.get(name) or [], columns=list(dtypes))
        if name == "values":
            frame["date"] = [
                date.fromisoformat(value) if isinstance(value, str) else None
                for value in frame["date"]
            ]
        frames[name] = _typed(frame, dtypes)
    return Tally(
        total=int(data["total"]),
        shown={str(code): int(n) for code, n in (data.get("shown") or {}).items()},
        **frames,
    )


def _load(stored: str, now: float) -> _Entry | None:
    row = db.session.get(ResultTally, stored)
    if row is None:
        return None
    try:
        tally = decode_tally(row.data)
    except (ValueError, KeyError, TypeError):
        return None  # written by another version of this code: count again
    return _Entry(row.count, row.newest, tally, now)


def _save(stored: str | None, engagement_id: int, count: int, newest: int, tally: Tally) -> None:
    """Keep the tally in the database, in its own commit when the session has nothing else.

    The results views only read, so the session is normally clean; when a caller has changes
    pending the tally is not kept this time (the next view keeps it).
    """
    session = db.session
    if not stored or session.new or session.dirty or session.deleted:
        return
    try:
        session.execute(delete(ResultTally).where(ResultTally.key == stored))
        session.add(
            ResultTally(
                key=stored,
                engagement_id=engagement_id,
                count=count,
                newest=newest,
                data=encode_tally(tally),
            )
        )
        session.commit()
    except IntegrityError:  # another process kept the same tally at the same moment
        session.rollback()


def forget_tallies(engagement_id: int) -> None:
    """Drop an engagement's kept tallies (call it when answers change in place). Flushes."""
    for key in [k for k in tally_cache().entry_keys() if _engagement_of(k) == engagement_id]:
        tally_cache().drop(key)
    db.session.execute(delete(ResultTally).where(ResultTally.engagement_id == engagement_id))


def _engagement_of(key: Hashable) -> int | None:
    return key[1] if isinstance(key, tuple) and len(key) > 1 else None


def stored_tallies(engagement_id: int) -> list[ResultTally]:
    return list(
        db.session.scalars(select(ResultTally).where(ResultTally.engagement_id == engagement_id))
    )


def tally_cache() -> TallyCache:
    """This app's cache of tallies (made on first use)."""
    return current_app.extensions.setdefault("results_tallies", TallyCache())
