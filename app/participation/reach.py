"""Reach: who took part compared with the population (age bands and postal areas).

The coordinator uploads the population table as CSV; participants are the responses whose
respondent answered the optional background questions. Groups smaller than the minimum size are
suppressed (their count and share are not shown), never dropped.

TODO(helper): build() and the population upload are filled in by the reach work.
"""

from __future__ import annotations

from dataclasses import dataclass

#: Background questions the reach compares: ``Submission.demographics`` keys.
DIMENSIONS: tuple[str, ...] = ("age", "area")


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

    def of(self, dimension: str) -> tuple[ReachGroup, ...]:
        return tuple(group for group in self.groups if group.dimension == dimension)
