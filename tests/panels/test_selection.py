"""The selection lottery: quota fit, reproducibility, fairness, reserves, replacement, report."""

# Seeded generators build repeatable test pools; nothing here is a secret.
# ruff: noqa: S311

import json
import random
from collections import Counter
from itertools import count

import pytest

from app.panels.selection import (
    Applicant,
    SelectionError,
    draw,
    replacement,
    report,
)

# Upper critical values of the chi-square distribution for p = 0.001, by degrees of freedom.
# Source: NIST/SEMATECH e-Handbook of Statistical Methods, table 1.3.6.7.4 "Critical Values of
# the Chi-Square Distribution" (upper tail, 0.001 column); scipy is not installed here.
CHI2_CRITICAL_P001 = {3: 16.266, 5: 20.515, 7: 24.322, 9: 27.877, 11: 31.264, 29: 58.301}


def make_pool(groups, start=1):
    """Applicants from {(bands as a tuple of pairs): how many}; ids numbered from ``start``."""
    ids = count(start)
    return [
        Applicant(next(ids), dict(bands)) for bands, number in groups.items() for _ in range(number)
    ]


def counts_in(draw_result, pool, dimension):
    bands = {applicant.id: applicant.bands.get(dimension) for applicant in pool}
    return Counter(bands[i] for i in draw_result.selected)


def chi_square_equal(observed):
    """Goodness-of-fit statistic against "every applicant equally often"."""
    expected = sum(observed) / len(observed)
    return sum((o - expected) ** 2 / expected for o in observed)


# --- quota fit ---------------------------------------------------------------------------


AGE_LANGUAGE = {"age": {"18-29": 2, "30-64": 3, "65+": 1}, "language": {"fi": 4, "sv": 2}}


def test_meets_every_target_when_each_category_has_enough_applicants():
    groups = {
        (("age", age), ("language", lang), ("area", area)): 3
        for age in ("18-29", "30-64", "65+")
        for lang in ("fi", "sv")
        for area in ("94100", "94200")
    }
    pool = make_pool(groups)
    for seed in range(30):
        result = draw(pool, AGE_LANGUAGE, seats=6, seed=seed)
        assert len(result.selected) == 6
        assert result.report.total_deviation == 0
        assert counts_in(result, pool, "age") == {"18-29": 2, "30-64": 3, "65+": 1}
        assert counts_in(result, pool, "language") == {"fi": 4, "sv": 2}


def test_a_swap_repairs_a_greedy_first_pick_that_blocks_the_targets():
    # Greedy may start with the a1/b2 person (it covers two needs), after which no single
    # applicant covers the rest; swapping that person for a1/b1 meets every target.
    quotas = {"a": {"a1": 1, "a2": 1}, "b": {"b1": 1, "b2": 1}}
    pool = [
        Applicant(1, {"a": "a1", "b": "b2"}),
        Applicant(2, {"a": "a1", "b": "b1"}),
        Applicant(3, {"a": "a2", "b": "b2"}),
    ]
    for seed in range(40):
        result = draw(pool, quotas, seats=2, seed=seed)
        assert sorted(result.selected) == [2, 3]
        assert result.reserves == (1,)
        assert result.report.total_deviation == 0


def test_scarce_category_is_selected_in_full_and_the_shortfall_is_reported():
    pool = make_pool({(("language", "fi"),): 20, (("language", "sv"),): 1})
    quotas = {"language": {"fi": 7, "sv": 3}}
    for seed in range(10):
        result = draw(pool, quotas, seats=10, seed=seed)
        assert 21 in result.selected
        assert len(result.selected) == 10
        language = result.report.dimension("language")
        assert language.category("sv").pool == 1
        assert language.category("sv").selected == 1
        assert language.category("sv").deviation == -2
        # The two seats sv could not fill go to fi, which goes over its target.
        assert language.category("fi").selected == 9
        assert language.category("fi").deviation == 2
        assert result.report.total_deviation == 4


def test_stops_when_the_pool_runs_out():
    pool = make_pool({(("age", "18-29"),): 3})
    result = draw(pool, {"age": {"18-29": 5}}, seats=5, seed=1)
    assert sorted(result.selected) == [1, 2, 3]
    assert result.reserves == ()
    assert result.report.dimension("age").category("18-29").deviation == -2


def test_not_said_counts_towards_no_category():
    pool = [
        Applicant(1, {"age": "18-29", "language": ""}),
        Applicant(2, {"age": "18-29", "language": "fi"}),
        Applicant(3, {"age": "65+"}),
    ]
    result = draw(pool, {"age": {"18-29": 1}, "language": {"fi": 1}}, seats=1, seed=3)
    # Only applicant 2 covers both needs; not said is not "fi".
    assert result.selected == (2,)
    language = result.report.dimension("language")
    assert language.category(None).pool == 2
    assert language.category(None).target is None


# --- reproducibility ---------------------------------------------------------------------


def mixed_pool():
    rng = random.Random(99)
    return [
        Applicant(
            i,
            {
                "age": rng.choice(["18-29", "30-64", "65+"]),
                "language": rng.choice(["fi", "fi", "fi", "sv"]),
                "gender": rng.choice(["woman", "man", "", "other"]),
            },
        )
        for i in rng.sample(range(1, 1000), 60)
    ]


QUOTAS = {
    "age": {"18-29": 4, "30-64": 4, "65+": 4},
    "language": {"fi": 9, "sv": 3},
    "gender": {"woman": 5, "man": 5},
}


def test_same_seed_gives_the_same_draw():
    pool = mixed_pool()
    first = draw(pool, QUOTAS, seats=12, seed=2024)
    again = draw(pool, QUOTAS, seats=12, seed=2024)
    assert first == again
    assert first.to_dict() == again.to_dict()


def test_order_of_the_applicants_does_not_matter():
    pool = mixed_pool()
    expected = draw(pool, QUOTAS, seats=12, seed=7)
    for shuffle_seed in range(5):
        shuffled = list(pool)
        random.Random(shuffle_seed).shuffle(shuffled)
        assert draw(shuffled, QUOTAS, seats=12, seed=7).to_dict() == expected.to_dict()


def test_different_seeds_give_different_panels():
    pool = mixed_pool()
    panels = {frozenset(draw(pool, QUOTAS, seats=12, seed=seed).selected) for seed in range(20)}
    assert len(panels) > 15


def test_stored_record_repeats_the_draw():
    pool = mixed_pool()
    result = draw(pool, QUOTAS, seats=12, seed=5)
    stored = json.loads(json.dumps(result.record()))
    again = draw(
        [Applicant.from_dict(item) for item in stored["pool"]],
        stored["quotas"],
        stored["seats"],
        stored["seed"],
    )
    assert again.to_dict() == stored["result"]


def test_bands_outside_the_quotas_play_no_part():
    pool = mixed_pool()
    with_area = [Applicant(a.id, {**a.bands, "area": str(94100 + a.id % 7)}) for a in pool]
    plain = draw(pool, QUOTAS, seats=12, seed=11)
    assert draw(with_area, QUOTAS, seats=12, seed=11).selected == plain.selected


# --- fairness ----------------------------------------------------------------------------

DRAWS = 2000


def inclusion_counts(pool, quotas, seats):
    counts = Counter({applicant.id: 0 for applicant in pool})
    for seed in range(DRAWS):
        counts.update(draw(pool, quotas, seats, seed, reserves=0).selected)
    return counts


def test_everyone_in_a_stratum_is_equally_likely_to_be_selected():
    # Ids interleave the strata and half of each stratum has an area band (not a quota), so
    # neither id order nor other answers could favour anyone without the test noticing.
    ids = random.Random(1).sample(range(1, 500), 40)
    pool = [
        Applicant(
            applicant_id,
            {"age": "18-29" if n < 30 else "65+", **({"area": "94100"} if n % 2 else {})},
        )
        for n, applicant_id in enumerate(ids)
    ]
    counts = inclusion_counts(pool, {"age": {"18-29": 4, "65+": 4}}, seats=8)
    for band, size in (("18-29", 30), ("65+", 10)):
        observed = [counts[a.id] for a in pool if a.bands["age"] == band]
        assert len(observed) == size
        assert chi_square_equal(observed) < CHI2_CRITICAL_P001[size - 1]
        rate = 4 / size
        margin = 4.5 * (rate * (1 - rate) / DRAWS) ** 0.5
        for n in observed:
            assert abs(n / DRAWS - rate) < margin


def test_equal_chances_within_strata_across_two_dimensions():
    groups = {
        (("age", "young"), ("language", "fi")): 12,
        (("age", "young"), ("language", "sv")): 6,
        (("age", "old"), ("language", "fi")): 8,
        (("age", "old"), ("language", "sv")): 4,
    }
    pool = make_pool(groups)
    random.Random(2).shuffle(pool)  # input order must not matter either
    quotas = {"age": {"young": 3, "old": 3}, "language": {"fi": 4, "sv": 2}}
    counts = inclusion_counts(pool, quotas, seats=6)
    for bands, size in groups.items():
        observed = [counts[a.id] for a in pool if tuple(a.bands.items()) == bands]
        assert chi_square_equal(observed) < CHI2_CRITICAL_P001[size - 1]


# --- reserves and replacement ------------------------------------------------------------


def test_reserves_are_everyone_else_ranked_by_remaining_need():
    pool = make_pool({(("age", "young"),): 5, (("age", "old"),): 5})
    result = draw(pool, {"age": {"young": 2, "old": 2}}, seats=3, seed=4)
    assert len(result.reserves) == 7
    assert set(result.reserves).isdisjoint(result.selected)
    assert set(result.reserves) | set(result.selected) == {a.id for a in pool}
    # Three seats for four targets: reserve 1 is from the group still one short.
    selected_ages = counts_in(result, pool, "age")
    short = "young" if selected_ages["young"] < 2 else "old"
    age_of = {a.id: a.bands["age"] for a in pool}
    assert age_of[result.reserves[0]] == short


def test_reserve_count_can_be_limited():
    pool = mixed_pool()
    result = draw(pool, QUOTAS, seats=12, seed=1, reserves=5)
    full = draw(pool, QUOTAS, seats=12, seed=1)
    assert result.reserves == full.reserves[:5]
    assert result.selected == full.selected


def test_replacement_comes_from_the_decliners_stratum_when_there_is_one():
    quotas = {"age": {"young": 1, "old": 1}, "language": {"fi": 1, "sv": 1}}
    seated = [
        Applicant(1, {"age": "young", "language": "fi"}),
        Applicant(2, {"age": "old", "language": "sv"}),
    ]
    reserves = [
        Applicant(3, {"age": "old", "language": "fi"}),
        Applicant(4, {"age": "young", "language": "sv"}),
        Applicant(5, {"age": "young", "language": "fi"}),
    ]
    assert replacement(seated, seated[0], reserves, quotas) == 5
    # The decliner may already be gone from the seated list.
    assert replacement(seated[1:], seated[0], reserves, quotas) == 5


def test_replacement_takes_the_next_best_reserve_without_one_from_the_stratum():
    quotas = {"age": {"young": 1, "old": 1}, "language": {"fi": 1, "sv": 1}}
    people = {
        1: Applicant(1, {"age": "young", "language": "fi"}),
        2: Applicant(2, {"age": "old", "language": "sv"}),
        3: Applicant(3, {"age": "old", "language": "sv"}),  # fits nothing the panel lacks
        4: Applicant(4, {"age": "old", "language": "fi"}),  # keeps language
        5: Applicant(5, {"age": "young", "language": "sv"}),  # keeps age, ranked after 4
    }
    # 4 and 5 each keep one quota: the better-ranked one wins.
    assert replacement([1, 2], 1, [3, 4, 5], quotas, applicants=people.values()) == 4
    assert replacement([1, 2], 1, [3, 5, 4], quotas, applicants=people.values()) == 5


def test_replacement_is_none_when_no_reserve_is_left():
    people = [Applicant(1, {"age": "young"}), Applicant(2, {"age": "old"})]
    assert replacement([1, 2], 1, [], {"age": {"young": 1}}, applicants=people) is None
    # A reserve who was already promoted is not a reserve any more.
    assert replacement([1, 2], 1, [2], {"age": {"young": 1}}, applicants=people) is None


def test_replacement_with_an_unknown_id_is_an_error():
    with pytest.raises(SelectionError) as error:
        replacement([1], 1, [9], {"age": {"young": 1}}, applicants=[Applicant(1, {})])
    assert error.value.reason == "unknown_applicant"


# --- report ------------------------------------------------------------------------------


def test_report_numbers_for_a_small_panel():
    pool = [
        Applicant(1, {"age": "18-29", "language": "fi"}),
        Applicant(2, {"age": "18-29", "language": "sv"}),
        Applicant(3, {"age": "30-64", "language": "fi"}),
        Applicant(4, {"age": "65+", "language": "fi"}),
        Applicant(5, {"language": "fi"}),
    ]
    quotas = {"age": {"18-29": 1, "30-64": 2}, "language": {"fi": 2, "sv": 1}}
    assert report([1, 2, 4], pool, quotas, seats=3).to_dict() == {
        "seats": 3,
        "pool": 5,
        "selected": 3,
        "dimensions": [
            {
                "dimension": "age",
                "categories": [
                    {"category": "18-29", "target": 1, "pool": 2, "selected": 2, "deviation": 1},
                    {"category": "30-64", "target": 2, "pool": 1, "selected": 0, "deviation": -2},
                    {
                        "category": "65+",
                        "target": None,
                        "pool": 1,
                        "selected": 1,
                        "deviation": None,
                    },
                    {"category": None, "target": None, "pool": 1, "selected": 0, "deviation": None},
                ],
                "deviation": 3,
            },
            {
                "dimension": "language",
                "categories": [
                    {"category": "fi", "target": 2, "pool": 4, "selected": 2, "deviation": 0},
                    {"category": "sv", "target": 1, "pool": 1, "selected": 1, "deviation": 0},
                ],
                "deviation": 0,
            },
        ],
        "total_deviation": 3,
    }


def test_draw_result_is_json_serialisable():
    result = draw(mixed_pool(), QUOTAS, seats=12, seed=3)
    data = result.to_dict()
    assert json.loads(json.dumps(data)) == data
    assert set(data) == {"selected", "reserves", "report"}
    assert data["report"]["selected"] == 12


# --- validation --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("quotas", "seats", "reason"),
    [
        ({"age": {"young": 1}}, 0, "no_seats"),
        ({"age": {"young": -1}}, 2, "negative_target"),
        ({"income": {"low": 1}}, 2, "unknown_dimension"),
    ],
)
def test_bad_input_is_refused(quotas, seats, reason):
    pool = [Applicant(1, {"age": "young"}), Applicant(2, {"age": "old"})]
    with pytest.raises(SelectionError) as error:
        draw(pool, quotas, seats=seats, seed=1)
    assert error.value.reason == reason


def test_a_known_dimension_nobody_answered_is_allowed():
    pool = [Applicant(1, {"age": "young"}), Applicant(2, {"age": "old"})]
    result = draw(pool, {"gender": {"woman": 1}}, seats=1, seed=1, known_dimensions=["gender"])
    assert len(result.selected) == 1
    assert result.report.dimension("gender").category("woman").deviation == -1
