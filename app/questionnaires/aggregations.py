"""Pure DataFrame functions of the results read side, grouped on codes (labels come last).

The input frames come from :mod:`app.questionnaires.frames`: answer rows already counted in the
database per (question, row, option, rank, number, date). Nothing here touches the database, so
every function is tested with small hand-built frames.
"""

from __future__ import annotations

import math
from datetime import date, timedelta

import numpy as np
import pandas as pd

#: The bare, unfiltered count of a group; code columns are strings ("" = none).
KEYS = ["question_id", "row_code", "option_code"]


def choice_counts(counts: pd.DataFrame) -> pd.DataFrame:
    """Answers per (question, row, option code): choices, yes/no, can't say, matrix can't say.

    Ranks are left out (see :func:`rank_summary`): a ranked option is not a choice count.
    """
    chosen = counts[(counts["option_code"] != "") & counts["rank"].isna()]
    return chosen.groupby(KEYS, as_index=False, sort=True)["n"].sum()


def point_counts(counts: pd.DataFrame) -> pd.DataFrame:
    """Answers per (question, row, scale point): scales, 0–10 ratings and matrix cells."""
    pointed = counts[counts["point"].notna()]
    grouped = pointed.groupby(["question_id", "row_code", "point"], as_index=False, sort=True)
    summed = grouped["n"].sum().rename(columns={"point": "value"})
    return summed.astype({"value": "float64"})


def number_counts(values: pd.DataFrame) -> pd.DataFrame:
    """Answers per (question, number) of number questions, shaped like :func:`point_counts`."""
    numbered = values[values["number"].notna()]
    grouped = numbered.groupby(["question_id", "number"], as_index=False, sort=True)["n"].sum()
    frame = grouped.rename(columns={"number": "value"})
    frame.insert(1, "row_code", "")
    return frame.astype({"value": "float64"})


def weighted_median(values: np.ndarray, weights: np.ndarray) -> float:
    """The median of values repeated ``weights`` times (the mean of the middle two if even)."""
    order = np.argsort(values, kind="stable")
    ordered, cumulative = values[order], np.cumsum(weights[order])
    total = int(cumulative[-1]) if len(cumulative) else 0
    if total == 0:
        return math.nan

    def at(position: int) -> float:
        return float(ordered[np.searchsorted(cumulative, position, side="right")])

    return (at((total - 1) // 2) + at(total // 2)) / 2


def value_summary(values: pd.DataFrame) -> pd.DataFrame:
    """Per (question, row): answers ``n``, ``mean``, ``median``, ``minimum`` and ``maximum``."""
    columns = ["question_id", "row_code", "n", "mean", "median", "minimum", "maximum"]
    rows = []
    for (question_id, row_code), group in values.groupby(["question_id", "row_code"], sort=True):
        numbers = group["value"].to_numpy(dtype=float)
        weights = group["n"].to_numpy(dtype=float)
        n = int(weights.sum())
        rows.append(
            {
                "question_id": question_id,
                "row_code": row_code,
                "n": n,
                "mean": float((numbers * weights).sum() / n) if n else math.nan,
                "median": weighted_median(numbers, weights),
                "minimum": float(numbers.min()),
                "maximum": float(numbers.max()),
            }
        )
    frame = pd.DataFrame(rows, columns=columns)
    return frame.astype({"question_id": "int64", "n": "int64"})


def rank_summary(counts: pd.DataFrame) -> pd.DataFrame:
    """Per (question, option): how many ranked it, its mean rank and how many put it first."""
    ranked = counts[counts["rank"].notna()].copy()
    ranked["rank"] = ranked["rank"].astype("int64")
    ranked["weighted"] = ranked["rank"] * ranked["n"]
    ranked["first"] = ranked["n"].where(ranked["rank"] == 1, 0)
    grouped = ranked.groupby(["question_id", "option_code"], as_index=False, sort=True)
    summary = grouped[["n", "weighted", "first"]].sum().rename(columns={"n": "ranked"})
    summary["mean_rank"] = summary["weighted"] / summary["ranked"]
    return summary[["question_id", "option_code", "ranked", "mean_rank", "first"]].astype(
        {"ranked": "int64", "first": "int64"}
    )


def date_summary(values: pd.DataFrame) -> pd.DataFrame:
    """Per question: dates given ``n``, the ``first`` and the ``last``."""
    dated = values[values["date"].notna()]
    rows = [
        {
            "question_id": question_id,
            "n": int(group["n"].sum()),
            "first": min(group["date"]),
            "last": max(group["date"]),
        }
        for question_id, group in dated.groupby("question_id", sort=True)
    ]
    return pd.DataFrame(rows, columns=["question_id", "n", "first", "last"])


def ranking_respondents(counts: pd.DataFrame) -> pd.DataFrame:
    """Respondents per ranking question: everyone who ranked anything gave exactly one rank 1.

    (Ranks are stored 1, 2, 3… without gaps; see types.Ranking.)
    """
    first = counts[counts["rank"].notna() & (counts["rank"] == 1)]
    grouped = first.groupby("question_id", as_index=False, sort=True)["n"].sum()
    return pd.DataFrame(
        {
            "question_id": grouped["question_id"].astype("int64"),
            "answered": grouped["n"].astype("int64"),
            "substantive": grouped["n"].astype("int64"),
        }
    )


def question_totals(
    rows: pd.DataFrame, respondents: pd.DataFrame, cant_say: pd.DataFrame
) -> pd.DataFrame:
    """Per question: ``answered``, ``cant_say`` and the ``base`` of shares (answered − can't say).

    ``rows`` counts answer rows per (question_id, option_code) of questions stored in one row per
    response; ``respondents`` gives the others (multiple choice, matrix, ranking) directly.
    ``cant_say`` lists the (question_id, option_code) pairs of "can't say" options.
    """
    single = rows[~rows["question_id"].isin(respondents["question_id"])]
    answered = single.groupby("question_id")["n"].sum()
    flagged = single.merge(cant_say, on=["question_id", "option_code"], how="inner")
    said_cant = flagged.groupby("question_id")["n"].sum().reindex(answered.index, fill_value=0)
    totals = pd.DataFrame(
        {"answered": answered, "cant_say": said_cant, "base": answered - said_cant}
    ).reset_index()
    multi = pd.DataFrame(
        {
            "question_id": respondents["question_id"],
            "answered": respondents["answered"],
            "cant_say": respondents["answered"] - respondents["substantive"],
            "base": respondents["substantive"],
        }
    )
    frames = [frame for frame in (totals, multi) if not frame.empty]
    columns = ("question_id", "answered", "cant_say", "base")
    if not frames:
        return pd.DataFrame({name: pd.Series(dtype="int64") for name in columns})
    result = pd.concat(frames, ignore_index=True)
    return result.astype("int64").sort_values("question_id", ignore_index=True)


def shares(counts: pd.Series, base: int | pd.Series) -> pd.Series:
    """Counts as fractions of the base; NaN where the base is zero."""
    base_values = base if isinstance(base, pd.Series) else pd.Series(base, index=counts.index)
    return counts.astype(float) / base_values.where(base_values > 0)


def suppression_mask(counts: pd.Series, minimum: int, complementary: bool = False) -> pd.Series:
    """True for counts that must not be published: 1 to ``minimum`` − 1 (zero is harmless).

    With ``complementary`` (categories that add up to a published total), a lone suppressed count
    could be worked out by subtraction, so the next smallest count is suppressed as well.
    """
    small = (counts > 0) & (counts < minimum)
    if complementary and int(small.sum()) == 1:
        others = counts[~small & (counts > 0)]
        if not others.empty:
            small.loc[others.idxmin()] = True
    return small


def bins(values: pd.DataFrame, max_bins: int = 10) -> pd.DataFrame:
    """A distribution of number answers in at most ``max_bins`` equal ranges: low, high, n.

    ``values`` has columns ``value`` and ``n``. Whole numbers get ranges of whole numbers with
    inclusive ends ("10–19"); other numbers equal-width ranges, the last one closed.
    """
    columns = ["low", "high", "n"]
    if values.empty:
        return pd.DataFrame(columns=columns)
    numbers = values["value"].to_numpy(dtype=float)
    low, high = float(numbers.min()), float(numbers.max())
    whole = bool(np.all(np.equal(np.mod(numbers, 1), 0)))
    if whole:
        width = max(1, math.ceil((high - low + 1) / max_bins))
        index = ((numbers - low) // width).astype(int)
        count = int(index.max()) + 1
        lows = low + width * np.arange(count)
        highs = lows + width - 1
    else:
        count = max_bins if high > low else 1
        width = (high - low) / count if high > low else 1.0
        index = np.minimum(((numbers - low) // width).astype(int), count - 1)
        lows = low + width * np.arange(count)
        highs = lows + width
    sums = np.bincount(index, weights=values["n"].to_numpy(dtype=float), minlength=count)
    return pd.DataFrame({"low": lows, "high": highs, "n": sums.astype("int64")})


def responses_by_period(
    hours: pd.DataFrame, timezone: str, max_days: int = 62
) -> tuple[str, pd.DataFrame]:
    """Responses per local day (or per week starting Monday when the span is long).

    ``hours`` has tz-aware UTC ``hour`` timestamps and counts ``n``. Days without responses are
    kept with zero, so a gap in the timeline shows. Returns ("day" | "week", frame of start, n).
    """
    if hours.empty:
        return "day", pd.DataFrame(
            {"start": pd.Series(dtype=object), "n": pd.Series(dtype="int64")}
        )
    local_days = hours["hour"].dt.tz_convert(timezone).dt.date
    per_day = hours["n"].groupby(local_days.to_numpy()).sum()
    first, last = min(per_day.index), max(per_day.index)
    period = "day" if (last - first).days < max_days else "week"
    if period == "week":
        starts = [day - timedelta(days=day.weekday()) for day in per_day.index]
        per_day = per_day.groupby(starts).sum()
        first, last = min(per_day.index), max(per_day.index)
    step = timedelta(days=1 if period == "day" else 7)
    every: list[date] = []
    current = first
    while current <= last:
        every.append(current)
        current += step
    filled = per_day.reindex(every, fill_value=0)
    frame = pd.DataFrame({"start": list(filled.index), "n": filled.to_numpy(dtype="int64")})
    return period, frame


def facet_values(facets: pd.DataFrame, column: str) -> pd.DataFrame:
    """Distinct non-empty values of one facet column with their response counts, biggest first."""
    given = facets[facets[column] != ""]
    grouped = given.groupby(column, as_index=False)["n"].sum()
    return grouped.sort_values(["n", column], ascending=[False, True], ignore_index=True).rename(
        columns={column: "value"}
    )
