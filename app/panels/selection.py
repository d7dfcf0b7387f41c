"""The selection lottery for customer panels: stratified random selection with ranked reserves.

How a draw works, in plain words:

1. **Everyone gets a place in a random order.** The applicants are first put in order of their
   id (so the order they were handed in does not matter) and then shuffled with the run's seed.
   The seed is stored with the run: the same pool, quotas, seat count and seed always give the
   same panel, so anyone can repeat the draw and check it.
2. **Seats are filled one at a time by need.** For each seat we look at what the panel still
   lacks. An applicant scores one point for every quota dimension (age, area, language...) where
   their group is still below its target, and loses one point for every dimension where their
   group has already reached its target. A dimension where they said nothing, or where their
   group has no target, counts zero. Every dimension weighs the same. The applicant with the
   most points gets the seat; when several have the same points, the one who comes first in the
   random order wins. Nothing else (not the id, not the time of applying) decides. Seats are
   filled while anyone is left, even if the only people left put a group over its target: a
   full panel comes first, and the report shows the excess.
3. **Then we check for better swaps.** Filling one seat at a time can leave the panel short
   where a single exchange would help (for example, two people who each cover one missing group
   instead of one who covers both). If swapping one chosen person for one applicant left out
   brings the panel closer to the targets, the swap is made; ties again go by the random order.
4. **Reserves are ranked the same way.** The remaining applicants are ranked by continuing step
   2 as if there were more seats: reserve 1 is who would best fill what the panel still lacks.
5. **A decline is filled from the reserves** with the reserve who best keeps the quotas of the
   panel without the person who declined (usually someone from the same groups); ties go to the
   better-ranked reserve.

Why this is fair: two applicants in the same *stratum* (the same answers on every quota
dimension) always get the same points, so only the random order tells them apart. Each of them
is therefore equally likely to be chosen. Answers on dimensions without quotas play no part.

The report lists, per dimension and group, the target, how many applied (the pool), how many
were chosen and the deviation (chosen minus target). The total deviation adds up how far every
group with a target is from it (both short and over); 0 means every target was met exactly.

This module is pure Python: no database, no Flask. ``to_dict()`` gives JSON-ready data for the
``selection_runs`` record.
"""

from __future__ import annotations

import random
from bisect import insort
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

#: Per quota dimension, the target number of seats per category: {"age": {"18-29": 3}, ...}.
Quotas = Mapping[str, Mapping[str, int]]

#: A stratum: the applicant's category on each quota dimension, in quota order (None = not said).
_Stratum = tuple[str | None, ...]


class SelectionError(Exception):
    """The draw cannot be made; ``reason`` is ``no_seats``, ``negative_reserves``,
    ``negative_target``, ``unknown_dimension``, ``duplicate_applicant`` or ``unknown_applicant``.
    """

    def __init__(self, reason: str, detail: str | None = None) -> None:
        super().__init__(reason if detail is None else f"{reason}: {detail}")
        self.reason = reason
        self.detail = detail


@dataclass(frozen=True)
class Applicant:
    """One person in the pool: the application id and banded background answers
    (``{"age": "18-29", "language": "fi"}``); a missing or empty band means "not said"."""

    id: int
    bands: Mapping[str, str | None] = field(default_factory=dict)

    def band(self, dimension: str) -> str | None:
        """The applicant's category on ``dimension``, or None when not said."""
        value = self.bands.get(dimension)
        return value if value else None

    def to_dict(self) -> dict[str, Any]:
        """``{"id": ..., "bands": {...}}`` with only the bands that were said."""
        return {"id": self.id, "bands": {k: v for k, v in self.bands.items() if v}}

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Applicant:
        """The inverse of :meth:`to_dict` (for repeating a stored run)."""
        return cls(int(data["id"]), dict(data.get("bands") or {}))


@dataclass(frozen=True)
class CategoryReport:
    """One group of one dimension. ``category`` None is "not said"; ``target`` and
    ``deviation`` are None for groups without a target."""

    category: str | None
    target: int | None
    pool: int
    selected: int
    deviation: int | None

    def to_dict(self) -> dict[str, Any]:
        return {
            "category": self.category,
            "target": self.target,
            "pool": self.pool,
            "selected": self.selected,
            "deviation": self.deviation,
        }


@dataclass(frozen=True)
class DimensionReport:
    """One quota dimension: its groups (quota order, then other groups seen in the pool, then
    "not said") and its deviation, the sum of the groups' absolute deviations."""

    dimension: str
    categories: tuple[CategoryReport, ...]
    deviation: int

    def category(self, name: str | None) -> CategoryReport:
        """The row for ``name`` (None for "not said"); KeyError if the dimension has none."""
        for row in self.categories:
            if row.category == name:
                return row
        raise KeyError(name)

    def to_dict(self) -> dict[str, Any]:
        return {
            "dimension": self.dimension,
            "categories": [row.to_dict() for row in self.categories],
            "deviation": self.deviation,
        }


@dataclass(frozen=True)
class Report:
    """Targets vs. pool vs. selected for a panel, and how far it is from the targets."""

    seats: int
    pool: int
    selected: int
    dimensions: tuple[DimensionReport, ...]
    total_deviation: int

    def dimension(self, name: str) -> DimensionReport:
        """The report of quota dimension ``name``; KeyError if there is none."""
        for dim in self.dimensions:
            if dim.dimension == name:
                return dim
        raise KeyError(name)

    def to_dict(self) -> dict[str, Any]:
        return {
            "seats": self.seats,
            "pool": self.pool,
            "selected": self.selected,
            "dimensions": [dim.to_dict() for dim in self.dimensions],
            "total_deviation": self.total_deviation,
        }


@dataclass(frozen=True)
class Draw:
    """The result of one draw: who was chosen (in the order drawn), the ranked reserves
    (reserve 1 first) and the report; plus the inputs needed to repeat it."""

    seed: int
    seats: int
    quotas: dict[str, dict[str, int]]
    #: The pool in id order.
    pool: tuple[Applicant, ...]
    selected: tuple[int, ...]
    reserves: tuple[int, ...]
    report: Report

    def to_dict(self) -> dict[str, Any]:
        """The result as stored in ``selection_runs.result``:
        ``{"selected": [...], "reserves": [...], "report": {...}}``."""
        return {
            "selected": list(self.selected),
            "reserves": list(self.reserves),
            "report": self.report.to_dict(),
        }

    def record(self) -> dict[str, Any]:
        """Everything needed to repeat and explain the draw: seed, seats, quotas, pool, result."""
        return {
            "seed": self.seed,
            "seats": self.seats,
            "quotas": {dim: dict(targets) for dim, targets in self.quotas.items()},
            "pool": [applicant.to_dict() for applicant in self.pool],
            "result": self.to_dict(),
        }


class _Tally:
    """How many chosen people each group of each quota dimension has, and what adding or
    removing a stratum does to the total deviation."""

    def __init__(self, quotas: Quotas) -> None:
        self.dimensions = list(quotas)
        self.targets = [dict(quotas[dim]) for dim in self.dimensions]
        self.counts: list[dict[str | None, int]] = [defaultdict(int) for _ in self.dimensions]

    def stratum(self, applicant: Applicant) -> _Stratum:
        return tuple(applicant.band(dim) for dim in self.dimensions)

    def add(self, stratum: _Stratum) -> None:
        for counts, category in zip(self.counts, stratum, strict=True):
            counts[category] += 1

    def remove(self, stratum: _Stratum) -> None:
        for counts, category in zip(self.counts, stratum, strict=True):
            counts[category] -= 1

    def _add_change(self, i: int, category: str | None) -> int:
        """Change in deviation on dimension ``i`` from adding one person of ``category``."""
        target = self.targets[i].get(category) if category is not None else None
        if target is None:
            return 0
        return -1 if self.counts[i][category] < target else 1

    def _remove_change(self, i: int, category: str | None) -> int:
        """Change in deviation on dimension ``i`` from removing one person of ``category``."""
        target = self.targets[i].get(category) if category is not None else None
        if target is None:
            return 0
        return -1 if self.counts[i][category] > target else 1

    def gain(self, stratum: _Stratum) -> int:
        """How much adding one person of ``stratum`` reduces the total deviation."""
        return -sum(self._add_change(i, category) for i, category in enumerate(stratum))

    def swap_change(self, out: _Stratum, into: _Stratum) -> int:
        """Change in total deviation from replacing one person of ``out`` by one of ``into``."""
        change = 0
        for i, (old, new) in enumerate(zip(out, into, strict=True)):
            if old != new:
                change += self._remove_change(i, old) + self._add_change(i, new)
        return change


def _validate(
    applicants: Sequence[Applicant],
    quotas: Quotas,
    seats: int,
    reserves: int | None,
    known_dimensions: Iterable[str] | None,
) -> None:
    if seats < 1:
        raise SelectionError("no_seats")
    if reserves is not None and reserves < 0:
        raise SelectionError("negative_reserves")
    for dim, targets in quotas.items():
        for category, target in targets.items():
            if target < 0:
                raise SelectionError("negative_target", f"{dim}={category}")
    seen_ids: set[int] = set()
    seen_dimensions: set[str] = set(known_dimensions or ())
    for applicant in applicants:
        if applicant.id in seen_ids:
            raise SelectionError("duplicate_applicant", str(applicant.id))
        seen_ids.add(applicant.id)
        seen_dimensions.update(dim for dim, value in applicant.bands.items() if value)
    for dim in quotas:
        if dim not in seen_dimensions:
            raise SelectionError("unknown_dimension", dim)


class _Queues:
    """The applicants not (yet) chosen, per stratum, each queue in random order."""

    def __init__(self) -> None:
        self._queues: dict[_Stratum, list[int]] = defaultdict(list)

    def push(self, stratum: _Stratum, position: int) -> None:
        insort(self._queues[stratum], position)

    def pop_best(self, tally: _Tally) -> tuple[_Stratum, int] | None:
        """Take the applicant who most reduces the deviation, ties by the random order."""
        best: tuple[int, int, _Stratum] | None = None
        for stratum, queue in self._queues.items():
            if queue:
                key = (-tally.gain(stratum), queue[0], stratum)
                if best is None or key[:2] < best[:2]:
                    best = key
        if best is None:
            return None
        stratum = best[2]
        return stratum, self._queues[stratum].pop(0)

    def heads(self) -> list[tuple[_Stratum, int]]:
        """The first applicant (in random order) of every non-empty stratum."""
        return [(stratum, queue[0]) for stratum, queue in self._queues.items() if queue]

    def remove(self, stratum: _Stratum, position: int) -> None:
        self._queues[stratum].remove(position)


def _improve(chosen: list[int], strata: Sequence[_Stratum], queues: _Queues, tally: _Tally) -> None:
    """Swap one chosen person for one left out while that lowers the total deviation.

    Only strata and random positions are compared, so people in one stratum stay equally
    likely. Every swap lowers the deviation by at least one, so this ends.
    """
    while True:
        # From each chosen stratum, the person latest in the random order may go out.
        leaving: dict[_Stratum, int] = {}
        for position in chosen:
            stratum = strata[position]
            leaving[stratum] = max(leaving.get(stratum, -1), position)
        best: tuple[int, int, int, _Stratum, _Stratum] | None = None
        for into, position_in in queues.heads():
            for out, position_out in leaving.items():
                change = tally.swap_change(out, into)
                if change < 0:
                    key = (change, position_in, -position_out, out, into)
                    if best is None or key[:3] < best[:3]:
                        best = key
        if best is None:
            return
        _, position_in, neg_out, out, into = best
        position_out = -neg_out
        chosen.remove(position_out)
        tally.remove(out)
        queues.push(out, position_out)
        queues.remove(into, position_in)
        tally.add(into)
        chosen.append(position_in)


def draw(
    applicants: Iterable[Applicant],
    quotas: Quotas,
    seats: int,
    seed: int,
    reserves: int | None = None,
    known_dimensions: Iterable[str] | None = None,
) -> Draw:
    """Draw ``seats`` members from ``applicants`` to meet ``quotas`` as closely as possible,
    and rank ``reserves`` reserves (default: everyone else). See the module docstring for the
    method. Raises :class:`SelectionError` for bad input; ``known_dimensions`` are dimensions
    allowed in ``quotas`` even when no applicant has answered them."""
    pool = sorted(applicants, key=lambda applicant: applicant.id)
    _validate(pool, quotas, seats, reserves, known_dimensions)
    # Not for secrets: a seeded generator is what makes the lottery repeatable.
    rng = random.Random(seed)  # noqa: S311
    order = list(pool)
    rng.shuffle(order)

    tally = _Tally(quotas)
    strata = [tally.stratum(applicant) for applicant in order]
    queues = _Queues()
    for position, stratum in enumerate(strata):
        queues.push(stratum, position)

    chosen: list[int] = []
    while len(chosen) < seats and (picked := queues.pop_best(tally)) is not None:
        tally.add(picked[0])
        chosen.append(picked[1])
    _improve(chosen, strata, queues, tally)

    ranked: list[int] = []
    limit = len(pool) if reserves is None else reserves
    while len(ranked) < limit and (picked := queues.pop_best(tally)) is not None:
        tally.add(picked[0])
        ranked.append(picked[1])

    selected = tuple(order[position].id for position in chosen)
    return Draw(
        seed=seed,
        seats=seats,
        quotas={dim: dict(targets) for dim, targets in quotas.items()},
        pool=tuple(pool),
        selected=selected,
        reserves=tuple(order[position].id for position in ranked),
        report=report(selected, pool, quotas, seats),
    )


def report(
    selected: Iterable[int], applicants: Iterable[Applicant], quotas: Quotas, seats: int
) -> Report:
    """Targets vs. pool vs. selected for the panel ``selected`` (ids) drawn from
    ``applicants``; also usable after declines and replacements."""
    pool = list(applicants)
    chosen = set(selected)
    dimensions = []
    for dim, targets in quotas.items():
        in_pool: dict[str | None, int] = defaultdict(int)
        in_panel: dict[str | None, int] = defaultdict(int)
        for applicant in pool:
            category = applicant.band(dim)
            in_pool[category] += 1
            if applicant.id in chosen:
                in_panel[category] += 1
        others = sorted(c for c in in_pool if c is not None and c not in targets)
        order: list[str | None] = [*targets, *others]
        if None in in_pool:
            order.append(None)
        rows = []
        for category in order:
            target = targets.get(category) if category is not None else None
            count = in_panel.get(category, 0)
            rows.append(
                CategoryReport(
                    category=category,
                    target=target,
                    pool=in_pool.get(category, 0),
                    selected=count,
                    deviation=None if target is None else count - target,
                )
            )
        deviation = sum(abs(row.deviation) for row in rows if row.deviation is not None)
        dimensions.append(DimensionReport(dim, tuple(rows), deviation))
    return Report(
        seats=seats,
        pool=len(pool),
        selected=sum(1 for applicant in pool if applicant.id in chosen),
        dimensions=tuple(dimensions),
        total_deviation=sum(dim.deviation for dim in dimensions),
    )


def replacement(
    seated: Iterable[Applicant | int],
    declined: Applicant | int,
    reserves: Sequence[Applicant | int],
    quotas: Quotas,
    applicants: Iterable[Applicant] | None = None,
) -> int | None:
    """The id of the reserve who best keeps the quotas when ``declined`` leaves the panel
    ``seated``, or None when no reserve is left.

    ``seated`` may include or leave out the person who declined. ``reserves`` are in rank order
    (reserve 1 first); ties go to the better rank. People may be given as :class:`Applicant`
    or as ids; ids are looked up in ``applicants`` (SelectionError ``unknown_applicant``).
    """
    by_id = {applicant.id: applicant for applicant in applicants or ()}

    def resolve(person: Applicant | int) -> Applicant:
        if isinstance(person, Applicant):
            return person
        if person not in by_id:
            raise SelectionError("unknown_applicant", str(person))
        return by_id[person]

    declined_id = declined.id if isinstance(declined, Applicant) else declined
    tally = _Tally(quotas)
    panel_ids = set()
    for person in seated:
        applicant = resolve(person)
        if applicant.id != declined_id:
            panel_ids.add(applicant.id)
            tally.add(tally.stratum(applicant))
    best: tuple[int, int] | None = None
    for rank, person in enumerate(reserves):
        applicant = resolve(person)
        if applicant.id == declined_id or applicant.id in panel_ids:
            continue
        key = (-tally.gain(tally.stratum(applicant)), rank)
        if best is None or key < best:
            best = key
    if best is None:
        return None
    return resolve(reserves[best[1]]).id
