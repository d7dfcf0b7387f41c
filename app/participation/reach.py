"""Reach: who took part compared with the population (age bands and postal areas).

The coordinator uploads the population table as CSV (:mod:`population`); participants are the
responses whose respondent answered the optional background questions, in the engagements the
year's records count (published ones). Groups smaller than the minimum size are suppressed (their
count and share are not shown), never dropped.

The rules, in words:

- A group's *participant share* is its responses divided by the responses that answered that
  background question; its *population share* is its population divided by the table's total for
  that dimension. Their ratio is 1 when the group took part as much as its size implies.
- A group is *under-represented* when its population is known and the ratio is below
  ``REACH_UNDER_REPRESENTED`` (0.5: the group's share of participants is less than half its share
  of the population). A group nobody from took part (0) is shown and flagged: 0 reveals nobody.
- A group with 1 to minimum − 1 responses is *suppressed*: its count, share and ratio are not
  shown. Each dimension's groups add up to the number shown as "answered", so when only one group
  is suppressed the next smallest is withheld too (as on published survey results), or the hidden
  count could be worked out by subtraction.
- A hidden group is still flagged when even the largest count it could have (minimum − 1 for a
  suppressed group, what the shown figures leave for a withheld one) is under-represented: the
  flag then tells nothing the shown figures do not.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import pandas as pd
from flask import current_app
from flask_babel import force_locale

from app.engagements import background
from app.participation import frames
from app.participation.queries import period
from app.questionnaires.aggregations import suppression_mask

#: Background questions the reach compares: ``Submission.demographics`` keys.
DIMENSIONS: tuple[str, ...] = ("age", "area")
#: Used when the app has no ``RESULTS_MIN_GROUP_SIZE`` setting.
DEFAULT_MIN_GROUP_SIZE = 5
#: Used when the app has no ``REACH_UNDER_REPRESENTED`` setting.
DEFAULT_THRESHOLD = 0.5


@dataclass(frozen=True)
class ReachGroup:
    dimension: str
    code: str
    label: str
    #: People in the group (population table); None when the table has no row for it.
    population: int | None
    population_share: float | None
    #: Responses from the group; None when suppressed (fewer than the minimum size).
    participants: int | None
    participant_share: float | None
    suppressed: bool
    #: participant_share / population_share; None when either is unknown or suppressed.
    ratio: float | None
    #: The group's share of participants is well below its share of the population.
    under_represented: bool
    #: Suppressed although it has at least the minimum size: it is the next smallest group
    #: beside a lone suppressed one, whose count subtraction would otherwise reveal.
    withheld: bool = False


@dataclass(frozen=True)
class Reach:
    year: int
    min_group_size: int
    #: A ratio below this flags a group as under-represented.
    threshold: float
    has_population: bool
    population_year: int | None
    #: Per dimension: responses whose respondent answered that background question.
    answered: dict[str, int]
    groups: tuple[ReachGroup, ...]
    #: All responses of the year in the engagements counted, background answered or not.
    responses: int = 0

    def of(self, dimension: str) -> tuple[ReachGroup, ...]:
        return tuple(group for group in self.groups if group.dimension == dimension)

    def has_population_for(self, dimension: str) -> bool:
        """Whether the population table has rows for this dimension."""
        return any(group.population is not None for group in self.of(dimension))

    def largest_share(self, dimension: str) -> float:
        """The largest share shown for the dimension: the bars' full length."""
        shares = [
            share
            for group in self.of(dimension)
            for share in (group.population_share, group.participant_share)
            if share is not None
        ]
        return max(shares, default=0.0)


def settings() -> tuple[int, float]:
    """(minimum group size, under-representation threshold) from the app's config."""
    config = current_app.config
    return (
        int(config.get("RESULTS_MIN_GROUP_SIZE", DEFAULT_MIN_GROUP_SIZE)),
        float(config.get("REACH_UNDER_REPRESENTED", DEFAULT_THRESHOLD)),
    )


def _order(dimension: str, codes: set[str]) -> list[str]:
    """The background question's order (postal areas as configured, "outside" last), then the
    codes it does not know (an area removed from the settings), sorted."""
    known = [code for code, _label in background.options(dimension)]
    return [code for code in known if code in codes] + sorted(codes - set(known))


def compare(
    counts: pd.Series, population: pd.Series, order: list[str], minimum: int, threshold: float
) -> pd.DataFrame:
    """One dimension's comparison, one row per code of ``order`` (index: code).

    ``counts`` are responses per code (absent = 0), ``population`` people per code (absent =
    unknown). Columns: population, population_share, participants, participant_share, ratio,
    suppressed, withheld, under_represented; unknown and hidden figures are NaN.
    """
    frame = pd.DataFrame(index=pd.Index(order, name="code", dtype="object"))
    frame["population"] = population.reindex(frame.index).astype("float64")
    frame["participants"] = counts.reindex(frame.index).fillna(0).astype("int64")
    pop_total = float(population.sum())
    answered = int(counts.sum())
    frame["population_share"] = frame["population"] / pop_total if pop_total else math.nan
    known_share = frame["population_share"].where(frame["population_share"] > 0)
    frame["participant_share"] = frame["participants"] / answered if answered else math.nan
    frame["ratio"] = frame["participant_share"] / known_share

    hidden = suppression_mask(frame["participants"], minimum, complementary=True)
    small = (frame["participants"] > 0) & (frame["participants"] < minimum)
    frame["suppressed"] = hidden
    frame["withheld"] = hidden & ~small
    # The most a hidden group can have, judging from the figures that are shown.
    left_over = answered - int(frame.loc[~hidden, "participants"].sum())
    most = pd.Series(minimum - 1, index=frame.index, dtype="int64")
    most[frame["withheld"]] = left_over - int(small.sum())
    counted = frame["participants"].where(~hidden, most)
    worst_ratio = (counted / answered if answered else math.nan) / known_share
    # Comparisons with NaN (unknown population or nobody answered) are False: not flagged.
    frame["under_represented"] = (known_share > 0) & (worst_ratio < threshold)
    frame["participants"] = frame["participants"].astype("float64")
    frame.loc[hidden, ["participants", "participant_share", "ratio"]] = math.nan
    return frame


def _optional(value: object) -> float | None:
    return None if value is None or pd.isna(value) else float(value)


def build(year: int, locale: str) -> Reach:
    """Who took part in ``year`` compared with the population, labels in ``locale``."""
    minimum, threshold = settings()
    the_year = period(year)
    facts = frames.facts(the_year)
    engagements = frames.engagements(the_year, sorted(set(facts["engagement_id"].tolist())))
    counted_ids = set(engagements["engagement_id"].tolist())
    responses = int(facts.loc[facts["engagement_id"].isin(counted_ids), "responses"].sum())

    table = frames.population_frame()
    years = table["year"].dropna()
    groups: list[ReachGroup] = []
    answered: dict[str, int] = {}
    with force_locale(locale):
        for dimension in DIMENSIONS:
            bands = frames.band_counts(the_year, dimension)
            bands = bands[bands["engagement_id"].isin(counted_ids)]
            counts = bands.groupby("code")["n"].sum()
            answered[dimension] = int(counts.sum())
            people = table[table["dimension"] == dimension].set_index("code")["population"]
            # Population groups always show; answered groups when someone is in them.
            codes = set(people.index) | set(counts[counts > 0].index)
            compared = compare(counts, people, _order(dimension, codes), minimum, threshold)
            for code, row in compared.iterrows():
                participants = _optional(row["participants"])
                population_value = _optional(row["population"])
                groups.append(
                    ReachGroup(
                        dimension=dimension,
                        code=str(code),
                        label=background.label(dimension, str(code)),
                        population=None if population_value is None else int(population_value),
                        population_share=_optional(row["population_share"]),
                        participants=None if participants is None else int(participants),
                        participant_share=_optional(row["participant_share"]),
                        suppressed=bool(row["suppressed"]),
                        ratio=_optional(row["ratio"]),
                        under_represented=bool(row["under_represented"]),
                        withheld=bool(row["withheld"]),
                    )
                )
    return Reach(
        year=year,
        min_group_size=minimum,
        threshold=threshold,
        has_population=not table.empty,
        population_year=int(years.max()) if len(years) else None,
        answered=answered,
        groups=tuple(groups),
        responses=responses,
    )
