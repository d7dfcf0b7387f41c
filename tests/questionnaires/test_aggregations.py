"""Results aggregations: small hand-built frames in, exact frames out (no database)."""

from __future__ import annotations

from datetime import date

import numpy as np
import pandas as pd
import pytest
from pandas.testing import assert_frame_equal, assert_series_equal

from app.questionnaires import aggregations as agg
from app.questionnaires.frames import COUNT_DTYPES, VALUE_DTYPES, Tally


def counts(rows: list[tuple]) -> pd.DataFrame:
    """(question_id, row_code, option_code, rank, point, n) rows typed like frames.answer_counts."""
    frame = pd.DataFrame(rows, columns=list(COUNT_DTYPES))
    return frame.astype(COUNT_DTYPES)


def values(rows: list[tuple]) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=list(VALUE_DTYPES)).astype(VALUE_DTYPES)


NA = pd.NA


def test_choice_counts_leave_ranks_and_points_out():
    frame = counts(
        [
            (1, "", "a", NA, NA, 3),
            (1, "", "b", NA, NA, 2),
            (2, "", "x", 1, NA, 4),  # a ranked option is not a choice
            (3, "", "", NA, 4, 5),  # a scale point
            (3, "", "cant", NA, NA, 1),
            (4, "r1", "cant", NA, NA, 2),  # can't say on a matrix row
        ]
    )
    expected = pd.DataFrame(
        {
            "question_id": [1, 1, 3, 4],
            "row_code": ["", "", "", "r1"],
            "option_code": ["a", "b", "cant", "cant"],
            "n": [3, 2, 1, 2],
        }
    )
    assert_frame_equal(agg.choice_counts(frame), expected)


def test_point_and_number_counts_share_one_shape():
    points = agg.point_counts(counts([(3, "", "", NA, 4, 5), (3, "", "", NA, 2, 1)]))
    numbers = agg.number_counts(values([(8, 2.5, None, 2), (8, 10.0, None, 1)]))
    expected_points = pd.DataFrame(
        {"question_id": [3, 3], "row_code": ["", ""], "value": [2.0, 4.0], "n": [1, 5]}
    )
    expected_numbers = pd.DataFrame(
        {"question_id": [8, 8], "row_code": ["", ""], "value": [2.5, 10.0], "n": [2, 1]}
    )
    assert_frame_equal(points, expected_points)
    assert_frame_equal(numbers, expected_numbers)


@pytest.mark.parametrize(
    ("numbers", "weights", "median"),
    [
        ([1, 2, 3], [1, 1, 1], 2.0),
        ([1, 2, 3, 4], [1, 1, 1, 1], 2.5),
        ([5, 1], [3, 1], 5.0),  # 1 5 5 5
        ([1, 5], [2, 2], 3.0),  # 1 1 5 5
        ([7], [0], np.nan),
    ],
)
def test_weighted_median_repeats_each_value_its_count(numbers, weights, median):
    result = agg.weighted_median(np.array(numbers, dtype=float), np.array(weights, dtype=float))
    assert result == median or (np.isnan(median) and np.isnan(result))


def test_value_summary_weights_by_count():
    frame = pd.DataFrame(
        {
            "question_id": [3, 3, 3],
            "row_code": ["", "", ""],
            "value": [1.0, 4.0, 5.0],
            "n": [1, 2, 1],
        }
    )
    expected = pd.DataFrame(
        {
            "question_id": [3],
            "row_code": [""],
            "n": [4],
            "mean": [3.5],
            "median": [4.0],
            "minimum": [1.0],
            "maximum": [5.0],
        }
    )
    assert_frame_equal(agg.value_summary(frame), expected)


def test_rank_summary_gives_mean_rank_and_first_choices():
    frame = counts(
        [
            (7, "", "late", 1, NA, 3),
            (7, "", "late", 2, NA, 1),
            (7, "", "sun", 1, NA, 1),
            (7, "", "sun", 2, NA, 3),
        ]
    )
    expected = pd.DataFrame(
        {
            "question_id": [7, 7],
            "option_code": ["late", "sun"],
            "ranked": [4, 4],
            "mean_rank": [1.25, 1.75],
            "first": [3, 1],
        }
    )
    assert_frame_equal(agg.rank_summary(frame), expected)


def test_ranking_respondents_are_the_rank_ones():
    frame = counts([(7, "", "late", 1, NA, 3), (7, "", "sun", 1, NA, 1), (7, "", "sun", 2, NA, 3)])
    expected = pd.DataFrame({"question_id": [7], "answered": [4], "substantive": [4]})
    assert_frame_equal(agg.ranking_respondents(frame), expected)


def test_question_totals_leave_cant_say_out_of_the_base():
    rows = pd.DataFrame(
        {
            "question_id": [1, 1, 1, 3],
            "option_code": ["a", "b", "cant", ""],
            "n": [5, 3, 2, 4],
        }
    )
    respondents = pd.DataFrame({"question_id": [2], "answered": [6], "substantive": [5]})
    cant_say = pd.DataFrame({"question_id": [1, 2], "option_code": ["cant", "cant"]})
    expected = pd.DataFrame(
        {
            "question_id": [1, 2, 3],
            "answered": [10, 6, 4],
            "cant_say": [2, 1, 0],
            "base": [8, 5, 4],
        }
    )
    assert_frame_equal(agg.question_totals(rows, respondents, cant_say), expected)


def test_shares_of_an_empty_base_are_not_numbers():
    result = agg.shares(pd.Series([1, 3]), 4)
    assert_series_equal(result, pd.Series([0.25, 0.75]))
    assert agg.shares(pd.Series([0, 0]), 0).isna().all()


def test_small_counts_are_suppressed_but_zero_is_not():
    mask = agg.suppression_mask(pd.Series([0, 1, 4, 5, 12]), 5)
    assert_series_equal(mask, pd.Series([False, True, True, False, False]))


def test_a_lone_small_count_of_a_whole_takes_the_next_smallest_with_it():
    # 12 + 7 + 3 = 22 published as the base: 3 could be worked out from the others.
    mask = agg.suppression_mask(pd.Series([12, 7, 3]), 5, complementary=True)
    assert_series_equal(mask, pd.Series([False, True, True]))
    # Choices of several options do not add up to the base: one suppression is enough.
    assert agg.suppression_mask(pd.Series([12, 7, 3]), 5).tolist() == [False, False, True]


def test_whole_numbers_are_binned_in_whole_ranges():
    frame = pd.DataFrame({"value": [float(v) for v in range(0, 25)], "n": [1] * 25})
    expected = pd.DataFrame(
        {
            "low": [0.0, 3.0, 6.0, 9.0, 12.0, 15.0, 18.0, 21.0, 24.0],
            "high": [2.0, 5.0, 8.0, 11.0, 14.0, 17.0, 20.0, 23.0, 26.0],
            "n": [3, 3, 3, 3, 3, 3, 3, 3, 1],
        }
    )
    assert_frame_equal(agg.bins(frame), expected)


def test_decimal_numbers_are_binned_in_equal_ranges_the_last_one_closed():
    frame = pd.DataFrame({"value": [0.5, 1.5, 10.5], "n": [2, 1, 1]})
    result = agg.bins(frame, max_bins=2)
    expected = pd.DataFrame({"low": [0.5, 5.5], "high": [5.5, 10.5], "n": [3, 1]})
    assert_frame_equal(result, expected)


def test_timeline_counts_local_days_and_shows_quiet_days():
    hours = pd.DataFrame(
        {
            # 22:30 UTC on 1 March is already 2 March in Helsinki (UTC+2).
            "hour": pd.to_datetime(["2026-03-01 09", "2026-03-01 22", "2026-03-04 10"], utc=True),
            "n": [2, 1, 4],
        }
    )
    period, frame = agg.responses_by_period(hours, "Europe/Helsinki")
    expected = pd.DataFrame(
        {
            "start": [date(2026, 3, 1), date(2026, 3, 2), date(2026, 3, 3), date(2026, 3, 4)],
            "n": [2, 1, 0, 4],
        }
    )
    assert period == "day"
    assert_frame_equal(frame, expected)


def test_timeline_of_a_long_survey_is_by_week_from_monday():
    hours = pd.DataFrame(
        {"hour": pd.to_datetime(["2026-01-07 10", "2026-04-01 10"], utc=True), "n": [1, 2]}
    )
    period, frame = agg.responses_by_period(hours, "Europe/Helsinki")
    assert period == "week"
    assert frame["start"].iloc[0] == date(2026, 1, 5)  # the Monday of that week
    assert frame["n"].sum() == 3
    assert len(frame) == 13


def test_facet_values_are_biggest_first_without_blanks():
    facets = pd.DataFrame(
        {"channel": ["web", "paper", "web"], "age": ["30-44", "", "18-29"], "n": [3, 5, 4]}
    )
    expected = pd.DataFrame({"value": ["web", "paper"], "n": [7, 5]})
    assert_frame_equal(agg.facet_values(facets, "channel"), expected)
    assert agg.facet_values(facets, "age")["value"].tolist() == ["18-29", "30-44"]


def test_tallies_of_older_and_newer_responses_add_up():
    older = Tally(
        total=3,
        counts=counts([(1, "", "a", NA, NA, 2), (1, "", "b", NA, NA, 1)]),
        values=values([(8, 2.0, None, 3)]),
        shown={"q2": 1},
    )
    newer = Tally(
        total=2,
        counts=counts([(1, "", "a", NA, NA, 1), (3, "", "", NA, 4, 2)]),
        values=values([(8, 2.0, None, 1), (9, np.nan, date(2026, 1, 1), 2)]),
        shown={"q2": 2},
    )
    both = older + newer
    assert both.total == 5
    assert both.shown == {"q2": 3}
    summed = both.counts.sort_values(["question_id", "option_code"], ignore_index=True)
    assert_frame_equal(
        summed,
        counts([(1, "", "a", NA, NA, 3), (1, "", "b", NA, NA, 1), (3, "", "", NA, 4, 2)]),
    )
    assert sorted(both.values["n"].tolist()) == [2, 4]
